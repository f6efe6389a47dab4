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
# A test cancelled (its file's process ended early, an unhandled rejection) did not pass either.
cancelled=$(sed -n 's/^ℹ cancelled \([0-9]*\)$/\1/p' "$unit_out" | tail -1)
failed=$((failed + ${cancelled:-0}))

# The real HLR: roamsim's GSUP client against osmo-hlr (installed by scripts/setup-system.sh), started on a
# free loopback address with a fresh database and stopped by pid (tests/osmo).
lane "GSUP against a real osmo-hlr (node --test tests/osmo)"
if command -v osmo-hlr >/dev/null 2>&1; then
  osmo_out=$(mktemp)
  node --require ./support/register.js --test --test-reporter=spec tests/osmo/*.test.ts 2>&1 | tee "$osmo_out"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  passed=$((passed + $(sed -n 's/^ℹ pass \([0-9]*\)$/\1/p' "$osmo_out" | tail -1)))
  failed=$((failed + $(sed -n 's/^ℹ fail \([0-9]*\)$/\1/p' "$osmo_out" | tail -1)))
else
  echo "osmo-hlr lane skipped: osmo-hlr is not installed (run scripts/setup-system.sh as root, or apt-get install -y osmo-hlr)"
fi

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

lane "Prometheus rules (promtool check config, promtool test rules)"
if command -v promtool >/dev/null 2>&1; then
  if promtool check config deploy/prometheus/prometheus.yml; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi
  if promtool test rules deploy/prometheus/tests/roamsim-rules.test.yml; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi
else
  echo "Prometheus rules lane skipped: promtool is missing after scripts/setup-system.sh (Debian: apt-get install -y prometheus)"
fi

lane "step lint (dry run: undefined, ambiguous, unused steps; tags outside the taxonomy)"
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
# Wire mode: every GSM/UMTS exchange between VLR and HLR crosses GSUP on 127.0.0.1 (src/gsup/wire-transport.ts),
# every S6a exchange (MME↔HSS, both directions) Diameter/TCP (mocks/diameter/wire.ts).
run_features "wire mode (GSUP and S6a over TCP on 127.0.0.1)" ROAMSIM_MODE=wire ROAMSIM_REPORTS_DIR="$captures/wire"
check_captures "wire-mode captures (the Diameter bytes that crossed the sockets, IPv4/TCP) decode in tshark with no expert or malformed frame" "$captures/wire/pcap"

# S6a through a real Diameter Edge Agent: freeDiameter relays between roamsim's MMEs and HSS (both connect to it),
# in a network namespace of the lane's own (freeDiameterd binds every address and will not start on loopback only).
run_relay() {
  lane "S6a through freeDiameter (Diameter Edge Agent) in a network namespace of its own"
  if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null 2>&1; then
    echo "relay lane skipped: it needs root and unshare(1) to give freeDiameterd a network namespace of its own"
    return
  fi
  if ! command -v freeDiameterd >/dev/null 2>&1 || [ ! -f /usr/lib/freeDiameter/acl_wl.fdx ]; then
    echo "relay lane failed: freeDiameterd or its extensions are missing after scripts/setup-system.sh (Debian: apt-get install -y freediameterd freediameter-extensions)"
    failed=$((failed + 1)); status=1; return
  fi
  local out p f
  out=$(mktemp)
  scripts/in-netns.sh node --require ./support/register.js --test --test-reporter=spec tests/relay/*.test.ts 2>&1 | tee "$out"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  p=$(sed -n 's/^ℹ pass \([0-9]*\)$/\1/p' "$out" | tail -1)
  f=$(sed -n 's/^ℹ fail \([0-9]*\)$/\1/p' "$out" | tail -1)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  # Nothing passed (the namespace could not be set up, or every test skipped): the lane failed.
  [ "${p:-0}" -gt 0 ] || { failed=$((failed + 1)); status=1; }
}
run_relay

# The features in wire mode through freeDiameter: every MME and the HSS connect to the agent, S6a goes
# MME → DEA → HSS → DEA → MME; the lane fails on any parse/routing/CER error in the agent's log.
run_relay_features() {
  lane "features: wire mode through freeDiameter (Diameter Edge Agent)"
  if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null 2>&1; then
    echo "relay features lane skipped: it needs root and unshare(1) to give freeDiameterd a network namespace of its own"
    return
  fi
  local out line p f
  out=$(mktemp)
  scripts/in-netns.sh node --require ./support/register.js scripts/relay-features.ts 2>&1 | tee "$out"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  line=$(grep -E '^[0-9]+ scenarios? \(' "$out" | tail -1)
  p=$(echo "$line" | sed -n 's/.*[(, ]\([0-9]*\) passed.*/\1/p')
  f=$(echo "$line" | grep -oE '[0-9]+ (failed|undefined|ambiguous|pending)' | awk '{s+=$1} END {print s+0}')
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  [ -n "$line" ] || { failed=$((failed + 1)); status=1; }
  # The agent's log had a problem line, or it did not stop cleanly: one more failure.
  grep -q '0 problem lines' "$out" || { failed=$((failed + 1)); status=1; }
}
run_relay_features

# The CI report set, once (make ci-simulate: its exit status is one pass or failure here; its scenarios are
# the ones counted above), then Debian's chromium reads the reports (tests/browser, playwright.browser.config.ts):
# Allure, Cucumber HTML, state coverage, and the living document opened from file:// with the network blocked.
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

# Adds the last `N passed, N failed` line a lane printed (in file $1) to the totals; a lane that printed none failed.
add_lane_counts() {
  local line
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$1" | tail -1)
  [ -n "$line" ] || { failed=$((failed + 1)); status=1; return; }
  passed=$((passed + $(echo "$line" | awk '{print $1}')))
  failed=$((failed + $(echo "$line" | awk '{print $3}')))
}

# roamsim as a QA team installs it: the packed tarball in a fresh folder, npx roamsim init, npx cucumber-js,
# then custom TypeScript and JavaScript steps (scripts/consumer-lane.sh; npm reaches only the npm registry and
# reuses the local cache).
run_consumer() {
  lane "consumer: npm pack, install into a fresh folder, roamsim init, cucumber-js with custom TS and JS steps"
  local out
  out=$(mktemp)
  bash scripts/consumer-lane.sh 2>&1 | tee "$out"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  add_lane_counts "$out"
}
run_consumer

# The conformance lane: the journeys against a real osmo-hlr, compared with conformance/osmo-hlr-1.5.yaml.
# Last, so make ci-simulate (which starts from an empty reports/) leaves reports/conformance/ in place.
run_conformance() {
  lane "conformance: osmo-hlr as the HLR of 234-15 (make conformance SUT=osmo-hlr)"
  if ! command -v osmo-hlr >/dev/null 2>&1; then
    echo "conformance lane skipped: osmo-hlr is not installed (run scripts/setup-system.sh as root, or apt-get install -y osmo-hlr)"
    return
  fi
  local out
  out=$(mktemp)
  node --require ./support/register.js scripts/conformance.ts --sut osmo-hlr 2>&1 | tee "$out"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  add_lane_counts "$out"
}
run_conformance

echo
echo "$passed passed, $failed failed"
exit $status
