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
# A second node, b, runs from the same root beside the first (a): `--node b` before the
# command or HOTLINE_SANDBOX_NODE=b selects it, for every command. Node a: ARI 8088,
# AMI 5038, SIP udp 5060, RTP 10000-19999, config in /etc/asterisk. Node b: ARI 8090,
# AMI 5039, SIP udp 5070, RTP 20000-29999, its own asterisk.conf in /etc/asterisk-b (the
# same dialplan/ files, only ports and folders changed) with its own run, spool,
# database and log folders, and systemname node-b: its uniqueids read node-b-<epoch>.<n>,
# never one of node a's. Either node starts and stops on its own; /proc in the root
# is unmounted when the last one stops.
#
# Asterisk runs as root inside the chroot without -U/-G: with -U it drops capabilities
# and cannot open its database, whose files belong to the chroot's own asterisk uid.
set -euo pipefail

# shellcheck source=lib/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"

NODE="${HOTLINE_SANDBOX_NODE:-a}"
if [[ "${1:-}" == --node ]]; then
  NODE="${2:-}"
  shift 2 || shift
fi

CACHE_DIR="${HOTLINE_CACHE_DIR:-/var/cache/hotline-137}"
ROOT="$CACHE_DIR/asterisk-root"
RUN_DIR="$CACHE_DIR/run"
DEBIAN_MIRROR="${HOTLINE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
BOOT_TIMEOUT="${HOTLINE_SANDBOX_BOOT_TIMEOUT:-90}"
# Held (after a node's own lock, never before it) around what both nodes share in the
# root: the build, the sounds, and the /proc mount.
ROOT_LOCK_FILE="$CACHE_DIR/sandbox-root.lock"
NODE_A_PID_FILE="$RUN_DIR/asterisk.pid"
NODE_B_PID_FILE="$RUN_DIR/asterisk-b.pid"

case "$NODE" in
  a)
    PID_FILE="$NODE_A_PID_FILE"
    OTHER_PID_FILE="$NODE_B_PID_FILE"
    CONSOLE_LOG="$RUN_DIR/asterisk.console.log"
    LOCK_FILE="$CACHE_DIR/sandbox.lock"
    ARI_PORT=8088 AMI_PORT_SANDBOX=5038 SIP_PORT=5060
    # Folders as Asterisk sees them inside the root.
    ETC_DIR=/etc/asterisk SPOOL_DIR=/var/spool/asterisk RUN_DIR_IN_ROOT=/var/run/asterisk LOG_DIR=/var/log/asterisk
    # Node a reads the default /etc/asterisk/asterisk.conf.
    ASTERISK=(/usr/sbin/asterisk)
    ;;
  b)
    PID_FILE="$NODE_B_PID_FILE"
    OTHER_PID_FILE="$NODE_A_PID_FILE"
    CONSOLE_LOG="$RUN_DIR/asterisk-b.console.log"
    LOCK_FILE="$CACHE_DIR/sandbox-b.lock"
    ARI_PORT=8090 AMI_PORT_SANDBOX=5039 SIP_PORT=5070
    ETC_DIR=/etc/asterisk-b SPOOL_DIR=/var/spool/asterisk-b RUN_DIR_IN_ROOT=/var/run/asterisk-b LOG_DIR=/var/log/asterisk-b
    # -C for every call, the CLI's too: the control socket is in its own astrundir.
    ASTERISK=(/usr/sbin/asterisk -C /etc/asterisk-b/asterisk.conf)
    ;;
  *) printf '[sandbox] error: unknown node "%s" (a or b)\n' "$NODE" >&2; exit 2 ;;
esac
ARI_HTTP="http://127.0.0.1:$ARI_PORT"
# The root's /var/run is an absolute link to /run: seen from outside the chroot it would
# be the host's /run, so the run folder is reached through the root's own /run.
HOST_RUN_DIR="$ROOT/run/${RUN_DIR_IN_ROOT#/var/run/}"

LOG_TAG=sandbox
[[ "$NODE" == a ]] || LOG_TAG="sandbox $NODE"
log() { printf '[%s] %s\n' "$LOG_TAG" "$*" >&2; }
die() { printf '[%s] error: %s\n' "$LOG_TAG" "$*" >&2; exit 1; }

require_root() {
  [[ "$(id -u)" == 0 ]] || die "must run as root (chroot, mount)"
}

# One sandbox operation at a time: test runs and `npm start` may race on the cache.
with_lock() {
  mkdir -p "$CACHE_DIR"
  exec {lock_fd}>"$LOCK_FILE"
  flock "$lock_fd"
}

root_lock() {
  mkdir -p "$CACHE_DIR"
  exec {root_lock_fd}>"$ROOT_LOCK_FILE"
  flock "$root_lock_fd"
}

root_unlock() {
  exec {root_lock_fd}>&-
}

asterisk_rx() {
  chroot "$ROOT" "${ASTERISK[@]}" -rx "$1"
}

running_pid() {
  pid_running "$PID_FILE"
}

pid_running() {
  [[ -f "$1" ]] || return 1
  local pid
  pid="$(cat "$1")"
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
  # Both nodes may want the root at once: one builds, the other waits and reuses it.
  root_lock
  if [[ -x "$ROOT/usr/sbin/asterisk" ]]; then
    root_unlock
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
  root_unlock
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

# Node b's copy of a config line: replaces the one line matching `pattern` (sed ERE)
# in `file` with `line`, and fails loudly when dialplan/ no longer has that line.
node_b_line() {
  local file=$1 pattern=$2 line=$3
  grep -Eq "$pattern" "$file" || die "node b: no line matching '$pattern' in $(basename "$file") to change"
  sed -Ei "s|$pattern.*|$line|" "$file"
}

# What makes node b another Asterisk beside node a: ports, folders and systemname.
node_b_config() {
  local staged=$1
  node_b_line "$staged/http.conf" '^bindport *=' "bindport = $ARI_PORT"
  node_b_line "$staged/manager.conf" '^port *=' "port = $AMI_PORT_SANDBOX"
  node_b_line "$staged/pjsip.conf" '^bind *= *127\.0\.0\.1:' "bind = 127.0.0.1:$SIP_PORT"
  node_b_line "$staged/rtp.conf" '^rtpstart *=' 'rtpstart = 20000'
  node_b_line "$staged/rtp.conf" '^rtpend *=' 'rtpend = 29999'
  node_b_line "$staged/extensions.conf" '^HOTLINE_FALLBACK_DIR *=' \
    "HOTLINE_FALLBACK_DIR = $SPOOL_DIR/recording/hotline-fallback"
  # Asterisk reads [directories] only when it is not a template, "(!)": node a's are
  # the compiled-in defaults anyway.
  node_b_line "$staged/asterisk.conf" '^\[directories\]' '[directories]'
  node_b_line "$staged/asterisk.conf" '^astetcdir *=>' "astetcdir => $ETC_DIR"
  node_b_line "$staged/asterisk.conf" '^astspooldir *=>' "astspooldir => $SPOOL_DIR"
  node_b_line "$staged/asterisk.conf" '^astrundir *=>' "astrundir => $RUN_DIR_IN_ROOT"
  node_b_line "$staged/asterisk.conf" '^astlogdir *=>' "astlogdir => $LOG_DIR"
  node_b_line "$staged/asterisk.conf" '^astdbdir *=>' 'astdbdir => /var/lib/asterisk-b'
  node_b_line "$staged/asterisk.conf" '^astcachedir *=>' 'astcachedir => /var/cache/asterisk-b'
  # Channel uniqueids become node-b-<epoch>.<n>.
  grep -q '^systemname' "$staged/asterisk.conf" && die "node b: dialplan/asterisk.conf already sets systemname"
  sed -i 's|^\[options\].*|&\nsystemname = node-b|' "$staged/asterisk.conf"
  grep -q '^systemname = node-b$' "$staged/asterisk.conf" || die "node b: no [options] in asterisk.conf"
  mkdir -p "$ROOT/var/lib/asterisk-b" "$ROOT/var/cache/asterisk-b"
}

install_config() {
  local key
  for key in ARI_USER ARI_PASSWORD AMI_USER AMI_SECRET; do
    [[ -n "${!key:-}" ]] || die "$key is empty (see $HOTLINE_ENV_FILE)"
  done
  local etc="$ROOT$ETC_DIR"
  [[ -d "$ROOT/etc/asterisk.dist" ]] || cp -a "$ROOT/etc/asterisk" "$ROOT/etc/asterisk.dist"
  local staged="$etc.new"
  rm -rf "$staged"
  cp -a "$ROOT/etc/asterisk.dist" "$staged"
  # Debian's sample users.conf defines accounts with a default PIN and is deprecated.
  rm -f "$staged/users.conf"
  local conf
  for conf in "$HOTLINE_REPO"/dialplan/*.conf; do
    render_config "$conf" >"$staged/$(basename "$conf")"
  done
  [[ "$NODE" == b ]] && node_b_config "$staged"
  # pjsip_wizard.conf belongs to the engine once it has written agents' phones into it
  # (over AMI): a reinstall keeps its copy rather than dropping every phone.
  if grep -qs '^\[agent-' "$etc/pjsip_wizard.conf"; then
    cp -a "$etc/pjsip_wizard.conf" "$staged/pjsip_wizard.conf"
  fi
  chmod 600 "$staged/ari.conf" "$staged/manager.conf" "$staged/pjsip_wizard.conf"
  rm -rf "$etc.old"
  if [[ -d "$etc" ]]; then mv "$etc" "$etc.old"; fi
  mv "$staged" "$etc"
  rm -rf "$etc.old"

  root_lock
  install_sounds
  generate_moh
  root_unlock

  mkdir -p "$ROOT$SPOOL_DIR/recording/hotline-fallback"
}

# The sounds are the root's, shared by both nodes. Node b replaces them only when they
# differ from the checkout's: swapping the folder under node a's calls cuts prompts short.
install_sounds() {
  local sounds="$ROOT/usr/share/asterisk/sounds/fa"
  if [[ "$NODE" == b && -d "$sounds" ]] &&
    diff -rq -x manifest.json "$HOTLINE_REPO/sounds/fa" "$sounds" >/dev/null 2>&1; then
    return
  fi
  rm -rf "$sounds.new"
  mkdir -p "$sounds.new"
  if [[ -d "$HOTLINE_REPO/sounds/fa" ]]; then
    find "$HOTLINE_REPO/sounds/fa" -mindepth 1 -maxdepth 1 ! -name manifest.json \
      -exec cp -a -t "$sounds.new" {} +
  fi
  rm -rf "$sounds"
  mv "$sounds.new" "$sounds"
}

mount_proc() {
  mountpoint -q "$ROOT/proc" || mount -t proc proc "$ROOT/proc"
}

# Only once neither node runs: both share the root's /proc. Called under root_lock.
umount_proc() {
  if pid_running "$OTHER_PID_FILE" >/dev/null; then return; fi
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
  for port in "$ARI_PORT" "$AMI_PORT_SANDBOX"; do
    port_open "$port" && die "127.0.0.1:$port is already in use by another program (another Asterisk?)"
  done
  if command -v ss >/dev/null && [[ -n "$(ss -Hlun "sport = :$SIP_PORT" 2>/dev/null)" ]]; then
    die "udp 127.0.0.1:$SIP_PORT is already in use by another program (another Asterisk?)"
  fi
  install_config
  rm -f "$HOST_RUN_DIR/asterisk.ctl" "$HOST_RUN_DIR/asterisk.pid"
  mkdir -p "$RUN_DIR" "$HOST_RUN_DIR" "$ROOT$LOG_DIR"
  : >"$CONSOLE_LOG"
  # Under the root lock until the pid file is written: the other node, stopping now,
  # must see this one running before it decides to unmount /proc.
  root_lock
  mount_proc
  # Its own session: a Ctrl-C in the terminal must not reach Asterisk directly; the
  # caller stops it gracefully instead.
  # Every descriptor past stderr is closed for Asterisk, ours and the caller's: a lock held
  # open by Asterisk would live as long as it (`flock /tmp/hotline-asterisk.lock bash
  # scripts/asterisk-sandbox.sh start` once left the sandbox lock held until Asterisk stopped).
  (
    for fd in /proc/$BASHPID/fd/*; do
      n=${fd##*/}
      if ((n > 2)); then eval "exec $n>&-"; fi
    done
    exec setsid chroot "$ROOT" "${ASTERISK[@]}" -f -n </dev/null >>"$CONSOLE_LOG" 2>&1
  ) &
  pid=$!
  printf '%s\n' "$pid" >"$PID_FILE"
  root_unlock
  log "starting Asterisk (pid $pid, console log $CONSOLE_LOG)"
  if ! wait_until_ready "$pid"; then
    stop_asterisk
    die "Asterisk failed to start (see $CONSOLE_LOG and $ROOT$LOG_DIR/full.log)"
  fi
  log "ready: ARI $ARI_HTTP (app hotline), AMI 127.0.0.1:$AMI_PORT_SANDBOX, SIP udp 127.0.0.1:$SIP_PORT"
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
  root_lock
  rm -f "$PID_FILE"
  umount_proc
  root_unlock
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
  log) echo "$ROOT$LOG_DIR/full.log" ;;
  *) echo "usage: $0 [--node a|b] build|start|stop|reload|status|root|cli CMD|log" >&2; exit 2 ;;
esac
