#!/usr/bin/env bash
# Builds the three service images (mesh-users, mesh-inventory, mesh-orders) from the repository root
# with podman or docker, all from services/Dockerfile with --build-arg SERVICE=<name>. The images share
# its restore and shared-library layers, so they are built one after another: the first pays for
# restore, the other two reuse its layers.
#
# Usage: services/build-images.sh [options] [-- extra build arguments]
#   --engine ENGINE          podman or docker, by name or path (default: $MESH_CONTAINER_ENGINE,
#                            else podman if it works, else docker if its daemon answers)
#   --tag TAG                image tag (default: $MESH_IMAGE_TAG, else dev)
#   --prefix PREFIX          image name prefix (default: $MESH_IMAGE_PREFIX, else localhost/mesh-),
#                            e.g. registry.example.com/team/mesh-
#   --pull POLICY            base-image pull policy: missing (default), never, always
#   --network MODE           network for RUN steps, which restore NuGet packages (default: host;
#                            "default" leaves the engine's choice)
#   --only NAME              build only users, inventory or orders (repeatable)
#   -h, --help               this text
#
# On machines without a registry, seed the base images first (../shared/tools/seed-dotnet-images.sh)
# and pass --pull never. Prints one line per image with its build time, then the images' sizes.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
engine="${MESH_CONTAINER_ENGINE:-}"
tag="${MESH_IMAGE_TAG:-dev}"
prefix="${MESH_IMAGE_PREFIX:-localhost/mesh-}"
pull="missing"
network="host"
services=()
extra=()

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --engine) engine="${2:?--engine needs a value}"; shift 2 ;;
    --tag) tag="${2:?--tag needs a value}"; shift 2 ;;
    --prefix) prefix="${2?--prefix needs a value}"; shift 2 ;;
    --pull) pull="${2:?--pull needs a value}"; shift 2 ;;
    --network) network="${2:?--network needs a value}"; shift 2 ;;
    --only) services+=("${2:?--only needs a value}"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "build-images: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[ "${#services[@]}" -gt 0 ] || services=(users inventory orders)

if [ -z "$engine" ]; then
  if command -v podman >/dev/null && podman info >/dev/null 2>&1; then
    engine=podman
  elif command -v docker >/dev/null && docker info >/dev/null 2>&1; then
    engine=docker
  else
    echo "build-images: no working container engine (podman, or docker with a reachable daemon)." >&2
    echo "  Here: ../shared/tools/seed-dotnet-images.sh installs podman and seeds the .NET base images." >&2
    exit 1
  fi
fi
case "$pull" in missing|never|always) ;; *) echo "build-images: --pull must be missing, never or always" >&2; exit 2 ;; esac

# docker's classic builder knows only --pull (always); podman and buildx take --pull=POLICY.
engine_name="$(basename "$engine")"
pull_args=()
case "$engine_name:$pull" in
  docker:always) pull_args=(--pull) ;;
  docker:*) ;;
  *) pull_args=("--pull=$pull") ;;
esac
network_args=()
[ "$network" = default ] || network_args=(--network "$network")
# BuildKit and newer podman set TARGETARCH themselves; older podman (4.3 on Debian 12) does not and
# warns about it. Pass the engine's own architecture unless the caller chose a --platform.
arch_args=()
if [ "$engine_name" = podman ] && [[ " ${extra[*]-} " != *" --platform"* ]]; then
  arch_args=(--build-arg "TARGETARCH=$("$engine" info --format '{{.Host.Arch}}')")
fi

cd "$root"
for service in "${services[@]}"; do
  case "$service" in users|inventory|orders) ;; *) echo "build-images: unknown service '$service'" >&2; exit 2 ;; esac
done
built=()
for service in "${services[@]}"; do
  image="$prefix$service:$tag"
  echo "== $engine build $image (services/Dockerfile, SERVICE=$service)"
  started=$SECONDS
  "$engine" build ${pull_args[@]+"${pull_args[@]}"} ${network_args[@]+"${network_args[@]}"} ${arch_args[@]+"${arch_args[@]}"} \
    --file services/Dockerfile --build-arg "SERVICE=$service" --tag "$image" \
    ${extra[@]+"${extra[@]}"} .
  echo "== built $image in $((SECONDS - started)) s"
  built+=("$image")
done

for image in "${built[@]}"; do
  "$engine" image inspect --format "{{.Size}}" "$image" \
    | awk -v image="$image" '{ printf "%s\t%.1f MB\n", image, $1 / 1000000 }'
done
