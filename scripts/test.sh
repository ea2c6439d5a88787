#!/usr/bin/env bash
# `npm test`: type-check, then every test — unit, integration (real Redis and a
# throw-away PostgreSQL) and end to end (the real Asterisk sandbox). Starts what the
# tests need, stops afterwards only what it started itself. Extra arguments go to
# vitest (e.g. `npm test -- --project unit`).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ -d node_modules ]] || npm ci

# shellcheck source=lib/env.sh
. scripts/lib/env.sh

started=()

cleanup() {
  local rc=$?
  trap - EXIT
  trap '' INT TERM
  local i
  for ((i = ${#started[@]} - 1; i >= 0; i--)); do
    case "${started[i]}" in
      sandbox) bash scripts/asterisk-sandbox.sh stop || true ;;
      postgres) bash scripts/postgres.sh stop || true ;;
      redis) bash scripts/redis.sh stop || true ;;
    esac
  done
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Each service is marked before it is started, so an interrupted start is cleaned up.
if ! bash scripts/redis.sh status >/dev/null; then
  started+=(redis)
  bash scripts/redis.sh start
fi
if ! bash scripts/postgres.sh status >/dev/null; then
  started+=(postgres)
fi
TEST_DATABASE_URL="$(bash scripts/postgres.sh start)"
if ! bash scripts/asterisk-sandbox.sh status >/dev/null; then
  started+=(sandbox)
  bash scripts/asterisk-sandbox.sh start
else
  # Reused, but with this checkout's dialplan, sounds and .env accounts.
  hotline_log "reusing the running Asterisk sandbox"
  bash scripts/asterisk-sandbox.sh reload
fi
HOTLINE_SANDBOX_ROOT="$(bash scripts/asterisk-sandbox.sh root)"
export TEST_DATABASE_URL HOTLINE_SANDBOX_ROOT

npx tsc --noEmit
status=0
mkdir -p test-results
rm -f test-results/vitest.json
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@" || status=$?
# One plain closing line ("N passed, N failed") that any CI can read.
if [[ -f test-results/vitest.json ]]; then
  node -e '
    const r = JSON.parse(require("fs").readFileSync("test-results/vitest.json", "utf8"));
    const skipped = r.numPendingTests + r.numTodoTests;
    console.log(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
  '
fi
exit "$status"
