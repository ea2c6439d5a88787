# shellcheck shell=bash
# Sourced by the service scripts (redis.sh, dovecot.sh): stopping a daemon they started.
# Stops the daemon whose pid is in <pid file>, only if that pid is still a <command>
# process (a stale file must never kill a stranger): TERM, then KILL after 15 s. Returns
# 1 when the file does not exist (the service was not started by this script).
hotline_stop_pidfile() {
  local pid_file="$1" command="$2" pid
  [[ -f "$pid_file" ]] || return 1
  pid="$(cat "$pid_file")"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == "$command"* ]]; then
    kill -TERM "$pid"
    local deadline=$((SECONDS + 15))
    while kill -0 "$pid" 2>/dev/null; do
      (( SECONDS < deadline )) || { kill -KILL "$pid" 2>/dev/null || true; break; }
      sleep 0.1
    done
  fi
  rm -f "$pid_file"
}
