# Sourced by tests/run-all.sh: starts a throwaway PostgreSQL cluster for the storage contract tests
# when MESH_TEST_POSTGRES is not already set and PostgreSQL's binaries are installed (Debian package
# postgresql). Loopback only, trust auth, a free port from 54329, fsync off; stopped and deleted when
# the calling script exits. As root the server runs as the postgres user (it refuses root).
# Without PostgreSQL nothing starts and those tests say so (skipped, or failed under CI=true).

start_test_postgres() {
  [ -z "${MESH_TEST_POSTGRES:-}" ] || return 0
  local pg_bin
  pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
    echo "== PostgreSQL not installed (apt-get install postgresql): its storage tests will not run"
    return 0
  fi

  test_pg_root="$(mktemp -d /tmp/mesh-test-postgres.XXXXXX)"
  test_pg_as=()
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$test_pg_root"
    test_pg_as=(runuser -u postgres --)
  fi
  test_pg_bin="$pg_bin"
  trap stop_test_postgres EXIT

  local port=54329
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  "${test_pg_as[@]}" "$pg_bin/initdb" -D "$test_pg_root/data" -U postgres --auth=trust --encoding=UTF8 --no-sync >/dev/null </dev/null
  "${test_pg_as[@]}" "$pg_bin/pg_ctl" -D "$test_pg_root/data" -l "$test_pg_root/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $test_pg_root -c fsync=off -c max_connections=500" start >/dev/null </dev/null \
    || { cat "$test_pg_root/server.log" >&2; return 1; }
  export MESH_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres"
  echo "== PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') for the tests on 127.0.0.1:$port"
}

stop_test_postgres() {
  "${test_pg_as[@]}" "$test_pg_bin/pg_ctl" -D "$test_pg_root/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$test_pg_root"
}
