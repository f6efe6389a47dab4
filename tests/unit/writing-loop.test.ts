import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

// The loop of writing a scenario: run one file, read a typo's "did you mean", the lint lane, Allure's
// failed-versus-broken, and the unasserted-rejection guard.
const root = path.join(__dirname, '..', '..');
const work = mkdtempSync(path.join(tmpdir(), 'roamsim-writing-loop-'));
const cucumberBin = path.join(root, 'node_modules', '@cucumber', 'cucumber', 'bin', 'cucumber.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { suggestSteps } = require('../../support/did-you-mean.js') as { suggestSteps: (text: string, patterns: string[]) => string[] };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { cliFeaturePaths } = require('../../support/profiles.js') as { cliFeaturePaths: (argv: string[], cwd: string) => string[] };

function runCucumber(args: string[], dir: string) {
  return spawnSync(process.execPath, [cucumberBin, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ROAMSIM_REPORTS_DIR: path.join(dir, 'reports'), ROAMSIM_LOG_DIR: path.join(dir, 'logs'), ROAMSIM_MODE: 'direct', ROAMSIM_RUN_SCOPE: '' },
  });
}

test('"did you mean" names the defined step closest to a mistyped one', () => {
  const patterns = [
    'a {string} subscriber from home network {plmn}',
    'the subscriber attaches to visited network {plmn} over {rat}',
    'a {string} billing trigger is emitted',
    'no billing trigger is emitted',
  ];
  assert.equal(suggestSteps('the subscriber attaches to the visited network 262-01 over LTE', patterns)[0], patterns[1]);
  assert.equal(suggestSteps('a postpaid subscriber from home network 234-15', patterns)[0], patterns[0]);
  assert.equal(suggestSteps('an "sms" billing trigger is emitted', patterns)[0], patterns[2]);
  assert.deepEqual(suggestSteps('the moon is made of cheese and nothing else at all', patterns), []);
});

test('feature files and folders on the command line are told apart from option values', () => {
  assert.deepEqual(cliFeaturePaths(['--profile', 'test', 'features/billing', 'features/registration/home-network.feature:12'], root), [
    'features/billing',
    'features/registration/home-network.feature:12',
  ]);
  assert.deepEqual(cliFeaturePaths(['--tags', '@smoke', '--format', 'progress'], root), []);
});

test('a feature file named on the command line runs only that file, and the coverage line says partial', () => {
  const dir = mkdtempSync(path.join(work, 'one-file-'));
  const file = 'features/registration/home-network.feature';
  const expected = (readFileSync(path.join(root, file), 'utf8').match(/^\s*Scenario( Outline)?:/gm) ?? []).length;
  const run = runCucumber(['--profile', 'test', file], dir);
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, new RegExp(`^${expected} scenarios? \\(${expected} passed\\)`, 'm'));
  assert.match(run.stdout, /^partial run \(features\/registration\/home-network\.feature\): state coverage: /m);
});

test('the lint lane exits non-zero on an undefined step and names it with a "did you mean"', () => {
  const dir = mkdtempSync(path.join(work, 'lint-'));
  const feature = path.join(dir, 'typo.feature');
  writeFileSync(feature, 'Feature: typo\n  Scenario: typo\n    Given a "postpaid" subscriber from home network 234-15\n    When the subscriber attaches to the visited network 262-01 over LTE\n');
  const run = spawnSync(process.execPath, [path.join(root, 'scripts', 'lint-steps.js'), feature], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ROAMSIM_REPORTS_DIR: path.join(dir, 'reports') },
  });
  assert.equal(run.status, 1, run.stdout + run.stderr);
  assert.match(run.stderr, /undefined step "the subscriber attaches to the visited network 262-01 over LTE" .*did you mean "the subscriber attaches to visited network \{plmn\} over \{rat\}"/);
  assert.doesNotMatch(run.stderr, /subscriber from home network/, 'the defined step is not reported');
});

test('Allure: an assertion about the network is failed, a defect or bad premise is broken; the guard counts any later Then', () => {
  const dir = mkdtempSync(path.join(work, 'allure-'));
  const results = path.join(dir, 'allure-results');
  const feature = path.join(dir, 'status.feature');
  writeFileSync(
    feature,
    [
      'Feature: Allure status',
      '  Scenario: wrong cause',
      '    Given a "postpaid" subscriber from home network 234-15',
      '    When the subscriber attaches to visited network 262-01 over LTE',
      '    Then the registration is rejected with "DIAMETER_ERROR_ROAMING_NOT_ALLOWED"',
      '  Scenario: unknown profile',
      '    Given a "platinum" subscriber from home network 234-15',
      '  Scenario: a refusal followed by a billing assertion only',
      '    Given a "postpaid" subscriber from home network 234-15',
      '    And home network 234-15 has no roaming agreement with 262-01',
      '    When the subscriber attaches to visited network 262-01 over LTE',
      '    Then no billing trigger is emitted',
      '  Scenario: a refusal nobody looked at',
      '    Given a "postpaid" subscriber from home network 234-15',
      '    And home network 234-15 has no roaming agreement with 262-01',
      '    When the subscriber attaches to visited network 262-01 over LTE',
      '',
    ].join('\n'),
  );
  const run = runCucumber(
    ['--profile', 'test', feature, '--format', `allure-cucumberjs/reporter:${path.join(dir, '.allure.out')}`, '--format-options', JSON.stringify({ resultsDir: results })],
    dir,
  );
  assert.equal(run.status, 1, 'the run fails');
  const statuses = new Map<string, string>();
  for (const file of readdirSync(results).filter((name) => name.endsWith('-result.json'))) {
    const result = JSON.parse(readFileSync(path.join(results, file), 'utf8')) as { name: string; status: string };
    statuses.set(result.name, result.status);
  }
  assert.equal(statuses.get('wrong cause'), 'failed');
  assert.equal(statuses.get('unknown profile'), 'broken');
  assert.equal(statuses.get('a refusal followed by a billing assertion only'), 'passed');
  // The guard fails the scenario from an After hook (Allure files hook failures under the scenario's tear-down).
  assert.match(run.stdout, /a refusal nobody looked at[\s\S]*no Then step followed it/);
  assert.doesNotMatch(run.stdout, /a refusal followed by a billing assertion only # [^\n]*\n[\s\S]*?no Then step followed it[\s\S]*a refusal nobody looked at/);
  assert.match(run.stdout, /^4 scenarios \(3 failed, 1 passed\)/m);
});

test('every sink can be switched off by worldParameters; a wrong sink name is refused naming it', () => {
  const dir = mkdtempSync(path.join(work, 'sinks-'));
  const sinks = { captures: false, ladders: false, audit: false, billing: false, metrics: false, 'state-coverage': false, allure: false };
  const run = runCucumber(['--profile', 'test', 'features/billing/triggers.feature', '--world-parameters', JSON.stringify({ roamsim: { sinks } })], dir);
  assert.equal(run.status, 0, run.stdout + run.stderr);
  const reports = path.join(dir, 'reports');
  const written = (folder: string) => {
    try {
      return readdirSync(folder);
    } catch {
      return [];
    }
  };
  assert.deepEqual(written(reports).filter((name) => !name.startsWith('.')), [], 'no report file');
  assert.deepEqual(written(path.join(dir, 'logs', 'audit')), [], 'no audit file');
  assert.deepEqual(written(path.join(dir, 'logs', 'billing')), [], 'no billing file');
  assert.doesNotMatch(run.stdout, /state coverage:/);

  const on = runCucumber(['--profile', 'test', 'features/billing/triggers.feature'], mkdtempSync(path.join(work, 'sinks-on-')));
  assert.equal(on.status, 0);
  assert.match(on.stdout, /state coverage:/, 'the same run with every sink on writes state coverage');

  const bad = runCucumber(['--profile', 'test', 'features/billing/triggers.feature', '--world-parameters', JSON.stringify({ roamsim: { sinks: { pcap: false } } })], dir);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stdout + bad.stderr, /worldParameters\.roamsim\.sinks: "pcap" is not valid: expected one of captures, ladders/);
});
