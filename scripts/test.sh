#!/usr/bin/env bash
# `npm test`: type-check, lint (ESLint and the import boundaries), then every test —
# unit, integration (real Redis, a throw-away PostgreSQL and a private dovecot) and end to end (the real
# Asterisk sandbox). Starts what the
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
hotline_ensure sandbox-b
hotline_ensure dovecot
hotline_ensure chromium
hotline_ensure baresip
TEST_DATABASE_URL="$(bash scripts/postgres.sh url)"
HOTLINE_SANDBOX_ROOT="$(bash scripts/asterisk-sandbox.sh root)"
TEST_IMAP_URL="$(bash scripts/dovecot.sh url)"
export TEST_DATABASE_URL HOTLINE_SANDBOX_ROOT TEST_IMAP_URL

npx tsc --noEmit
npm run lint
status=0
mkdir -p test-results
rm -f test-results/vitest*.json test-results/e2e.log
run_vitest() { # <json name> <vitest args...>
  local json="$1"
  shift
  npx vitest run --reporter=default --reporter=json --outputFile.json="test-results/$json" "$@"
}
if [[ $# -gt 0 ]]; then
  run_vitest vitest.json "$@" || status=$?
  results=(test-results/vitest.json)
else
  # The e2e files wait on Asterisk in real time (prompts, rings) and use little CPU,
  # and vitest runs them only after the other projects: in a second process they run
  # alongside the unit and integration files. Their log follows at the end.
  # The fault suite (issue 11) follows e2e on the same sandbox, never alongside it. Its
  # engines, and the standby pair's in e2e, run in the production form: built first.
  echo "[test] e2e, then the fault suite, run in parallel; their log: test-results/e2e.log"
  {
    sandbox_status=0
    if npm run build >/dev/null; then
      run_vitest vitest-e2e.json --project e2e || sandbox_status=$?
      run_vitest vitest-chaos.json --project chaos || sandbox_status=1
    else
      echo "[test] npm run build failed"
      sandbox_status=1
    fi
    exit "$sandbox_status"
  } >test-results/e2e.log 2>&1 &
  e2e=$!
  run_vitest vitest.json --project unit --project integration || status=$?
  wait "$e2e" || status=$?
  echo "[test] ---------------- e2e and faults (test-results/e2e.log) ----------------"
  cat test-results/e2e.log
  results=(test-results/vitest.json test-results/vitest-e2e.json test-results/vitest-chaos.json)
fi
# One plain closing line ("N passed, N failed") that any CI can read.
node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0, missing = 0;
  for (const file of process.argv.slice(1)) {
    if (!fs.existsSync(file)) { missing++; continue; }
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + r.numTodoTests;
  }
  console.log(`vitest: ${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : "") + (missing ? ` (${missing} run(s) wrote no report)` : ""));
  if (missing) process.exitCode = 1;
' "${results[@]}" || status=1
exit "$status"
