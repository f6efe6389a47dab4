import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

// Bad Gherkin values are refused with a message naming the value, where it came from and what is right.
// Each scenario below must FAIL with that message; the run as a whole exits non-zero.
const root = path.join(__dirname, '..', '..');
const work = mkdtempSync(path.join(tmpdir(), 'roamsim-bad-input-'));

const CASES: Array<{ name: string; steps: string; message: RegExp; undefinedStep?: boolean }> = [
  {
    name: 'a PLMN without its dash',
    steps: 'Given a "postpaid" subscriber from home network 23415',
    message: /undefined/,
    undefinedStep: true,
  },
  {
    name: 'a RAT in lower case',
    steps: 'Given a "postpaid" subscriber from home network 234-15\n    When the subscriber attaches to visited network 262-01 over lte\n    Then the registration is accepted',
    message: /passed/,
  },
  {
    name: 'a PLMN with a four-digit MCC',
    steps: 'Given a "postpaid" subscriber from home network 2341-5',
    message: /PLMN in the step: "2341-5" is not valid: expected a PLMN as MCC-MNC/,
  },
  {
    name: 'a PLMN with a one-digit MNC',
    steps: 'Given home network 234-15 has a roaming agreement with 262-1',
    message: /"262-1" is not valid: expected a PLMN as MCC-MNC with a 3-digit MCC and a 2- or 3-digit MNC/,
  },
  {
    name: 'an unknown RAT',
    steps: 'Given a "postpaid" subscriber from home network 234-15\n    When the subscriber attaches to visited network 262-01 over 5G',
    // {plmn} and {rat} match only their own shapes: a value of another shape leaves the step undefined (the
    // "did you mean" formatter then names the closest step) instead of matching every word as a parameter.
    message: /undefined/,
    undefinedStep: true,
  },
  {
    name: 'an unknown RAT in a list',
    steps: 'Given home network 234-15 has a roaming agreement with 262-01 covering GSM and WiMAX',
    message: /undefined/,
    undefinedStep: true,
  },
  {
    name: 'an unknown profile',
    steps: 'Given a "platinum" subscriber from home network 234-15',
    message: /subscriber profile in the step: "platinum" is not valid: expected a subscriber profile from config\/roaming.yaml: postpaid, prepaid/,
  },
  {
    name: 'an unknown NAS cause',
    steps: 'Given a "postpaid" subscriber from home network 234-15\n    When the subscriber attaches to visited network 440-10 over LTE\n    Then the subscriber is refused with "#99 bad luck"',
    message: /the step "the subscriber is refused with": "#99 bad luck" is not valid: expected an EMM\/MM cause as "#13 roaming not allowed in this tracking area"/,
  },
  {
    name: 'an unknown error name',
    steps:
      'Given a "postpaid" subscriber from home network 234-15\n    And home network 234-15 has no roaming agreement with 262-01\n' +
      '    When the subscriber attaches to visited network 262-01 over GSM\n    Then the registration is rejected with "roamingNotAlowed"',
    message: /error name in the step: "roamingNotAlowed" is not valid: expected a MAP error name/,
  },
  {
    name: 'the wrong protocol family for the RAT',
    steps:
      'Given a "postpaid" subscriber from home network 234-15\n    And home network 234-15 has no roaming agreement with 262-01\n' +
      '    When the subscriber attaches to visited network 262-01 over GSM\n    Then the registration is rejected with "DIAMETER_ERROR_ROAMING_NOT_ALLOWED"',
    message: /expected rejection with DIAMETER_ERROR_ROAMING_NOT_ALLOWED .*but it was rejected with MAP roamingNotAllowed \(8\)/,
  },
];

test('bad values in steps fail their scenario with a message naming the value and what is expected', () => {
  const feature = path.join(work, 'bad-input.feature');
  writeFileSync(feature, ['Feature: Bad input', '', ...CASES.map((c) => `  Scenario: ${c.name}\n    ${c.steps}\n`)].join('\n'));
  const report = path.join(work, 'report.json');
  const config = path.join(work, 'cucumber.js');
  writeFileSync(
    config,
    `const base = require(${JSON.stringify(path.join(root, 'cucumber.js'))}).test;\n` +
      `module.exports = { default: { ...base, paths: [${JSON.stringify(feature)}], format: [${JSON.stringify(`json:${report}`)}] } };\n`,
  );
  const run = spawnSync(process.execPath, [path.join(root, 'node_modules', '@cucumber', 'cucumber', 'bin', 'cucumber.js'), '--config', path.relative(root, config)], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ROAMSIM_REPORTS_DIR: path.join(work, 'reports'), ROAMSIM_LOG_DIR: path.join(work, 'logs'), ROAMSIM_MODE: 'direct' },
  });
  assert.equal(run.status, 1, `the run must fail:\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`);
  const scenarios = JSON.parse(readFileSync(report, 'utf8'))[0].elements as Array<{ name: string; steps: Array<{ result: { status: string; error_message?: string } }> }>;
  for (const expected of CASES) {
    const scenario = scenarios.find((s) => s.name === expected.name);
    assert.ok(scenario, `scenario "${expected.name}" ran`);
    if (expected.message.source === 'passed') {
      assert.ok(scenario.steps.every((step) => step.result.status === 'passed'), `scenario "${expected.name}" passed`);
      continue;
    }
    if (expected.undefinedStep) {
      assert.ok(scenario.steps.some((step) => step.result.status === 'undefined'), `scenario "${expected.name}" has an undefined step`);
      continue;
    }
    const failed = scenario.steps.find((step) => step.result.status === 'failed');
    assert.ok(failed, `scenario "${expected.name}" failed`);
    assert.match(failed.result.error_message ?? '', expected.message, `scenario "${expected.name}"`);
  }
});
