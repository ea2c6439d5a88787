#!/usr/bin/env bash
# The Asterisk sandbox: a real Asterisk 22 from Debian sid in a chroot, kept in a cache
# folder outside the clone, running the project's dialplan/ config and sounds/.
#
#   build    make the Debian sid root if the cache has none (about a minute, once)
#   start    build if needed, install config + sounds, start Asterisk, wait until
#            it is fully booted and ARI and AMI answer (no-op when already running)
#   stop     graceful `core stop now`, then TERM/KILL if needed; unmounts /proc
#   reload   reinstall config + sounds and `core reload`
#   status   exit 0 when running
#   root     print the root folder
#   cli CMD  run an Asterisk CLI command (e.g. `cli "queue show"`)
#   log      print the path of Asterisk's full log
#
# Asterisk runs as root inside the chroot without -U/-G: with -U it drops capabilities
# and cannot open its database, whose files belong to the chroot's own asterisk uid.
set -euo pipefail

# shellcheck source=lib/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"

CACHE_DIR="${HOTLINE_CACHE_DIR:-/var/cache/hotline-137}"
ROOT="$CACHE_DIR/asterisk-root"
RUN_DIR="$CACHE_DIR/run"
PID_FILE="$RUN_DIR/asterisk.pid"
CONSOLE_LOG="$RUN_DIR/asterisk.console.log"
LOCK_FILE="$CACHE_DIR/sandbox.lock"
DEBIAN_MIRROR="${HOTLINE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
ARI_HTTP="http://127.0.0.1:8088"
AMI_PORT_SANDBOX=5038
BOOT_TIMEOUT="${HOTLINE_SANDBOX_BOOT_TIMEOUT:-90}"

log() { printf '[sandbox] %s\n' "$*" >&2; }
die() { printf '[sandbox] error: %s\n' "$*" >&2; exit 1; }

require_root() {
  [[ "$(id -u)" == 0 ]] || die "must run as root (chroot, mount)"
}

# One sandbox operation at a time: test runs and `npm start` may race on the cache.
with_lock() {
  mkdir -p "$CACHE_DIR"
  exec {lock_fd}>"$LOCK_FILE"
  flock "$lock_fd"
}

asterisk_rx() {
  chroot "$ROOT" /usr/sbin/asterisk -rx "$1"
}

running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == asterisk ]] || return 1
  printf '%s\n' "$pid"
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

ensure_debootstrap() {
  command -v debootstrap >/dev/null 2>&1 && return
  log "installing debootstrap"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap >/dev/null 2>&1; then
    apt-get update >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap >/dev/null
  fi
}

unmount_under() {
  local dir="$1" target
  # Deepest first, so nested mounts come off before their parents.
  while read -r target; do
    if [[ -n "$target" ]]; then umount -l "$target" 2>/dev/null || true; fi
  done < <(findmnt -rn -o TARGET | grep -E "^${dir}(/|$)" | sort -r)
}

remove_tree() {
  unmount_under "$1"
  rm -rf --one-file-system "$1"
}

cmd_build() {
  require_root
  if [[ -x "$ROOT/usr/sbin/asterisk" ]]; then
    log "reusing $ROOT"
    return
  fi
  ensure_debootstrap
  local stale
  for stale in "$CACHE_DIR"/asterisk-root.build.*; do
    [[ -e "$stale" ]] && { log "removing unfinished build $stale"; remove_tree "$stale"; }
  done
  BUILD_TMP="$(mktemp -d "$CACHE_DIR/asterisk-root.build.XXXXXX")"
  chmod 755 "$BUILD_TMP"
  local tmp="$BUILD_TMP"
  # A killed build leaves only a .build.* folder, which the next build removes.
  trap 'remove_tree "$BUILD_TMP"' EXIT
  log "building the Debian sid root with Asterisk in $tmp (about a minute)"
  debootstrap --variant=minbase \
    --include=asterisk,asterisk-modules,asterisk-core-sounds-en-gsm \
    sid "$tmp" "$DEBIAN_MIRROR" >"$CACHE_DIR/debootstrap.log" 2>&1 \
    || { tail -n 30 "$CACHE_DIR/debootstrap.log" >&2; die "debootstrap failed (log: $CACHE_DIR/debootstrap.log)"; }
  [[ -x "$tmp/usr/sbin/asterisk" ]] || die "debootstrap finished without /usr/sbin/asterisk"
  # The package's own config, restored under the project's files on every install,
  # so a config file removed from dialplan/ does not linger.
  cp -a "$tmp/etc/asterisk" "$tmp/etc/asterisk.dist"
  rm -rf "$tmp/var/cache/apt/archives/"*.deb
  unmount_under "$tmp"
  mv "$tmp" "$ROOT"
  trap - EXIT
  log "root ready: $ROOT"
}

# Replaces ${NAME} for the four account placeholders only; Asterisk's own ${...}
# (EXTEN, QUEUESTATUS...) pass through untouched.
render_config() {
  local text
  text="$(cat "$1")"
  text="${text//'${ARI_USER}'/"$ARI_USER"}"
  text="${text//'${ARI_PASSWORD}'/"$ARI_PASSWORD"}"
  text="${text//'${AMI_USER}'/"$AMI_USER"}"
  text="${text//'${AMI_SECRET}'/"$AMI_SECRET"}"
  printf '%s\n' "$text"
}

# A soft two-note chime every 4 s, 8 kHz signed linear: something to hear while waiting
# in a queue, since Debian ships no music on hold.
generate_moh() {
  local dir="$ROOT/var/lib/asterisk/moh"
  mkdir -p "$dir"
  [[ -n "$(ls -A "$dir" 2>/dev/null)" ]] && return
  node -e '
    const rate = 8000, seconds = 4, out = Buffer.alloc(rate * seconds * 2);
    const note = (start, freq) => {
      for (let i = 0; i < rate * 0.6; i++) {
        const t = i / rate, s = Math.sin(2 * Math.PI * freq * t) * Math.exp(-5 * t) * 6000;
        const at = (start * rate + i) * 2;
        out.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(out.readInt16LE(at) + s))), at);
      }
    };
    note(0, 659.25); note(0.35, 523.25);
    require("node:fs").writeFileSync(process.argv[1], out);
  ' "$dir/hotline-chime.sln"
}

install_config() {
  local key
  for key in ARI_USER ARI_PASSWORD AMI_USER AMI_SECRET; do
    [[ -n "${!key:-}" ]] || die "$key is empty (see $HOTLINE_ENV_FILE)"
  done
  local etc="$ROOT/etc/asterisk"
  [[ -d "$ROOT/etc/asterisk.dist" ]] || cp -a "$etc" "$ROOT/etc/asterisk.dist"
  local staged="$ROOT/etc/asterisk.new"
  rm -rf "$staged"
  cp -a "$ROOT/etc/asterisk.dist" "$staged"
  # Debian's sample users.conf defines accounts with a default PIN and is deprecated.
  rm -f "$staged/users.conf"
  local conf
  for conf in "$HOTLINE_REPO"/dialplan/*.conf; do
    render_config "$conf" >"$staged/$(basename "$conf")"
  done
  # pjsip_wizard.conf belongs to the engine once it has written agents' phones into it
  # (over AMI): a reinstall keeps its copy rather than dropping every phone.
  if grep -qs '^\[agent-' "$etc/pjsip_wizard.conf"; then
    cp -a "$etc/pjsip_wizard.conf" "$staged/pjsip_wizard.conf"
  fi
  chmod 600 "$staged/ari.conf" "$staged/manager.conf" "$staged/pjsip_wizard.conf"
  rm -rf "$ROOT/etc/asterisk.old"
  mv "$etc" "$ROOT/etc/asterisk.old"
  mv "$staged" "$etc"
  rm -rf "$ROOT/etc/asterisk.old"

  local sounds="$ROOT/usr/share/asterisk/sounds/fa"
  rm -rf "$sounds.new"
  mkdir -p "$sounds.new"
  if [[ -d "$HOTLINE_REPO/sounds/fa" ]]; then
    find "$HOTLINE_REPO/sounds/fa" -mindepth 1 -maxdepth 1 ! -name manifest.json \
      -exec cp -a -t "$sounds.new" {} +
  fi
  rm -rf "$sounds"
  mv "$sounds.new" "$sounds"

  mkdir -p "$ROOT/var/spool/asterisk/recording/hotline-fallback"
  generate_moh
}

mount_proc() {
  mountpoint -q "$ROOT/proc" || mount -t proc proc "$ROOT/proc"
}

umount_proc() {
  if mountpoint -q "$ROOT/proc"; then
    umount "$ROOT/proc" 2>/dev/null || umount -l "$ROOT/proc"
  fi
}

ari_accepts_credentials() {
  curl -fsS -o /dev/null -u "$ARI_USER:$ARI_PASSWORD" "$ARI_HTTP/ari/asterisk/info" 2>/dev/null
}

wait_until_ready() {
  local pid="$1" deadline=$((SECONDS + BOOT_TIMEOUT))
  local fail=""
  until asterisk_rx 'core waitfullybooted' >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { fail="Asterisk exited during boot"; break; }
    (( SECONDS < deadline )) || { fail="Asterisk did not boot in ${BOOT_TIMEOUT}s"; break; }
    sleep 0.2
  done
  if [[ -z "$fail" ]]; then
    until ari_accepts_credentials && port_open "$AMI_PORT_SANDBOX"; do
      kill -0 "$pid" 2>/dev/null || { fail="Asterisk exited before ARI answered"; break; }
      (( SECONDS < deadline )) || { fail="ARI/AMI did not answer in ${BOOT_TIMEOUT}s"; break; }
      sleep 0.2
    done
  fi
  if [[ -n "$fail" ]]; then
    tail -n 40 "$CONSOLE_LOG" >&2 || true
    return 1
  fi
}

cmd_start() {
  require_root
  with_lock
  local pid
  if pid="$(running_pid)"; then
    log "already running (pid $pid)"
    if ! ari_accepts_credentials; then
      log "warning: ARI rejects ARI_USER/ARI_PASSWORD from $HOTLINE_ENV_FILE: it was started" \
        "with another .env; \`$0 reload\` installs this one's"
    fi
    return
  fi
  cmd_build
  local port
  for port in 8088 "$AMI_PORT_SANDBOX"; do
    port_open "$port" && die "127.0.0.1:$port is already in use by another program (another Asterisk?)"
  done
  install_config
  mount_proc
  rm -f "$ROOT/var/run/asterisk/asterisk.ctl" "$ROOT/var/run/asterisk/asterisk.pid"
  mkdir -p "$RUN_DIR" "$ROOT/var/run/asterisk" "$ROOT/var/log/asterisk"
  : >"$CONSOLE_LOG"
  # Its own session: a Ctrl-C in the terminal must not reach Asterisk directly; the
  # caller stops it gracefully instead.
  # The lock's descriptor is closed for Asterisk, or the lock would live as long as it.
  setsid chroot "$ROOT" /usr/sbin/asterisk -f -n </dev/null >>"$CONSOLE_LOG" 2>&1 {lock_fd}>&- &
  pid=$!
  printf '%s\n' "$pid" >"$PID_FILE"
  log "starting Asterisk (pid $pid, console log $CONSOLE_LOG)"
  if ! wait_until_ready "$pid"; then
    stop_asterisk
    die "Asterisk failed to start (see $CONSOLE_LOG and $ROOT/var/log/asterisk/full.log)"
  fi
  log "ready: ARI $ARI_HTTP (app hotline), AMI 127.0.0.1:$AMI_PORT_SANDBOX, SIP udp 127.0.0.1:5060"
}

stop_asterisk() {
  local pid
  if pid="$(running_pid)"; then
    asterisk_rx 'core stop now' >/dev/null 2>&1 || true
    local deadline=$((SECONDS + 15))
    while kill -0 "$pid" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      log "Asterisk did not stop; terminating"
      kill -TERM "$pid" 2>/dev/null || true
      deadline=$((SECONDS + 5))
      while kill -0 "$pid" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.2; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    log "stopped"
  fi
  rm -f "$PID_FILE"
  umount_proc
}

cmd_stop() {
  require_root
  with_lock
  stop_asterisk
}

cmd_reload() {
  require_root
  with_lock
  running_pid >/dev/null || die "not running"
  install_config
  asterisk_rx 'core reload' >/dev/null
  log "config and sounds reloaded"
}

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    echo "running (pid $pid, root $ROOT)"
  else
    echo "stopped"
    return 3
  fi
}

case "${1:-}" in
  build) with_lock; cmd_build ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  reload) cmd_reload ;;
  status) cmd_status ;;
  root) echo "$ROOT" ;;
  cli) shift; running_pid >/dev/null || die "not running"; asterisk_rx "$*" ;;
  log) echo "$ROOT/var/log/asterisk/full.log" ;;
  *) echo "usage: $0 build|start|stop|reload|status|root|cli CMD|log" >&2; exit 2 ;;
esac
