#!/usr/bin/env bash
# Redis with Sentinel on loopback for local use, tests and the redis-failure drill: a primary, one
# replica and three sentinels (quorum 2), each on its own port, everything under one directory.
# Nothing is persisted (`save ""`, no AOF): the rate limits' counters are short-lived by nature.
#
#   start.sh [start] [DIR]   start (configuration written the first time); print REDIS_SENTINELS and the master name
#   start.sh primary DIR     print host:port of the primary the sentinels name now
#   start.sh crash DIR       kill -9 that primary
#   start.sh stop DIR        stop every process (configuration kept; `start DIR` runs it again)
#   start.sh destroy DIR     stop and remove DIR
#
# DIR defaults to $REDIS_HA_DIR, else a new temporary directory (start only). The master name is
# $REDIS_SENTINEL_NAME (default wsfr). Ports are free ones, kept in DIR/ports.env.
set -euo pipefail

NAME=${REDIS_SENTINEL_NAME:-wsfr}
# Sentinels call the primary down after 1 s without an answer and give a failover 5 s before another
# sentinel may try again: a failover completes in a few seconds, not the defaults' 30 s + 3 min.
DOWN_AFTER_MS=1000
FAILOVER_TIMEOUT_MS=5000
NODES=(redis-a redis-b sentinel-1 sentinel-2 sentinel-3)

SCRIPT=start.sh
# shellcheck source=../lib/loopback.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/loopback.sh"

setup_dir() {
  DIR=$(cd "$1" && pwd)
  if [[ -f $DIR/ports.env ]]; then source "$DIR/ports.env"; fi
}
port_of() { local var=PORT_${1//-/_}; echo "${!var}"; }
running() { [[ -f $DIR/$1.pid ]] && kill -0 "$(cat "$DIR/$1.pid" 2>/dev/null)" 2>/dev/null; }
cli() { redis-cli -h 127.0.0.1 -p "$1" "${@:2}"; }

write_configs() {
  local node port
  for node in "${NODES[@]}"; do
    port=$(port_of "$node")
    mkdir -p "$DIR/$node"
    {
      echo "bind 127.0.0.1"
      echo "port $port"
      echo "dir $DIR/$node"
      echo "pidfile $DIR/$node.pid"
      echo "logfile $DIR/$node.log"
      echo "daemonize yes"
    } >"$DIR/$node.conf"
    case $node in
      redis-*)
        printf 'save ""\nappendonly no\n' >>"$DIR/$node.conf"
        [[ $node == redis-b ]] && echo "replicaof 127.0.0.1 $PORT_redis_a" >>"$DIR/$node.conf"
        ;;
      sentinel-*)
        # Sentinels rewrite their own file as they learn the topology: each has its own.
        {
          echo "sentinel monitor $NAME 127.0.0.1 $PORT_redis_a 2"
          echo "sentinel down-after-milliseconds $NAME $DOWN_AFTER_MS"
          echo "sentinel failover-timeout $NAME $FAILOVER_TIMEOUT_MS"
          echo "sentinel parallel-syncs $NAME 1"
        } >>"$DIR/$node.conf"
        ;;
    esac
  done
}

# Every sentinel sees the primary, its replica and the two other sentinels.
settled() {
  local s info
  for s in sentinel-1 sentinel-2 sentinel-3; do
    info=$(cli "$(port_of $s)" sentinel master "$NAME" 2>/dev/null | paste -sd' ') || return 1
    [[ $info == *"num-slaves 1 "* && $info == *"num-other-sentinels 2 "* && $info == *"flags master "* ]] || return 1
  done
}

start() {
  local dir=${1:-${REDIS_HA_DIR:-}}
  if [[ -z $dir ]]; then dir=$(mktemp -d -t redis-ha.XXXXXX); fi
  mkdir -p "$dir"
  setup_dir "$dir"
  command -v redis-server >/dev/null || die "redis-server not found (Debian package redis-server)"
  command -v redis-sentinel >/dev/null || die "redis-sentinel not found (Debian package redis-sentinel)"
  if [[ ! -f $DIR/ports.env ]]; then
    local node
    for node in "${NODES[@]}"; do echo "PORT_${node//-/_}=$(free_port)"; done >"$DIR/ports.env"
    source "$DIR/ports.env"
    write_configs
  fi
  local t0=$SECONDS node
  for node in redis-a redis-b; do running "$node" || redis-server "$DIR/$node.conf"; done
  for node in sentinel-1 sentinel-2 sentinel-3; do running "$node" || redis-sentinel "$DIR/$node.conf"; done
  until settled; do
    ((SECONDS - t0 < 60)) || die "the sentinels did not agree on a primary and replica within 60 s (logs in $DIR)"
    sleep 0.5
  done
  log "redis with sentinel ready in $((SECONDS - t0)) s under $DIR (primary $(primary))"
  echo "REDIS_HA_DIR=$DIR"
  echo "REDIS_SENTINELS=127.0.0.1:$PORT_sentinel_1,127.0.0.1:$PORT_sentinel_2,127.0.0.1:$PORT_sentinel_3"
  echo "REDIS_SENTINEL_NAME=$NAME"
}

primary() {
  local s addr
  for s in sentinel-1 sentinel-2 sentinel-3; do
    addr=$(cli "$(port_of $s)" sentinel get-master-addr-by-name "$NAME" 2>/dev/null | paste -sd:) && [[ -n $addr ]] && { echo "$addr"; return 0; }
  done
  die "no sentinel answers"
}

crash() {
  local port=${1:-$(primary | cut -d: -f2)} node
  for node in redis-a redis-b; do
    if [[ $(port_of $node) == "$port" ]] && running "$node"; then kill -KILL "$(cat "$DIR/$node.pid")"; return 0; fi
  done
  die "no running redis on port $port"
}

stop() {
  local node
  for node in sentinel-3 sentinel-2 sentinel-1 redis-b redis-a; do
    running "$node" && kill -TERM "$(cat "$DIR/$node.pid")" 2>/dev/null || true
  done
  for node in "${NODES[@]}"; do
    for _ in $(seq 1 40); do running "$node" || break; sleep 0.25; done
    running "$node" && kill -KILL "$(cat "$DIR/$node.pid")" 2>/dev/null || true
    rm -f "$DIR/$node.pid"
  done
}

cmd=${1:-start}
case $cmd in
  start) start "${2:-}" ;;
  primary | crash | stop | destroy)
    dir=${2:-${REDIS_HA_DIR:-}}
    [[ -n $dir && -f $dir/ports.env ]] || die "$cmd: no sentinel set in '${dir}' (give its directory or set REDIS_HA_DIR)"
    setup_dir "$dir"
    case $cmd in
      primary) primary ;;
      crash) crash "${3:-}" ;;
      stop) stop ;;
      destroy) stop; rm -rf "$DIR" ;;
    esac
    ;;
  *) die "unknown command $cmd (start, primary, crash, stop, destroy)" ;;
esac
