#!/usr/bin/env bash
# `make test`: typecheck, unit tests, the step lint lane, then every feature in each transport mode.
# Every lane runs even when an earlier one failed; the last line sums them up as "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0
failed=0
status=0
lane() { echo; echo "=== $1"; }

lane "typecheck (tsc --noEmit)"
if npx tsc --noEmit -p tsconfig.json; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi

lane "unit tests (node --test)"
unit_out=$(mktemp)
node --require ./support/register.js --test --test-reporter=spec tests/unit/*.test.ts 2>&1 | tee "$unit_out"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
passed=$((passed + $(sed -n 's/^ℹ pass \([0-9]*\)$/\1/p' "$unit_out" | tail -1)))
failed=$((failed + $(sed -n 's/^ℹ fail \([0-9]*\)$/\1/p' "$unit_out" | tail -1)))

run_features() {
  local name=$1; shift
  lane "features: $name"
  local out
  out=$(mktemp)
  env "$@" npx cucumber-js --profile test 2>&1 | tee "$out"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  local line
  line=$(grep -E '^[0-9]+ scenarios? \(' "$out" | tail -1)
  local p f
  p=$(echo "$line" | sed -n 's/.*[(, ]\([0-9]*\) passed.*/\1/p')
  f=$(echo "$line" | grep -oE '[0-9]+ (failed|undefined|ambiguous|pending)' | awk '{s+=$1} END {print s+0}')
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  [ -n "$line" ] || { failed=$((failed + 1)); status=1; }
}

lane "step lint (dry run: undefined, ambiguous, unused steps)"
if node scripts/lint-steps.js; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi

captures=$(mktemp -d)
run_features "intercept mode (MSW in process)" ROAMSIM_MODE=intercept ROAMSIM_REPORTS_DIR="$captures/scrubbed"
# Same seed, same subscribers: the direct lane keeps raw captures so the scrub check can look for them.
run_features "direct mode (handler calls), raw captures" ROAMSIM_MODE=direct ROAMSIM_PCAP_SCRUB=false ROAMSIM_REPORTS_DIR="$captures/raw"

check_captures() {
  lane "$1"
  local out
  out=$(mktemp)
  shift
  node scripts/check-captures.js "$@" 2>&1 | tee "$out"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  local line
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -1)
  passed=$((passed + $(echo "${line:-0 passed}" | awk '{print $1}')))
  failed=$((failed + $(echo "${line:-0 passed, 0 failed}" | awk '{print $3}')))
}
check_captures "captures decode in tshark with no expert or malformed frame" "$captures/scrubbed/pcap"
check_captures "no raw IMSI or MSISDN in the default (scrubbed) captures" --raw "$captures/raw/pcap" --scrubbed "$captures/scrubbed/pcap"

# Live mode: the suite starts the HLR/HSS and VLR/MME as real HTTP servers on free 127.0.0.1 ports.
run_features "live mode (real HTTP)" ROAMSIM_MODE=live ROAMSIM_REPORTS_DIR="$captures/live"

# The CI report set, once (make ci-simulate: its exit status is one pass or failure here; its scenarios are
# the ones counted above), then Debian's chromium reads the reports (tests/browser, playwright.browser.config.ts).
run_browser() {
  lane "reports (make ci-simulate) read by a real browser (chromium)"
  if make --no-print-directory ci-simulate; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi
  if [ ! -x /usr/bin/chromium ]; then
    echo "browser lane skipped: /usr/bin/chromium is missing after scripts/setup-system.sh (Debian: apt-get install -y chromium)"
    return
  fi
  rm -f reports/playwright-browser.json
  npx playwright test -c playwright.browser.config.ts || status=1
  local counts
  counts=$(node -e 'const s = require("./reports/playwright-browser.json").stats; console.log(s.expected, s.unexpected + s.flaky)' 2>/dev/null)
  if [ -z "$counts" ]; then failed=$((failed + 1)); status=1; return; fi
  passed=$((passed + ${counts% *}))
  failed=$((failed + ${counts#* }))
}
run_browser

run_playwright() {
  lane "API tests (Playwright API mode against roamsim mocks on 127.0.0.1)"
  local out
  out=$(mktemp)
  npx playwright test 2>&1 | tee "$out"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  local p f
  p=$(sed -n 's/^ *\([0-9][0-9]*\) passed.*/\1/p' "$out" | tail -1)
  f=$(grep -oE '^ *[0-9]+ (failed|flaky|interrupted|did not run)' "$out" | awk '{s+=$1} END {print s+0}')
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  # No summary line at all (the global setup failed): count the lane as one failure.
  [ -n "$p" ] || [ "${f:-0}" -gt 0 ] || { failed=$((failed + 1)); status=1; }
}
run_playwright

# roamsim as a QA team installs it: the packed tarball in a fresh folder, npx roamsim init, npx cucumber-js,
# then custom TypeScript and JavaScript steps (scripts/consumer-lane.sh; npm reaches only the npm registry and
# reuses the local cache).
run_consumer() {
  lane "consumer: npm pack, install into a fresh folder, roamsim init, cucumber-js with custom TS and JS steps"
  local out
  out=$(mktemp)
  bash scripts/consumer-lane.sh 2>&1 | tee "$out"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  local line
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -1)
  [ -n "$line" ] || { failed=$((failed + 1)); status=1; return; }
  passed=$((passed + $(echo "$line" | awk '{print $1}')))
  failed=$((failed + $(echo "$line" | awk '{print $3}')))
}
run_consumer

echo
echo "$passed passed, $failed failed"
exit $status
