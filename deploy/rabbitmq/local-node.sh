#!/usr/bin/env bash
# A private, throwaway RabbitMQ node for tests: Debian's rabbitmq-server run as a plain
# process (no Docker, no systemd), with its own node name, ports, epmd, cookie and data
# folder under a temp directory, listening on 127.0.0.1 only.
#
#   exports=$(deploy/rabbitmq/local-node.sh start) && eval "$exports"
#       start a new node; prints `export` lines for HUB_TEST_RABBITMQ (amqp URI of user hub),
#       HUB_RABBITMQ_NODE and HUB_RABBITMQ_DIR
#   deploy/rabbitmq/local-node.sh stop [DIR]            stop the node and delete DIR
#   deploy/rabbitmq/local-node.sh stop-node [DIR]       stop the node, keep DIR (and its data)
#   deploy/rabbitmq/local-node.sh start-existing [DIR]  start a stopped node again from DIR
#   deploy/rabbitmq/local-node.sh import-definitions FILE [DIR]  apply a definitions file
# DIR defaults to $HUB_RABBITMQ_DIR. Everything but the export lines goes to stderr.
# (Assign then eval: `eval "$(... start)"` would hide a failed start from `set -e`.)
set -euo pipefail

RMQ_BIN=/usr/lib/rabbitmq/bin   # not /usr/sbin: those wrappers `su` to the rabbitmq user and reset HOME
START_TIMEOUT=${HUB_RABBITMQ_START_TIMEOUT:-60}

log() { echo "local-node: $*" >&2; }
die() { log "error: $*"; exit 1; }

ensure_installed() {
  [[ -x $RMQ_BIN/rabbitmq-server ]] && return
  local sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  apt() { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -q "$@" >&2; }
  # If the package starts its own system node (5672/25672/4369), we simply don't collide with it.
  log "installing rabbitmq-server from Debian packages"
  apt install --no-install-recommends rabbitmq-server \
    || { apt update && apt install --no-install-recommends rabbitmq-server; } \
    || die "could not install rabbitmq-server"
}

# Distinct free loopback ports, held open together so they differ from each other. Skips the
# range rabbitmqctl itself listens on (35672-35682) so the CLI can always reach the node.
free_ports() {
  python3 - "$1" <<'EOF'
import socket, sys
socks, ports = [], []
while len(ports) < int(sys.argv[1]):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
    p = s.getsockname()[1]
    if not 35672 <= p <= 35682: ports.append(p)
print(*ports)
EOF
}

# Point the RabbitMQ scripts, Erlang and epmd at DIR and nothing shared.
load_env() {
  DIR=$1
  [[ -f $DIR/node.env ]] || die "$DIR/node.env not found"
  # shellcheck source=/dev/null
  . "$DIR/node.env"   # NODE AMQP_PORT DIST_PORT EPMD_PORT PASSWORD
  export HOME=$DIR LC_ALL=C.UTF-8   # HOME: the cookie is $DIR/.erlang.cookie, for server and CLI alike
  export ERL_EPMD_PORT=$EPMD_PORT ERL_EPMD_ADDRESS=127.0.0.1
  export RABBITMQ_NODENAME=$NODE RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT=$AMQP_PORT RABBITMQ_DIST_PORT=$DIST_PORT \
    RABBITMQ_MNESIA_BASE=$DIR/mnesia RABBITMQ_LOG_BASE=$DIR/log RABBITMQ_PID_FILE=$DIR/pid \
    RABBITMQ_CONFIG_FILE=$DIR/rabbitmq.conf RABBITMQ_ADVANCED_CONFIG_FILE=$DIR/advanced.config \
    RABBITMQ_ENABLED_PLUGINS_FILE=$DIR/enabled_plugins RABBITMQ_CONF_ENV_FILE=$DIR/rabbitmq-env.conf
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
}

ctl() { timeout 60 "$RMQ_BIN/rabbitmqctl" -q -n "$NODE" "$@"; }

# PID of this node's Erlang VM, or nothing. Checks the command line so that a stale pid
# file never makes us signal some unrelated process.
node_pid() {
  local pid cmdline
  pid=$(cat "$DIR/pid" 2>/dev/null) && cmdline=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || return 0
  if [[ $cmdline == *"-home $DIR "* ]]; then echo "$pid"; fi
}

launch() {
  [[ -z $(node_pid) ]] || die "node $NODE is already running"
  local t0=$SECONDS launcher
  # setsid + own stdio: the node outlives this script, and `$(... start)` does not wait
  # for a pipe the node would otherwise keep open.
  setsid "$RMQ_BIN/rabbitmq-server" >>"$DIR/log/startup.out" 2>&1 </dev/null &
  launcher=$!
  # await_startup fails at once until the node has registered with epmd, hence the loop.
  until ctl await_startup >/dev/null 2>&1; do
    if ! kill -0 "$launcher" 2>/dev/null || ((SECONDS - t0 > START_TIMEOUT)); then
      tail -n 30 "$DIR/log/startup.out" >&2 || true
      log "node $NODE exited or did not start within ${START_TIMEOUT}s (logs: $DIR/log)"
      return 1
    fi
    sleep 1
  done
  log "node $NODE up on 127.0.0.1:$AMQP_PORT after $((SECONDS - t0))s"
  printf 'export %s=%q\n' \
    HUB_TEST_RABBITMQ "amqp://hub:$PASSWORD@127.0.0.1:$AMQP_PORT/" \
    HUB_RABBITMQ_NODE "$NODE" \
    HUB_RABBITMQ_DIR "$DIR"
}

stop_node() {
  local pid i
  pid=$(node_pid)
  if [[ -n $pid ]]; then
    # SIGTERM also shuts RabbitMQ down cleanly, e.g. while it is still booting.
    ctl stop >&2 || { log "rabbitmqctl stop failed; sending SIGTERM to $pid"; kill "$pid" 2>/dev/null || true; }
    for ((i = 0; i < 30; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -KILL "$pid" 2>/dev/null || true
    log "node $NODE stopped"
  else
    log "node $NODE is not running"
  fi
  # The private epmd outlives the node otherwise.
  epmd -port "$EPMD_PORT" -kill >/dev/null 2>&1 || true
}

start_new() {
  ensure_installed
  local ports
  read -r -a ports <<<"$(free_ports 3)"
  ((${#ports[@]} == 3)) || die "could not find free ports (python3 missing?)"
  DIR=$(mktemp -d "${TMPDIR:-/tmp}/hub-rabbitmq.XXXXXX")
  mkdir -p "$DIR/log" "$DIR/mnesia"
  cat >"$DIR/node.env" <<EOF
NODE=hub-${DIR##*.}@localhost
AMQP_PORT=${ports[0]}
DIST_PORT=${ports[1]}
EPMD_PORT=${ports[2]}
PASSWORD=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
EOF
  load_env "$DIR"
  od -An -tx1 -N20 /dev/urandom | tr -d ' \n' >"$DIR/.erlang.cookie"
  chmod 400 "$DIR/.erlang.cookie"   # Erlang refuses a cookie others can read
  : >"$DIR/rabbitmq-env.conf"       # instead of /etc/rabbitmq/rabbitmq-env.conf
  echo '[].' >"$DIR/enabled_plugins" # no management plugin: faster start, no extra port
  # default_user replaces guest: user hub gets all permissions on vhost / at first boot.
  cat >"$DIR/rabbitmq.conf" <<EOF
listeners.tcp.1 = 127.0.0.1:$AMQP_PORT
default_user = hub
default_pass = $PASSWORD
default_user_tags.administrator = true
log.console = false
log.file.level = info
EOF
  if ! launch; then
    stop_node
    rm -rf "$DIR"
    exit 1
  fi
}

cmd=${1:-}
dir=${2:-${HUB_RABBITMQ_DIR:-}}
case $cmd in
  start) start_new ;;
  start-existing)
    [[ -n $dir ]] || die "usage: $0 start-existing DIR"
    load_env "$dir"
    launch || { stop_node; exit 1; } ;;
  import-definitions)
    # Applies a definitions file (users, vhosts, permissions, queues) to a running node:
    # the tests run against the same definitions as deploy/.
    file=${2:-}; dir=${3:-${HUB_RABBITMQ_DIR:-}}
    [[ -f $file && -n $dir ]] || die "usage: $0 import-definitions FILE [DIR]"
    load_env "$dir"
    ctl import_definitions "$(realpath "$file")" >&2 ;;
  stop | stop-node)
    if [[ -z $dir || ! -f $dir/node.env ]]; then
      log "no node directory${dir:+ at $dir}; nothing to stop"
      exit 0
    fi
    load_env "$dir"
    stop_node
    if [[ $cmd == stop ]]; then rm -rf "$DIR"; fi ;;
  *) die "usage: $0 start | stop [DIR] | stop-node [DIR] | start-existing [DIR] | import-definitions FILE [DIR]" ;;
esac
