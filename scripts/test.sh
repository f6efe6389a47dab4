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

run_features "intercept mode (MSW in process)" ROAMSIM_MODE=intercept
run_features "direct mode (handler calls)" ROAMSIM_MODE=direct

echo
echo "$passed passed, $failed failed"
exit $status
