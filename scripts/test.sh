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

hotline_ensure redis
hotline_ensure postgres
hotline_ensure sandbox
hotline_ensure chromium
hotline_ensure baresip
TEST_DATABASE_URL="$(bash scripts/postgres.sh url)"
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
