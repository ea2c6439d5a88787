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

# The engine runs in its own session, so a Ctrl-C reaches it once, forwarded below,
# rather than also straight from the terminal. npm forwards the same Ctrl-C again, so
# only a signal two seconds after the first one escalates to killing the engine.
# An engine that dies (crash, OOM, SIGKILL) is started again, with a growing pause if it
# keeps dying; Redis and Asterisk stay up meanwhile (Asterisk's dialplan fallback takes
# the calls). Only a stop asked for here (Ctrl-C, SIGTERM to this script) ends the loop.
stop_requested_at=""
forward() {
  if [[ -z "$stop_requested_at" ]]; then
    stop_requested_at=$SECONDS
    hotline_log "stopping (press Ctrl-C again to kill the service)"
    [[ -n "$service_pid" ]] && kill -TERM "$service_pid" 2>/dev/null || true
  elif (( SECONDS - stop_requested_at >= 2 )); then
    [[ -n "$service_pid" ]] && kill -KILL "$service_pid" 2>/dev/null || true
  fi
}
trap forward INT TERM

# Pause before a restart: 1 s, doubling to 30 s while the engine dies within a minute
# of its start; back to 1 s after an engine that ran longer.
RESTART_MIN_S=1
RESTART_MAX_S=30
STABLE_RUN_S=60
restart_delay=$RESTART_MIN_S
status=0
while [[ -z "$stop_requested_at" ]]; do
  started_at=$SECONDS
  # malloc as the Dockerfile sets it: two arenas, big blocks from mmap (less memory kept).
  MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-32768}" setsid node --import tsx src/main.ts &
  service_pid=$!
  hotline_log "engine started (pid $service_pid)"
  # `wait` returns early whenever a trapped signal arrives; keep waiting for the engine.
  while kill -0 "$service_pid" 2>/dev/null; do
    wait "$service_pid" || true
  done
  wait "$service_pid" && status=0 || status=$?
  service_pid=""
  [[ -n "$stop_requested_at" ]] && break
  (( SECONDS - started_at >= STABLE_RUN_S )) && restart_delay=$RESTART_MIN_S
  hotline_log "engine exited (status $status); restarting in ${restart_delay} s"
  # In the background, so a Ctrl-C during the pause is handled at once.
  sleep "$restart_delay" &
  pause_pid=$!
  wait "$pause_pid" 2>/dev/null || true
  kill "$pause_pid" 2>/dev/null || true
  restart_delay=$(( restart_delay * 2 > RESTART_MAX_S ? RESTART_MAX_S : restart_delay * 2 ))
done
trap 'exit 130' INT
trap 'exit 143' TERM
exit "$status"
