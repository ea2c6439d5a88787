#!/usr/bin/env bash
# Redis for the hotline (BullMQ jobs, per-call IVR state), from Debian's redis-server.
#
#   start    install redis-server if missing and start it on 127.0.0.1:<REDIS_URL port>
#            (AOF on, no eviction: BullMQ must never lose jobs); if something already
#            answers PING there, reuse it and do nothing
#   stop     stop the Redis this script started (its pid file), nothing else
#   status   exit 0 when Redis answers on the port
set -euo pipefail

# shellcheck source=lib/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
# shellcheck source=lib/pidfile.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/pidfile.sh"

log() { printf '[redis] %s\n' "$*" >&2; }
die() { printf '[redis] error: %s\n' "$*" >&2; exit 1; }

redis_url="${REDIS_URL:-redis://127.0.0.1:6379}"
# redis://[user:pass@]host[:port][/db]: only the port matters for a local server.
hostport="${redis_url#*://}"
hostport="${hostport##*@}"
hostport="${hostport%%/*}"
PORT=6379
[[ "$hostport" == *:* ]] && PORT="${hostport##*:}"
[[ "$PORT" =~ ^[0-9]+$ ]] || die "cannot read a port from REDIS_URL=$redis_url"

data_dir="${DATA_DIR:-./data}"
[[ "$data_dir" == /* ]] || data_dir="$HOTLINE_REPO/${data_dir#./}"
REDIS_DIR="$data_dir/redis"
PID_FILE="$REDIS_DIR/redis-$PORT.pid"
LOG_FILE="$REDIS_DIR/redis-$PORT.log"

# PING over a plain TCP socket, so no redis-cli is needed to tell that a server is up.
answers_ping() {
  (
    exec 3<>"/dev/tcp/127.0.0.1/$PORT" || exit 1
    printf 'PING\r\n' >&3
    IFS= read -r -t 2 reply <&3 || exit 1
    [[ "$reply" == "+PONG"* || "$reply" == "-NOAUTH"* ]]
  ) 2>/dev/null
}

ensure_installed() {
  command -v redis-server >/dev/null 2>&1 && return
  [[ "$(id -u)" == 0 ]] || die "redis-server is not installed (apt-get install redis-server)"
  log "installing redis-server"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server >/dev/null 2>&1; then
    apt-get update >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server >/dev/null
  fi
}

# CONFIG GET <name> over a plain TCP socket: the value, or "unknown" (CONFIG refused, auth).
config_get() {
  local value
  value="$(
    exec 3<>"/dev/tcp/127.0.0.1/$PORT" || exit 1
    printf 'CONFIG GET %s\r\n' "$1" >&3
    # *2, $<len>, <name>, $<len>, <value>
    IFS= read -r -t 2 head <&3 || exit 1
    [[ "$head" == "*2"* ]] || exit 1
    for _ in 1 2 3; do IFS= read -r -t 2 _ <&3 || exit 1; done
    IFS= read -r -t 2 v <&3 || exit 1
    printf '%s' "${v%$'\r'}"
  )" 2>/dev/null || value=""
  printf '%s' "${value:-unknown}"
}

# A reused Redis is not ours to reconfigure: say when it would lose jobs (the engine
# also reports it in GET /api/health).
check_persistence() {
  local aof policy
  aof="$(config_get appendonly)"
  policy="$(config_get maxmemory-policy)"
  [[ "$aof" == yes ]] || log "warning: appendonly is $aof: jobs are lost if this Redis restarts"
  [[ "$policy" == noeviction ]] || log "warning: maxmemory-policy is $policy: a full Redis drops jobs"
}

cmd_start() {
  if answers_ping; then
    log "reusing the Redis already answering on 127.0.0.1:$PORT"
    check_persistence
    return
  fi
  ensure_installed
  mkdir -p "$REDIS_DIR"
  redis-server --bind 127.0.0.1 --port "$PORT" --protected-mode yes \
    --dir "$REDIS_DIR" --appendonly yes --appendfsync everysec \
    --maxmemory-policy noeviction --daemonize yes \
    --pidfile "$PID_FILE" --logfile "$LOG_FILE" >/dev/null
  local deadline=$((SECONDS + 20))
  until answers_ping; do
    (( SECONDS < deadline )) || { tail -n 20 "$LOG_FILE" >&2 || true; die "Redis did not answer on port $PORT"; }
    sleep 0.1
  done
  log "started on 127.0.0.1:$PORT (data $REDIS_DIR)"
}

cmd_stop() {
  hotline_stop_pidfile "$PID_FILE" redis-server || { log "not started by this script; nothing to stop"; return; }
  log "stopped"
}

cmd_status() {
  if answers_ping; then
    echo "running on 127.0.0.1:$PORT"
  else
    echo "stopped"
    return 3
  fi
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
