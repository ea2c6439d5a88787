# Sourced by start.sh and test.sh: brings up the services a command needs and stops
# afterwards only those it started itself — never a Redis, PostgreSQL or sandbox that
# was already running (that one is reused, the sandbox with this checkout's config).
HOTLINE_STARTED=()

# Test tools from Debian's packages, installed when missing, never started here:
# chromium for the browser tests (playwright-core drives it; no browser is downloaded)
# and baresip, a real SIP phone that registers as an agent and answers over SIP.
hotline_ensure_package() {
  local binary=$1 package=$2
  [[ -x "$binary" ]] && return 0
  [[ "$(id -u)" == 0 ]] || hotline_die "$package is not installed (apt-get install $package)"
  hotline_log "installing $package"
  # Waits for a dpkg lock held by another apt run instead of failing at once.
  local apt=(apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "$package")
  if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" >/dev/null 2>&1; then
    apt-get -o DPkg::Lock::Timeout=600 update >/dev/null
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" >/dev/null
  fi
  [[ -x "$binary" ]] || hotline_die "$package was installed but $binary is missing"
}

hotline_ensure() {
  local name=$1 script args=()
  [[ "$name" == chromium ]] && { hotline_ensure_package /usr/bin/chromium chromium; return; }
  [[ "$name" == baresip ]] && { hotline_ensure_package /usr/bin/baresip baresip-core; return; }
  case "$name" in
    redis) script=scripts/redis.sh ;;
    postgres) script=scripts/postgres.sh ;;
    sandbox) script=scripts/asterisk-sandbox.sh ;;
    # The sandbox's second Asterisk node (several-node tests): ARI 8090, AMI 5039, SIP 5070.
    sandbox-b) script=scripts/asterisk-sandbox.sh args=(--node b) ;;
    dovecot) script=scripts/dovecot.sh ;;
    *) hotline_die "unknown service $name" ;;
  esac
  if bash "$script" "${args[@]}" status >/dev/null; then
    if [[ "$name" == sandbox || "$name" == sandbox-b ]]; then
      hotline_log "reusing the running Asterisk sandbox${args[*]:+ (${args[*]})}"
      bash "$script" "${args[@]}" reload
    fi
    return 0
  fi
  # Marked before starting, so an interrupted start is still cleaned up.
  HOTLINE_STARTED+=("$name")
  bash "$script" "${args[@]}" start >/dev/null
}

hotline_stop_started() {
  local i script args
  for ((i = ${#HOTLINE_STARTED[@]} - 1; i >= 0; i--)); do
    args=()
    case "${HOTLINE_STARTED[i]}" in
      redis) script=scripts/redis.sh ;;
      postgres) script=scripts/postgres.sh ;;
      sandbox) script=scripts/asterisk-sandbox.sh ;;
      sandbox-b) script=scripts/asterisk-sandbox.sh args=(--node b) ;;
      dovecot) script=scripts/dovecot.sh ;;
    esac
    bash "$script" "${args[@]}" stop || true
  done
  HOTLINE_STARTED=()
}
