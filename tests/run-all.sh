#!/usr/bin/env bash
# The test command: buf lint on the contracts, every test project in Mesh.sln, the benchmark
# harness in quick mode, then one line "N passed, N failed" counted from the trx files.
# Exits non-zero if any step fails or no test ran.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/tests/tools"
results="$root/TestResults/run-all"
buf="$tools/node_modules/.bin/buf"
buf_version="1.75.0" # keep in step with tests/tools/package.json
cd "$root"

# (a) buf from npm, pinned by tests/tools/package-lock.json; installed only when missing.
if [ ! -x "$buf" ] || [ "$("$buf" --version 2>/dev/null)" != "$buf_version" ]; then
  echo "== installing buf $buf_version (npm ci in tests/tools)"
  (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error)
fi
# The protos import google/api/annotations.proto, which Google.Api.CommonProtos (NuGet) brings:
# lint the descriptor set Mesh.Contracts compiles (every file with its imports), our files only.
echo "== buf lint (protos/, through the descriptor set Mesh.Contracts builds)"
lint_status=0
dotnet build "$root/services/Mesh.Contracts" --configuration Release --nologo -v quiet || lint_status=$?
if [ "$lint_status" -eq 0 ]; then
  "$buf" lint "$root/services/Mesh.Contracts/obj/mesh.protoset#format=binpb" --config "$root/protos/buf.yaml" --path mesh || lint_status=$?
fi

# PostgreSQL for the storage contract tests, unless one is given in MESH_TEST_POSTGRES.
source "$root/tests/start-test-postgres.sh"
start_test_postgres
# RabbitMQ for the messaging tests, unless one is given in MESH_TEST_RABBITMQ.
source "$root/tests/start-test-rabbitmq.sh"
start_test_rabbitmq

# (b) one build and every test project; a stale result must never be counted.
rm -rf "$results"
echo "== dotnet test Mesh.sln"
test_status=0
dotnet test "$root/Mesh.sln" \
  --configuration Release \
  --logger trx \
  --results-directory "$results" \
  --blame-hang-timeout 10m --blame-hang-dump-type none \
  || test_status=$?

# (c) the benchmark harness in quick mode: proves it runs end to end (never asserts speed; it
# fails only when a scenario cannot run). Numbers: docs/benchmarks.md.
bench_status=0
if [ "$test_status" -eq 0 ]; then
  echo "== benchmark harness, quick mode"
  # Not --no-build: dotnet test builds only the test projects and what they reference.
  dotnet run --configuration Release --project "$root/tests/Mesh.Bench" -- --quick || bench_status=$?
fi

# (d) sum the <Counters> of every trx file.
counter() { # counter NAME COUNTERS_ELEMENT -> the attribute's value, 0 when absent
  local value
  value="$(printf '%s' "$2" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p")"
  printf '%s' "${value:-0}"
}
passed=0 failed=0 skipped=0
while IFS= read -r -d '' trx; do
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1 || true)"
  passed=$((passed + $(counter passed "$counters")))
  failed=$((failed + $(counter failed "$counters") + $(counter error "$counters") + $(counter timeout "$counters") + $(counter aborted "$counters")))
  # Skipped tests show as outcome="NotExecuted" results; the Counters element does not count them.
  skipped=$((skipped + $(grep -o 'outcome="NotExecuted"' "$trx" | wc -l || true)))
done < <(find "$results" -name '*.trx' -print0 2>/dev/null)

outcome=0
[ "$lint_status" -ne 0 ] && { echo "buf lint failed (exit $lint_status)"; outcome=1; }
[ "$test_status" -ne 0 ] && { echo "dotnet test failed (exit $test_status)"; outcome=1; }
[ "$bench_status" -ne 0 ] && { echo "the benchmark harness failed (exit $bench_status)"; outcome=1; }
[ $((passed + failed)) -eq 0 ] && { echo "no test ran"; outcome=1; }
[ "$failed" -gt 0 ] && outcome=1

summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
exit "$outcome"
