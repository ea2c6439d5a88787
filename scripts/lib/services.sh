# Sourced by start.sh and test.sh: brings up the services a command needs and stops
# afterwards only those it started itself — never a Redis, PostgreSQL or sandbox that
# was already running (that one is reused, the sandbox with this checkout's config).
HOTLINE_STARTED=()

hotline_ensure() {
  local name=$1 script
  case "$name" in
    redis) script=scripts/redis.sh ;;
    postgres) script=scripts/postgres.sh ;;
    sandbox) script=scripts/asterisk-sandbox.sh ;;
    *) hotline_die "unknown service $name" ;;
  esac
  if bash "$script" status >/dev/null; then
    if [[ "$name" == sandbox ]]; then
      hotline_log "reusing the running Asterisk sandbox"
      bash "$script" reload
    fi
    return 0
  fi
  # Marked before starting, so an interrupted start is still cleaned up.
  HOTLINE_STARTED+=("$name")
  bash "$script" start >/dev/null
}

hotline_stop_started() {
  local i script
  for ((i = ${#HOTLINE_STARTED[@]} - 1; i >= 0; i--)); do
    case "${HOTLINE_STARTED[i]}" in
      redis) script=scripts/redis.sh ;;
      postgres) script=scripts/postgres.sh ;;
      sandbox) script=scripts/asterisk-sandbox.sh ;;
    esac
    bash "$script" stop || true
  done
  HOTLINE_STARTED=()
}
