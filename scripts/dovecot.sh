#!/usr/bin/env bash
# A private IMAP server for the e-mail intake tests, from Debian's dovecot-imapd.
#
#   start    install dovecot-imapd if missing and run a dovecot of its own (own config,
#            base_dir and maildir under HOTLINE_TEST_IMAP_DIR) on 127.0.0.1, on the first
#            spare port from HOTLINE_TEST_IMAP_PORT (10143), with one test user; if ours
#            already answers, do nothing. The system's dovecot, if any, is never touched.
#   stop     stop the dovecot this script started (its pid file), nothing else
#   status   exit 0 when ours answers
#   url      print imap://user:password@127.0.0.1:port (plain IMAP, loopback only)
set -euo pipefail
# shellcheck source=lib/pidfile.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/pidfile.sh"

log() { printf '[dovecot] %s\n' "$*" >&2; }
die() { printf '[dovecot] error: %s\n' "$*" >&2; exit 1; }

DIR="${HOTLINE_TEST_IMAP_DIR:-/tmp/hotline-test-dovecot}"
FIRST_PORT="${HOTLINE_TEST_IMAP_PORT:-10143}"
USER_NAME=hotline
# A test mailbox on loopback: the password only keeps other local tests out by accident.
USER_PASSWORD=hotline-test
CONF="$DIR/dovecot.conf"
PORT_FILE="$DIR/port"
PID_FILE="$DIR/run/master.pid"

port() { cat "$PORT_FILE" 2>/dev/null || true; }

# The IMAP greeting over a plain TCP socket: "* OK".
answers_imap() {
  local p
  p="$(port)"
  [[ -n "$p" ]] || return 1
  (
    exec 3<>"/dev/tcp/127.0.0.1/$p" || exit 1
    IFS= read -r -t 2 greeting <&3 || exit 1
    [[ "$greeting" == "* OK"* ]]
  ) 2>/dev/null
}

port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

ensure_installed() {
  [[ -x /usr/sbin/dovecot ]] && return
  [[ "$(id -u)" == 0 ]] || die "dovecot-imapd is not installed (apt-get install dovecot-imapd)"
  log "installing dovecot-imapd"
  local apt=(apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends dovecot-imapd)
  if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" >/dev/null 2>&1; then
    apt-get -o DPkg::Lock::Timeout=600 update >/dev/null
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" >/dev/null
  fi
  # The package starts the system's dovecot; ours runs beside it on its own port.
}

write_config() {
  local p=$1 mail_user
  # Dovecot never gives mail access as root: as root, the mail belongs to its own user.
  if [[ "$(id -u)" == 0 ]]; then mail_user=dovecot; else mail_user="$(id -un)"; fi
  mkdir -p "$DIR/run" "$DIR/mail"
  chown "$mail_user" "$DIR/mail"
  printf '%s:{PLAIN}%s::::::\n' "$USER_NAME" "$USER_PASSWORD" >"$DIR/users"
  cat >"$CONF" <<EOF
# Written by scripts/dovecot.sh: a throw-away IMAP server for tests.
instance_name = hotline-test-dovecot
base_dir = $DIR/run
state_dir = $DIR/state
log_path = $DIR/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:$DIR/mail/%u
mail_uid = $mail_user
mail_gid = $(id -gn "$mail_user")
passdb {
  driver = passwd-file
  args = scheme=PLAIN $DIR/users
}
userdb {
  driver = static
  args = home=$DIR/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $p
  }
  inet_listener imaps {
    port = 0
  }
}
EOF
  if [[ "$(id -u)" != 0 ]]; then
    printf 'default_login_user = %s\ndefault_internal_user = %s\n' "$mail_user" "$mail_user" >>"$CONF"
  fi
}

cmd_start() {
  if answers_imap; then
    log "already running on 127.0.0.1:$(port)"
    return
  fi
  ensure_installed
  local p=$FIRST_PORT
  until port_free "$p"; do
    p=$((p + 1))
    (( p < FIRST_PORT + 100 )) || die "no spare port from $FIRST_PORT"
  done
  write_config "$p"
  echo "$p" >"$PORT_FILE"
  /usr/sbin/dovecot -c "$CONF"
  local deadline=$((SECONDS + 20))
  until answers_imap; do
    (( SECONDS < deadline )) || { tail -n 20 "$DIR/dovecot.log" >&2 || true; die "dovecot did not answer on port $p"; }
    sleep 0.1
  done
  log "started on 127.0.0.1:$p (mail $DIR/mail)"
}

cmd_stop() {
  hotline_stop_pidfile "$PID_FILE" dovecot || { log "not started by this script; nothing to stop"; return; }
  log "stopped"
}

cmd_status() {
  if answers_imap; then
    echo "running on 127.0.0.1:$(port)"
  else
    echo "stopped"
    return 3
  fi
}

cmd_url() {
  answers_imap || die "not running (bash scripts/dovecot.sh start)"
  echo "imap://$USER_NAME:$USER_PASSWORD@127.0.0.1:$(port)"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  url) cmd_url ;;
  *) echo "usage: $0 start|stop|status|url" >&2; exit 2 ;;
esac
