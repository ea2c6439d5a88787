#!/usr/bin/env bash
# A throw-away PostgreSQL for the integration tests (never for the service's data).
#
#   start    install Debian's postgresql if missing, create a fresh cluster under /tmp
#            (trust auth, 127.0.0.1 only, port HOTLINE_TEST_PG_PORT or 54329) with a
#            database hotline_test, and print its URL; reuses a server already
#            answering on that port
#   stop     stop that cluster and delete it
#   status   exit 0 when a server answers on the port
#   url      print the URL (postgres://postgres@127.0.0.1:54329/hotline_test)
set -euo pipefail

log() { printf '[postgres] %s\n' "$*" >&2; }
die() { printf '[postgres] error: %s\n' "$*" >&2; exit 1; }

PG_PORT="${HOTLINE_TEST_PG_PORT:-54329}"
PG_DIR="${HOTLINE_TEST_PG_DIR:-/tmp/hotline-test-pg-$PG_PORT}"
PG_DB=hotline_test
URL="postgres://postgres@127.0.0.1:$PG_PORT/$PG_DB"

pg_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [[ -n "$dir" ]] || return 1
  printf '%s\n' "$dir"
}

ensure_installed() {
  pg_bin >/dev/null && return
  [[ "$(id -u)" == 0 ]] || die "PostgreSQL is not installed (apt-get install postgresql)"
  log "installing postgresql"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >/dev/null 2>&1; then
    apt-get update >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >/dev/null
  fi
}

# initdb and postgres refuse to run as root.
as_pg() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

answers() {
  local bin
  bin="$(pg_bin)" || return 1
  "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"
}

psql_admin() {
  "$(pg_bin)/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres "$@"
}

ensure_database() {
  if [[ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" != 1 ]]; then
    psql_admin -c "CREATE DATABASE $PG_DB"
  fi
}

cmd_start() {
  if answers; then
    log "reusing the server on 127.0.0.1:$PG_PORT"
    ensure_database
    echo "$URL"
    return
  fi
  ensure_installed
  local bin
  bin="$(pg_bin)"
  cmd_stop_quiet
  mkdir -p "$PG_DIR"
  [[ "$(id -u)" == 0 ]] && chown postgres: "$PG_DIR"
  as_pg "$bin/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --no-sync >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
  printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' >"$PG_DIR/data/pg_hba.conf"
  # Durability is pointless for a cluster deleted after the run; speed is not.
  as_pg "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    >/dev/null || { tail -n 20 "$PG_DIR/server.log" >&2; die "PostgreSQL did not start"; }
  ensure_database
  log "started on 127.0.0.1:$PG_PORT (cluster $PG_DIR)"
  echo "$URL"
}

cmd_stop_quiet() {
  if [[ -f "$PG_DIR/data/postmaster.pid" ]]; then
    as_pg "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$PG_DIR"
}

cmd_stop() {
  if [[ -d "$PG_DIR" ]]; then
    cmd_stop_quiet
    log "stopped and removed $PG_DIR"
  else
    log "no cluster at $PG_DIR; nothing to stop"
  fi
}

cmd_status() {
  if answers; then
    echo "running on 127.0.0.1:$PG_PORT"
  else
    echo "stopped"
    return 3
  fi
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  url) echo "$URL" ;;
  *) echo "usage: $0 start|stop|status|url" >&2; exit 2 ;;
esac
