#!/usr/bin/env bash
# A pg_auto_failover formation on loopback for local use, tests and the primary-db-failure drill:
# a monitor, a primary and a synchronous secondary (pg_autoctl, Debian postgresql-15-auto-failover).
# Everything lives under one directory: data directories, pg_autoctl's own configuration and state
# (XDG_* point there), logs and the chosen ports, so two formations never meet.
#
#   formation.sh [start] [DIR]   create (first time) and run the formation; print its application URL
#   formation.sh url DIR         print the multi-host application URL
#   formation.sh primary DIR     print the name of the node that is primary now (node1 or node2)
#   formation.sh crash DIR NODE  kill -9 a node's pg_autoctl and PostgreSQL (a lost machine)
#   formation.sh ctl DIR ARGS…   run `pg_autoctl ARGS…` with this formation's environment
#   formation.sh stop DIR        stop every node (data kept; `start DIR` runs it again)
#   formation.sh destroy DIR     stop and remove DIR
#
# DIR defaults to $PGAF_DIR, else a new temporary directory (start only). Ports come from
# PGAF_MONITOR_PORT, PGAF_NODE1_PORT, PGAF_NODE2_PORT, else free ones; they are kept in DIR/ports.env.
# The database is `wedsync` (PGAF_DBNAME), user postgres, trust authentication on 127.0.0.1 only.
set -euo pipefail

BIN=/usr/lib/postgresql/15/bin
PG_AUTOCTL=$(command -v pg_autoctl || echo "$BIN/pg_autoctl")
DBNAME=${PGAF_DBNAME:-wedsync}
# Failover in seconds rather than the defaults' 30+: probe the nodes every second, call a node
# unhealthy after 2 s without an answer or a keeper report, and give a lost primary 3 s more to
# demote itself. A partitioned primary's keeper stops PostgreSQL after its network_partition_timeout
# (2 s, below), well before the monitor promotes the secondary (2 s + 3 s at the earliest), so two
# primaries never accept writes at once.
MONITOR_SETTINGS=(
  "pgautofailover.health_check_period=1000"
  "pgautofailover.health_check_timeout=1000"
  "pgautofailover.health_check_max_retries=1"
  "pgautofailover.health_check_retry_delay=500"
  "pgautofailover.node_considered_unhealthy_timeout=2000"
  "pgautofailover.primary_demote_timeout=3000"
)
KEEPER_SETTINGS=(
  "timeout.network_partition_timeout=2"
  "timeout.prepare_promotion_catchup=5"
  "timeout.prepare_promotion_walreceiver=2"
  "timeout.postgresql_restart_failure_timeout=5"
)

SCRIPT=formation.sh
# shellcheck source=../lib/loopback.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/loopback.sh"

as_postgres() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- env "${ENVIRONMENT[@]}" "$@"; else env "${ENVIRONMENT[@]}" "$@"; fi
}

setup_dir() {
  DIR=$(cd "$1" && pwd)
  # pg_autoctl keeps its configuration, state and pid files under the XDG directories.
  ENVIRONMENT=(
    "XDG_CONFIG_HOME=$DIR/xdg/config" "XDG_DATA_HOME=$DIR/xdg/data" "XDG_RUNTIME_DIR=$DIR/xdg/run"
    "PATH=$BIN:$PATH" "PG_CONFIG=$BIN/pg_config" "PGHOST=127.0.0.1"
  )
  if [[ -f $DIR/ports.env ]]; then source "$DIR/ports.env"; fi
}

ctl() { as_postgres "$PG_AUTOCTL" "$@"; }

monitor_url() { echo "postgres://autoctl_node@127.0.0.1:$MONITOR_PORT/pg_auto_failover?sslmode=disable"; }
# target_session_attrs=primary, not read-write: postgres.js takes read-write to mean only
# default_transaction_read_only=off, which a hot standby reports too (libpq also checks
# in_hot_standby), so during a failover it would keep writing to the standby and fail.
app_url() { echo "postgres://postgres@127.0.0.1:$NODE1_PORT,127.0.0.1:$NODE2_PORT/$DBNAME?target_session_attrs=primary"; }
port_of() { case $1 in monitor) echo "$MONITOR_PORT" ;; node1) echo "$NODE1_PORT" ;; node2) echo "$NODE2_PORT" ;; *) die "unknown node $1" ;; esac; }

running() { [[ -f $DIR/$1.pid ]] && kill -0 "$(cat "$DIR/$1.pid" 2>/dev/null)" 2>/dev/null; }

# `pg_autoctl run` in its own process group (so `crash` can take a whole node down), logging to DIR.
run_node() {
  local name=$1
  running "$name" && return 0
  if [[ $(id -u) -eq 0 ]]; then
    setsid runuser -u postgres -- env "${ENVIRONMENT[@]}" "$PG_AUTOCTL" run --pgdata "$DIR/$name" >>"$DIR/$name.log" 2>&1 </dev/null &
  else
    setsid env "${ENVIRONMENT[@]}" "$PG_AUTOCTL" run --pgdata "$DIR/$name" >>"$DIR/$name.log" 2>&1 </dev/null &
  fi
  echo $! >"$DIR/$name.pid"
}

sql() { as_postgres "$BIN/psql" -X -q -At -h 127.0.0.1 -p "$1" -U postgres -d "$2" -c "$3"; }

wait_for() {
  local what=$1 limit=$2; shift 2
  local t0=$SECONDS
  until "$@" >/dev/null 2>&1; do
    ((SECONDS - t0 < limit)) || { log "timed out after ${limit}s waiting for $what (logs in $DIR/*.log)"; return 1; }
    sleep 0.5
  done
}

node_state() { sql "$MONITOR_PORT" pg_auto_failover "select reportedstate from pgautofailover.node where nodename = '$1'" 2>/dev/null; }
is_state() { [[ $(node_state "$1") == "$2" ]]; }
synchronous() { [[ $(sql "$(port_of "$(primary)")" "$DBNAME" "show synchronous_standby_names") == "ANY 1 ("* ]]; }
healthy() {
  local states; states=$(sql "$MONITOR_PORT" pg_auto_failover \
    "select string_agg(reportedstate::text || '/' || goalstate::text, ',' order by reportedstate) from pgautofailover.node" 2>/dev/null)
  [[ $states == "primary/primary,secondary/secondary" ]]
}

start() {
  local dir=${1:-${PGAF_DIR:-}}
  if [[ -z $dir ]]; then dir=$(mktemp -d -t pgaf.XXXXXX); fi
  mkdir -p "$dir"
  setup_dir "$dir"
  [[ -x $PG_AUTOCTL ]] || die "pg_autoctl not found (Debian package postgresql-15-auto-failover)"
  if [[ ! -f $DIR/ports.env ]]; then
    MONITOR_PORT=${PGAF_MONITOR_PORT:-$(free_port)}
    NODE1_PORT=${PGAF_NODE1_PORT:-$(free_port)}
    NODE2_PORT=${PGAF_NODE2_PORT:-$(free_port)}
    printf 'MONITOR_PORT=%s\nNODE1_PORT=%s\nNODE2_PORT=%s\n' "$MONITOR_PORT" "$NODE1_PORT" "$NODE2_PORT" >"$DIR/ports.env"
  fi
  mkdir -p "$DIR/xdg/config" "$DIR/xdg/data" "$DIR/xdg/run"
  [[ $(id -u) -eq 0 ]] && chown -R postgres: "$DIR"
  local t0=$SECONDS

  if [[ ! -f $DIR/monitor/PG_VERSION ]]; then
    ctl create monitor --pgdata "$DIR/monitor" --pgport "$MONITOR_PORT" --hostname 127.0.0.1 --auth trust --no-ssl >>"$DIR/monitor.log" 2>&1 ||
      die "creating the monitor failed (see $DIR/monitor.log)"
  fi
  run_node monitor
  wait_for "the monitor" 60 sql "$MONITOR_PORT" pg_auto_failover "select 1"
  # The monitor's settings are PostgreSQL settings of its own instance (postgresql.auto.conf).
  local setting
  for setting in "${MONITOR_SETTINGS[@]}"; do
    sql "$MONITOR_PORT" pg_auto_failover "alter system set ${setting%%=*} = '${setting#*=}'" || die "setting ${setting%%=*} failed"
  done
  sql "$MONITOR_PORT" pg_auto_failover "select pg_reload_conf()" >/dev/null

  local name port
  for name in node1 node2; do
    port=$(port_of "$name")
    if [[ ! -f $DIR/$name/PG_VERSION ]]; then
      # node2 is created once node1 is primary: it then joins as its synchronous secondary.
      [[ $name == node2 ]] && { wait_for "node1 to be primary" 120 is_state node1 single || wait_for "node1 to be primary" 60 is_state node1 primary || exit 1; }
      ctl create postgres --pgdata "$DIR/$name" --pgport "$port" --listen 127.0.0.1 --hostname 127.0.0.1 --name "$name" \
        --dbname "$DBNAME" --username postgres --monitor "$(monitor_url)" --auth trust --no-ssl \
        --candidate-priority 50 --replication-quorum true >>"$DIR/$name.log" 2>&1 || die "creating $name failed (see $DIR/$name.log)"
      for setting in "${KEEPER_SETTINGS[@]}"; do ctl config set --pgdata "$DIR/$name" "${setting%%=*}" "${setting#*=}" >/dev/null; done
    fi
    run_node "$name"
  done
  wait_for "a primary and a secondary" 180 healthy || exit 1
  # The secondary must acknowledge each commit before the client hears of it. With one standby
  # pg_auto_failover does that at number_sync_standbys 0 (its only valid value here: it keeps one
  # standby in reserve above it) by setting synchronous_standby_names to 'ANY 1 (…)' on the primary.
  wait_for "synchronous replication" 60 synchronous || exit 1
  log "formation ready in $((SECONDS - t0)) s under $DIR (monitor :$MONITOR_PORT, node1 :$NODE1_PORT, node2 :$NODE2_PORT)"
  echo "PGAF_DIR=$DIR"
  echo "DATABASE_URL=$(app_url)"
}

primary() {
  sql "$MONITOR_PORT" pg_auto_failover "select nodename from pgautofailover.node where reportedstate in ('primary','wait_primary','single') and goalstate in ('primary','wait_primary','single') limit 1"
}

crash() {
  local name=$1 pid
  [[ -f $DIR/$name.pid ]] && kill -KILL -- "-$(cat "$DIR/$name.pid")" 2>/dev/null || true
  # PostgreSQL too, should it have left the keeper's process group.
  if [[ -f $DIR/$name/postmaster.pid ]]; then
    pid=$(head -1 "$DIR/$name/postmaster.pid")
    kill -KILL "$pid" 2>/dev/null || true
  fi
}

stop() {
  local name
  for name in node2 node1 monitor; do
    [[ -d $DIR/$name ]] || continue
    running "$name" && { ctl stop --pgdata "$DIR/$name" --fast >/dev/null 2>&1 || true; }
  done
  for name in node2 node1 monitor; do
    for _ in $(seq 1 40); do running "$name" || break; sleep 0.25; done
    running "$name" && crash "$name"
    # A PostgreSQL left behind by a crashed keeper.
    if [[ -f $DIR/$name/postmaster.pid ]]; then as_postgres "$BIN/pg_ctl" -D "$DIR/$name" -m immediate stop >/dev/null 2>&1 || true; fi
    rm -f "$DIR/$name.pid"
  done
}

cmd=${1:-start}
case $cmd in
  start) start "${2:-}" ;;
  url | primary | stop | destroy | crash | ctl)
    dir=${2:-${PGAF_DIR:-}}
    [[ -n $dir && -f $dir/ports.env ]] || die "$cmd: no formation in '${dir}' (give its directory or set PGAF_DIR)"
    setup_dir "$dir"
    case $cmd in
      url) app_url ;;
      primary) primary ;;
      crash) [[ -n ${3:-} ]] || die "crash: which node (node1, node2, monitor)?"; crash "$3" ;;
      ctl) shift 2; ctl "$@" ;;
      stop) stop ;;
      destroy) stop; rm -rf "$DIR" ;;
    esac
    ;;
  *) die "unknown command $cmd (start, url, primary, crash, ctl, stop, destroy)" ;;
esac
