# Sourced by tests/run-all.sh: starts a throwaway RabbitMQ node for the messaging tests when
# MESH_TEST_RABBITMQ is not already set and RabbitMQ is installed (Debian package rabbitmq-server).
# Loopback only, its own node name, ports, Erlang port mapper, cookie and data folder; stopped and
# deleted when the calling script exits. Tests that stop and restart their broker start private
# nodes the same way (tests/Mesh.Testing/Messaging/RabbitMqNode.cs runs this file with "node").
# Without RabbitMQ nothing starts and those tests say so (skipped, or failed under CI=true).

test_rabbitmq_server=/usr/lib/rabbitmq/bin/rabbitmq-server

# run_test_rabbitmq_node DIR AMQP_PORT DIST_PORT EPMD_PORT [OWNER_PID]: runs one node until it
# stops, then stops its port mapper. With OWNER_PID a watchdog kills the node and deletes DIR once
# that process is gone, so a test process that crashes leaves nothing running.
run_test_rabbitmq_node() {
  local dir="$1" amqp_port="$2" dist_port="$3" epmd_port="$4" owner="${5:-}"
  mkdir -p "$dir/log" "$dir/mnesia"
  printf 'listeners.tcp.1 = 127.0.0.1:%s\nlog.console = true\nlog.console.level = warning\n' "$amqp_port" >"$dir/rabbitmq.conf"
  echo '[].' >"$dir/enabled_plugins"
  # HOME holds the node's own Erlang cookie; ERL_EPMD_PORT gives it a port mapper of its own.
  HOME="$dir" ERL_EPMD_ADDRESS=127.0.0.1 ERL_EPMD_PORT="$epmd_port" \
    RABBITMQ_NODENAME="mesh-test-$amqp_port@localhost" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="$amqp_port" RABBITMQ_DIST_PORT="$dist_port" \
    RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
    RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_PID_FILE="$dir/pid" \
    "$test_rabbitmq_server" &
  local node=$!
  if [ -n "$owner" ]; then
    (
      while kill -0 "$owner" 2>/dev/null && kill -0 "$node" 2>/dev/null; do sleep 1; done
      if ! kill -0 "$owner" 2>/dev/null; then
        kill -KILL "$(cat "$dir/pid" 2>/dev/null)" "$node" 2>/dev/null
        sleep 1
        stop_test_rabbitmq_port_mapper "$epmd_port"
        rm -rf "$dir"
      fi
    ) </dev/null >/dev/null 2>&1 &
  fi
  local status=0
  wait "$node" || status=$?
  stop_test_rabbitmq_port_mapper "$epmd_port"
  return "$status"
}

stop_test_rabbitmq_port_mapper() {
  "$(ls /usr/lib/erlang/erts-*/bin/epmd 2>/dev/null | head -n 1)" -port "$1" -kill >/dev/null 2>&1 || true
}

start_test_rabbitmq() {
  [ -z "${MESH_TEST_RABBITMQ:-}" ] || return 0
  if [ ! -x "$test_rabbitmq_server" ]; then
    echo "== RabbitMQ not installed (apt-get install rabbitmq-server): its messaging tests will not run"
    return 0
  fi

  test_rabbitmq_root="$(mktemp -d /tmp/mesh-test-rabbitmq.XXXXXX)"
  local previous_trap
  previous_trap="$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT$/\1/")"
  trap "stop_test_rabbitmq; $previous_trap" EXIT

  local port=56720
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 3)); done
  test_rabbitmq_epmd_port=$((port + 2))
  (run_test_rabbitmq_node "$test_rabbitmq_root" "$port" $((port + 1)) "$test_rabbitmq_epmd_port" \
    >"$test_rabbitmq_root/server.log" 2>&1 </dev/null &)
  local waited=0
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    if [ "$waited" -ge 600 ]; then
      cat "$test_rabbitmq_root/server.log" >&2
      return 1
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  export MESH_TEST_RABBITMQ="amqp://guest:guest@127.0.0.1:$port/"
  echo "== RabbitMQ $(dpkg-query -W -f='${Version}' rabbitmq-server 2>/dev/null) for the tests on 127.0.0.1:$port"
}

stop_test_rabbitmq() {
  local pid
  pid="$(cat "$test_rabbitmq_root/pid" 2>/dev/null || true)"
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  stop_test_rabbitmq_port_mapper "$test_rabbitmq_epmd_port"
  rm -rf "$test_rabbitmq_root"
}

if [ "${BASH_SOURCE[0]}" = "$0" ] && [ "${1:-}" = "node" ]; then
  shift
  run_test_rabbitmq_node "$@"
fi
