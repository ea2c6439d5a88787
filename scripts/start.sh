#!/usr/bin/env bash
# `npm start`: the whole hotline on this machine, in the foreground. Installs node
# modules if missing, starts Redis and the Asterisk sandbox (reusing any already
# running), then runs the service. Ctrl-C stops the service gracefully, then whatever
# this script started — never what was running before it.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ -d node_modules ]] || npm ci

# shellcheck source=lib/env.sh
. scripts/lib/env.sh
# shellcheck source=lib/services.sh
. scripts/lib/services.sh

service_pid=""

cleanup() {
  local rc=$?
  trap - EXIT
  # Stopping must not be cut short by another Ctrl-C, or Asterisk would be left behind.
  trap '' INT TERM
  if [[ -n "$service_pid" ]] && kill -0 "$service_pid" 2>/dev/null; then
    kill -TERM "$service_pid" 2>/dev/null || true
    wait "$service_pid" 2>/dev/null || true
  fi
  hotline_stop_started
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

hotline_ensure redis
hotline_ensure sandbox

# The service runs in its own session, so a Ctrl-C reaches it once, forwarded below,
# rather than also straight from the terminal. npm forwards the same Ctrl-C again, so
# only a signal two seconds after the first one escalates to killing the service.
setsid node --import tsx src/main.ts &
service_pid=$!
stop_requested_at=""
forward() {
  if [[ -z "$stop_requested_at" ]]; then
    stop_requested_at=$SECONDS
    hotline_log "stopping (press Ctrl-C again to kill the service)"
    kill -TERM "$service_pid" 2>/dev/null || true
  elif (( SECONDS - stop_requested_at >= 2 )); then
    kill -KILL "$service_pid" 2>/dev/null || true
  fi
}
trap forward INT TERM

# `wait` returns early whenever a trapped signal arrives; keep waiting for the service.
while kill -0 "$service_pid" 2>/dev/null; do
  wait "$service_pid" || true
done
wait "$service_pid" && status=0 || status=$?
service_pid=""
trap 'exit 130' INT
trap 'exit 143' TERM
exit "$status"
