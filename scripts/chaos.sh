#!/usr/bin/env bash
# `npm run chaos`: issue 11's fault suite at full scale (100 callers in the IVR when the
# engine is killed, PostgreSQL down 60 s and frozen 30 s…). The engine runs in its
# production form (built here, then `node dist/main.js`) as a child process, with a
# PostgreSQL and a Redis of the suite's own; calls go through the Asterisk sandbox, held
# under the shared Asterisk lock for the whole run. Figures: test-results/chaos.jsonl.
# Extra arguments go to vitest (e.g. `npm run chaos -- -t SIGTERM`).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ -d node_modules ]] || npm ci

# shellcheck source=lib/env.sh
. scripts/lib/env.sh
# shellcheck source=lib/services.sh
. scripts/lib/services.sh

cleanup() {
  local rc=$?
  trap - EXIT
  trap '' INT TERM
  hotline_stop_started
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

hotline_ensure sandbox
HOTLINE_SANDBOX_ROOT="$(bash scripts/asterisk-sandbox.sh root)"
export HOTLINE_SANDBOX_ROOT
[[ "${CHAOS_ENGINE_FORM:-dist}" == tsx ]] || npm run build >/dev/null
mkdir -p test-results
rm -f test-results/chaos.jsonl
CHAOS_SCALE="${CHAOS_SCALE:-long}" flock /tmp/hotline-asterisk.lock \
  npx vitest run --project chaos --reporter=default --reporter=json --outputFile.json=test-results/vitest-chaos.json "$@"
