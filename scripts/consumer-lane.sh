#!/usr/bin/env bash
# The consumer lane of `make test`: roamsim as a QA team installs it. `npm pack` (which builds dist/ through
# `prepare`), a fresh temporary folder, `npm init -y`, the tarball plus the pinned @cucumber/cucumber from the
# npm registry (the local npm cache is reused), `npx roamsim init`, `npx cucumber-js`: every scaffolded
# scenario passes and every report and log is written inside the consumer folder, none in the package. Then
# the same with a custom TypeScript step (type-checked against roamsim's .d.ts) and the scaffold's JavaScript
# step. Each check prints ok/FAIL; the last line is "N passed, N failed".
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
passed=0
failed=0
check() { # check "what" command...
  local what=$1; shift
  if "$@"; then echo "ok   $what"; passed=$((passed + 1)); else echo "FAIL $what"; failed=$((failed + 1)); fi
}
finish() { echo "$passed passed, $failed failed"; exit $([ "$failed" -eq 0 ] && echo 0 || echo 1); }

work=$(mktemp -d "${TMPDIR:-/tmp}/roamsim-consumer.XXXXXX")
trap 'rm -rf "$work"' EXIT
cucumber=$(node -p "require('$root/package.json').devDependencies['@cucumber/cucumber']")
typescript=$(node -p "require('$root/package.json').devDependencies.typescript")
tsnode=$(node -p "require('$root/package.json').devDependencies['ts-node']")
npm_install() { npm install --no-audit --no-fund --prefer-offline --loglevel=error "$@"; }

tarball=$(cd "$root" && npm pack --silent --pack-destination "$work" 2>"$work/pack.log" | tail -1)
check "npm pack builds the package (dist/ by tsc on prepare)" test -f "$work/$tarball"
[ -f "$work/$tarball" ] || { cat "$work/pack.log"; finish; }
check "the tarball has compiled JavaScript and no TypeScript sources" bash -c "tar tzf '$work/$tarball' | grep -q 'package/dist/support/cucumber.js' && ! tar tzf '$work/$tarball' | grep -qE '^package/(src|support|steps|mocks)/.*\\.ts$'"

app="$work/qa-repo"
mkdir -p "$app" && cd "$app" || finish
npm init -y >/dev/null
check "npm install <tarball> @cucumber/cucumber@$cucumber" npm_install "$work/$tarball" "@cucumber/cucumber@$cucumber"
check "no ts-node in the consumer: the bin runs compiled code" bash -c "! test -e node_modules/ts-node && npx roamsim roam --home 234-15 --visited 262-01 --rat LTE >roam.out 2>&1"
check "npx roamsim init scaffolds the repository" npx roamsim init
check "a second init refuses and names the existing files" bash -c "! npx roamsim init 2>init.err && grep -q 'cucumber.js' init.err && grep -q 'features/billing/data.feature' init.err"
check "init into a path that is a file is refused" bash -c "! npx roamsim init package.json 2>/dev/null"

scenarios() { grep -cE '^\s*Scenario:' features/*/*.feature | awk -F: '{s+=$2} END {print s}'; }
run_suite() { npx cucumber-js >run.out 2>&1; local status=$?; tail -20 run.out; return $status; }
expected=$(scenarios)
check "npx cucumber-js: all $expected scaffolded scenarios pass (custom JS step included)" bash -c "$(declare -f run_suite); run_suite && grep -qE '^$expected scenarios \\($expected passed\\)' run.out"
check "reports and logs are inside the consumer folder" bash -c "test -f reports/junit.xml && test -f reports/cucumber.html && test -d reports/allure-results && test -d reports/pcap && test -f reports/state-coverage.json && test -f logs/roamsim.log && test -d logs/audit"
check "npx roamsim audit verify checks the run's audit trail (compiled code)" bash -c "npx roamsim audit verify --dir logs/audit >audit.out 2>&1 || { cat audit.out; exit 1; }"
# Load on a real HLR over GSUP from the compiled package: osmo-hlr started (by pid, on a free loopback address)
# through the package's own dist/src/gsup/osmo-hlr-process.js.
if command -v osmo-hlr >/dev/null 2>&1; then
  cat >load-wire.js <<'JS'
const { spawnSync } = require('node:child_process');
const { startOsmoHlr } = require('./node_modules/roamsim/dist/src/gsup/osmo-hlr-process.js');
startOsmoHlr().then(async (hlr) => {
  const run = spawnSync('npx', ['roamsim', 'load', '--mode', 'wire', '--hlr', hlr.gsup, '--provision', hlr.provision, '--subscribers', '4', '--concurrency', '2'], { encoding: 'utf8', timeout: 120000 });
  await hlr.stop();
  if (run.status !== 0) process.stdout.write(`${run.stdout}${run.stderr}`);
  process.exit(run.status === 0 ? 0 : 1);
}, (error) => { console.error(String(error)); process.exit(1); });
JS
  check "npx roamsim load --mode wire --hlr/--provision drives a real osmo-hlr (compiled code)" node load-wire.js
else
  echo "load --mode wire check skipped: osmo-hlr is not installed (scripts/setup-system.sh installs it)"
fi
check "npx roamsim load --mode wire refuses a bad --hlr and names it" bash -c "! npx roamsim load --mode wire --hlr nowhere --provision osmo-ctrl://127.0.0.1:4259 --subscribers 1 2>hlr.err && grep -q -- '--hlr' hlr.err"
check "npx roamsim mocks serves GSUP and Diameter (--gsup-port/--diameter-port 0), stops on SIGTERM" bash -c "timeout -s TERM 15 npx roamsim mocks --hlr-port 0 --vlr-port 0 --metrics-port off --gsup-port 0 --diameter-port 0 >mocks.out 2>&1; grep -q 'mocks ready' mocks.out && grep -qi 'gsup' mocks.out && grep -qi 'diameter' mocks.out || { tail -20 mocks.out; exit 1; }"
check "nothing written inside the installed package" bash -c "! test -e node_modules/roamsim/reports && ! test -e node_modules/roamsim/logs"
check "a mistyped step prints one short did-you-mean block" bash -c "printf 'Feature: typo\n  Scenario: typo\n    When the subscriber attaches to the visited network 262-01 over LTE\n' >features/typo.feature; ! npx cucumber-js features/typo.feature >typo.out 2>&1; grep -q 'did you mean:' typo.out && grep -q 'When the subscriber attaches to visited network {plmn} over {rat}' typo.out && [ \$(grep -c \"When('\" typo.out) -le 1 ] && grep -q '^1 scenario (1 undefined)' typo.out"
check "npx roamsim lint fails on the undefined step" bash -c "! npx roamsim lint >lint.out 2>&1 && grep -q 'undefined step' lint.out"
rm -f features/typo.feature
check "npx roamsim lint passes on the scaffold" npx roamsim lint

# TypeScript: the team adds ts-node and a step typed against roamsim/cucumber.
check "npm install -D ts-node@$tsnode typescript@$typescript" npm_install -D "ts-node@$tsnode" "typescript@$typescript"
cat >steps/traveller.ts <<'TS'
import { Then, When } from '@cucumber/cucumber';
import type { RoamingWorld } from 'roamsim/cucumber';

When('the traveller moves on to {plmn} over {rat}', async function (this: RoamingWorld, plmn: string, rat: string) {
  await this.roaming.move(plmn, rat);
});

Then('the traveller is refused with {string}', function (this: RoamingWorld, cause: string) {
  this.roaming.expectRejected(cause);
});
TS
cat >features/resilience/custom-ts.feature <<'FEATURE'
Feature: A TypeScript custom step

  Scenario: A move to a network without an agreement is refused
    Given a "postpaid" subscriber from home network 234-15
    And the subscriber is registered in visited network 262-01 over LTE
    When the traveller moves on to 440-10 over LTE
    Then the traveller is refused with "DIAMETER_ERROR_ROAMING_NOT_ALLOWED"
FEATURE
check "the TypeScript step type-checks against roamsim's declarations" npx tsc -p tsconfig.json
check "a misuse of the World API is a type error" bash -c "sed 's/this.roaming.move/this.roaming.moove/' steps/traveller.ts >steps/wrong.ts; ! npx tsc -p tsconfig.json >/dev/null 2>&1; status=\$?; rm -f steps/wrong.ts; exit \$status"
expected=$(scenarios)
check "npx cucumber-js with the custom TS and JS steps: all $expected scenarios pass" bash -c "$(declare -f run_suite); run_suite && grep -qE '^$expected scenarios \\($expected passed\\)' run.out"
finish
