#!/usr/bin/env bash
# Generates sounds/fa/<id>.wav for every prompt in sounds/fa/manifest.json with espeak-ng's
# Persian voice and sox: 8 kHz, mono, 16-bit signed PCM (what Asterisk plays as slin).
# The .wav files are committed, so this only needs to run when the manifest changes.
# An id may sit in one of Asterisk's own subfolders ("digits/23" -> sounds/fa/digits/23.wav):
# say.c, and so app_queue's position and hold-time announcements, play numbers from there.
#
#   bash scripts/make-sounds.sh            regenerate every prompt
#   bash scripts/make-sounds.sh --check    exit 1 if any committed .wav differs from a fresh build
#
# Same input and same espeak-ng/sox versions give the same bytes: sox runs with -R (fixed
# random seed) and -D (no dither), and the WAV writer embeds no timestamp.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/sounds/fa"
manifest="$dir/manifest.json"

# Telephone prompts are easier to follow a little slower than espeak's default 175 wpm.
SPEED=150
# Peak level after normalising; headroom keeps codec transcoding (ulaw/alaw) from clipping.
PEAK_DB=-3
# Trim anything below this level at either end, then pad so prompts chained in one
# playback neither clip their first phoneme nor run into each other.
SILENCE_LEVEL=0.5%
PAD_START=0.05
PAD_END=0.15

mode=write
case "${1:-}" in
  '') ;;
  --check) mode=check ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

ensure_tools() {
  local missing=()
  command -v espeak-ng >/dev/null || missing+=(espeak-ng)
  command -v sox >/dev/null || missing+=(sox)
  [ ${#missing[@]} -eq 0 ] && return
  echo "installing ${missing[*]} with apt-get" >&2
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}"
}

ensure_tools
command -v node >/dev/null || { echo "node is needed to read $manifest" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# One NUL-terminated "id<TAB>text" record per prompt; "speak" is a respelling used only
# for synthesis where espeak-ng mispronounces the displayed text.
node --input-type=module -e '
  import { readFileSync } from "node:fs";
  const m = JSON.parse(readFileSync(process.argv[1], "utf8"));
  const seen = new Set();
  for (const p of m.prompts) {
    // Same rule as PROMPT_ID_PATTERN in src/domain/ivr/prompts.ts.
    if (!/^(digits\/)?[a-z0-9]+(-[a-z0-9]+)*$/.test(p.id)) throw new Error(`bad prompt id: ${p.id}`);
    if (seen.has(p.id)) throw new Error(`duplicate prompt id: ${p.id}`);
    seen.add(p.id);
    const say = (p.speak ?? p.text).replace(/\s+/g, " ").trim();
    if (!say) throw new Error(`empty text for ${p.id}`);
    process.stdout.write(`${p.id}\t${say}\0`);
  }
' "$manifest" >"$work/prompts"

voice="$(node -e 'process.stdout.write(JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8")).voice ?? "fa")' "$manifest")"

declare -A wanted=()
count=0
while IFS=$'\t' read -r -d '' id say; do
  wanted["$id"]=1
  mkdir -p "$(dirname "$work/out/$id")"
  espeak-ng -v "$voice" -s "$SPEED" -w "$work/raw.wav" -- "$say"
  sox -R -D -V1 "$work/raw.wav" -t wav -r 8000 -c 1 -b 16 -e signed-integer "$work/out/$id.wav" \
    silence 1 0.02 "$SILENCE_LEVEL" reverse silence 1 0.02 "$SILENCE_LEVEL" reverse \
    rate -v 8000 norm "$PEAK_DB" pad "$PAD_START" "$PAD_END"
  count=$((count + 1))
done <"$work/prompts"
rm -f "$work/raw.wav" "$work/prompts"

# Committed prompts as ids ("welcome", "digits/23"), one per line.
committed_ids() {
  (cd "$dir" && find . -name '*.wav' -type f | sed -e 's|^\./||' -e 's|\.wav$||' | LC_ALL=C sort)
}

if [ "$mode" = check ]; then
  status=0
  for id in "${!wanted[@]}"; do
    cmp -s "$work/out/$id.wav" "$dir/$id.wav" || { echo "differs: sounds/fa/$id.wav" >&2; status=1; }
  done
  while IFS= read -r id; do
    [ -n "${wanted[$id]:-}" ] || { echo "not in manifest: sounds/fa/$id.wav" >&2; status=1; }
  done < <(committed_ids)
  [ $status -eq 0 ] && echo "sounds/fa: $count prompts up to date"
  exit $status
fi

for id in "${!wanted[@]}"; do
  mkdir -p "$(dirname "$dir/$id")"
  mv -f "$work/out/$id.wav" "$dir/$id.wav"
done
# A prompt removed from the manifest must not linger (the prompts test rejects strays).
while IFS= read -r id; do
  [ -n "${wanted[$id]:-}" ] || { rm -f "$dir/$id.wav"; echo "removed sounds/fa/$id.wav (not in manifest)"; }
done < <(committed_ids)
find "$dir" -mindepth 1 -type d -empty -delete
echo "sounds/fa: $count prompts written"
