import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, relative, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { loadConfig } from '../../src/config/load';
import { ConfigError } from '../../src/errors';
import { parsePlmn } from '../../src/protocol/plmn';
import { SubscriberGenerator } from '../../src/subscribers/generator';
import { Pseudonymizer } from '../../src/subscribers/pseudonym';
import { hash32 } from '../../src/subscribers/random';
import { runPseudonymizer } from '../../src/subscribers/run-pseudonymizer';
import { AuditTrail, auditFileName } from '../../src/telemetry/audit';
import { subscriberId } from '../../src/telemetry/logger';
import { RoamsimMetrics } from '../../src/telemetry/metrics';

// One feature run through Cucumber in a child process, with logs and reports in a temporary directory: the
// telemetry of passing scenarios, and the metric step's refusals in scenarios that fail on purpose. The
// merge of --parallel worker snapshots is checked on snapshots written here (a parallel run costs seconds).

const root = resolve(__dirname, '..', '..');
const cucumberBin = join(root, 'node_modules', '@cucumber', 'cucumber', 'bin', 'cucumber.js');
const DAY_MS = 86_400_000;
const HOME = '234-15';

const { mergeTexts } = require('../../scripts/merge-metrics.js') as { mergeTexts: (texts: Array<{ text: string; file: string }>) => string };

const OK_FEATURE = `Feature: Telemetry of a run

  Scenario: Accepted in Germany, then detached
    Given home network 234-15 has a roaming agreement with 262-01
    And a "postpaid" subscriber from home network 234-15
    When the subscriber attaches to visited network 262-01 over LTE
    Then the registration is accepted
    And the metric "roamsim_registrations_total" with labels "outcome=accepted,visited_plmn=262-01" increased by 1
    And the metric "roamsim_registered_subscribers" with labels "" increased by 1
    When the subscriber detaches
    Then the metric "roamsim_registered_subscribers" with labels "" increased by 0

  Scenario: Refused over GSM without an agreement
    Given home network 234-15 has no roaming agreement with 262-01
    And a "postpaid" subscriber from home network 234-15
    When the subscriber attaches to visited network 262-01 over GSM
    Then the registration is rejected with "roamingNotAllowed"
    And the metric "roamsim_procedures_total" with labels "procedure=UpdateLocation,result=roamingNotAllowed" increased by 1
`;

const REFUSALS_FEATURE = `Feature: Refusals of the metric step

  Scenario: A wrong count names the series that moved
    Given home network 234-15 has a roaming agreement with 262-01
    And a "postpaid" subscriber from home network 234-15
    When the subscriber attaches to visited network 262-01 over UMTS
    Then the metric "roamsim_registrations_total" with labels "outcome=accepted" increased by 2

  Scenario: Malformed labels are refused
    Then the metric "roamsim_registrations_total" with labels "outcome accepted" increased by 1

  Scenario: An unknown metric is refused
    Then the metric "registrations_total" with labels "" increased by 1
`;

interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface RunDirs {
  dir: string;
  logDir: string;
  reportsDir: string;
  messages: string;
}

let work: string;
let seq: RunDirs;
let seqRun: ChildRun;
/** The day the runs happened (retention counts from it). */
let runStart: number;

function dirs(name: string): RunDirs {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  return { dir, logDir: join(dir, 'logs'), reportsDir: join(dir, 'reports'), messages: join(dir, 'messages.ndjson') };
}

function runCucumber(run: RunDirs, features: string[]): Promise<ChildRun> {
  // The test profile with the paths replaced (CLI paths would be added to the profile's, not replace them).
  const config = join(run.dir, 'cucumber.js');
  writeFileSync(
    config,
    `const base = require(${JSON.stringify(join(root, 'cucumber.js'))}).test;\n` +
      `module.exports = { default: { ...base, paths: ${JSON.stringify(features)}, format: ['progress', ${JSON.stringify(`message:${run.messages}`)}] } };\n`,
  );
  const env: NodeJS.ProcessEnv = { ...process.env, ROAMSIM_LOG_DIR: run.logDir, ROAMSIM_REPORTS_DIR: run.reportsDir, ROAMSIM_ENV: 'test-run', ROAMSIM_AUDIT_USER: 'telemetry-run-test' };
  for (const name of ['ROAMSIM_METRICS_PORT', 'LOKI_URL', 'CUCUMBER_WORKER_ID', 'CUCUMBER_PARALLEL']) delete env[name];
  return runNode([cucumberBin, '--config', relative(root, config)], env);
}

function runNode(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<ChildRun> {
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('close', (code) => done({ code, stdout, stderr }));
  });
}

function describeRun(run: ChildRun): string {
  return `exit ${run.code}\n--- stdout\n${run.stdout.slice(-4000)}\n--- stderr\n${run.stderr.slice(-4000)}`;
}

/** An audit file dated `daysBack` days before today, written by the real trail (so it verifies). */
function seedAuditFile(auditDir: string, daysBack: number): string {
  const at = runStart - daysBack * DAY_MS;
  const trail = new AuditTrail({ dir: auditDir, now: () => at, mode: 'intercept', environment: 'test-run', pseudonymizer: new Pseudonymizer('seed-file'), env: { ROAMSIM_AUDIT_USER: 'seeder' } });
  trail.record({ type: 'registration', scenario: `seeded ${daysBack} days back`, at, subscriber: { imsi: '234159900000001' }, homePlmn: HOME, visitedPlmn: '262-01', rat: 'LTE', outcome: 'accepted' });
  return auditFileName(at);
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'roamsim-telemetry-run-'));
  runStart = Date.now();
  seq = dirs('seq');
  const auditDir = join(seq.logDir, 'audit');
  seedAuditFile(auditDir, 31);
  seedAuditFile(auditDir, 29);
  const okFeature = join(work, 'ok.feature');
  const refusalsFeature = join(work, 'refusals.feature');
  writeFileSync(okFeature, OK_FEATURE);
  writeFileSync(refusalsFeature, REFUSALS_FEATURE);
  seqRun = await runCucumber(seq, [okFeature, refusalsFeature]);
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

// --- Cucumber messages ------------------------------------------------------------------------------------

interface Envelope {
  pickle?: { id: string; uri: string; name: string; steps: Array<{ text: string }> };
  testCase?: { id: string; pickleId: string };
  testCaseStarted?: { id: string; testCaseId: string };
  testStepFinished?: { testCaseStartedId: string; testStepResult: { status: string; message?: string } };
  attachment?: { testCaseStartedId?: string; mediaType: string; fileName?: string; body: string };
}

interface ScenarioReport {
  uri: string;
  name: string;
  steps: string[];
  statuses: string[];
  messages: string[];
  attachments: Array<{ mediaType: string; fileName?: string; body: string }>;
}

function scenarioReports(file: string): Map<string, ScenarioReport> {
  const envelopes = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Envelope);
  const pickles = new Map<string, ScenarioReport>();
  const testCases = new Map<string, string>();
  const started = new Map<string, ScenarioReport>();
  for (const envelope of envelopes) {
    if (envelope.pickle) {
      const { id, uri, name, steps } = envelope.pickle;
      pickles.set(id, { uri, name, steps: steps.map((step) => step.text), statuses: [], messages: [], attachments: [] });
    }
    if (envelope.testCase) testCases.set(envelope.testCase.id, envelope.testCase.pickleId);
    if (envelope.testCaseStarted) {
      const report = pickles.get(testCases.get(envelope.testCaseStarted.testCaseId) ?? '');
      if (report) started.set(envelope.testCaseStarted.id, report);
    }
    if (envelope.testStepFinished) {
      const report = started.get(envelope.testStepFinished.testCaseStartedId);
      report?.statuses.push(envelope.testStepFinished.testStepResult.status);
      if (envelope.testStepFinished.testStepResult.message) report?.messages.push(envelope.testStepFinished.testStepResult.message);
    }
    if (envelope.attachment?.testCaseStartedId) started.get(envelope.attachment.testCaseStartedId)?.attachments.push(envelope.attachment);
  }
  return new Map([...pickles.values()].map((report) => [report.name, report]));
}

function report(reports: Map<string, ScenarioReport>, name: string): ScenarioReport {
  const found = reports.get(name);
  assert.ok(found, `no scenario ${JSON.stringify(name)} in the run (have: ${[...reports.keys()].join(', ')})`);
  return found;
}

/** The telemetry hook's attachments, by file name (other sinks attach JSON too). */
function attachmentOf(scenario: ScenarioReport, fileName: 'metrics-delta.json' | 'audit.ndjson'): string | undefined {
  const found = scenario.attachments.find((attachment) => attachment.fileName === fileName);
  if (found) assert.equal(found.mediaType, fileName === 'audit.ndjson' ? 'application/x-ndjson' : 'application/json');
  return found?.body;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
}

function findBinary(name: string, envVar: string): string | undefined {
  const candidates = [process.env[envVar], `/usr/bin/${name}`, ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, name))];
  return candidates.find((path): path is string => !!path && existsSync(path));
}

const promtool = findBinary('promtool', 'PROMTOOL_BIN');

function promtoolCheck(text: string): { status: number | null; output: string } {
  const result = spawnSync(promtool as string, ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function sampleValue(text: string, series: RegExp): number {
  const line = text.split('\n').find((candidate) => series.test(candidate));
  assert.ok(line, `no sample matching ${series} in\n${text}`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

// --- the sequential run ---------------------------------------------------------------------------------

test('the run passes what should pass and fails exactly the refused step uses', () => {
  assert.equal(seqRun.code, 1, `the refusal scenarios must fail the run: ${describeRun(seqRun)}`);
  const reports = scenarioReports(seq.messages);
  for (const name of ['Accepted in Germany, then detached', 'Refused over GSM without an agreement']) {
    assert.ok(report(reports, name).statuses.every((status) => status === 'PASSED'), `${name}: ${report(reports, name).statuses.join(', ')} ${report(reports, name).messages.join('\n')}`);
  }
  const failures = [...reports.values()].filter((scenario) => scenario.statuses.includes('FAILED')).map((scenario) => scenario.name);
  assert.deepEqual(failures.sort(), ['A wrong count names the series that moved', 'An unknown metric is refused', 'Malformed labels are refused']);
});

test('a wrong count, malformed labels and an unknown metric fail with messages naming the value', () => {
  const reports = scenarioReports(seq.messages);
  const wrong = report(reports, 'A wrong count names the series that moved').messages.join('\n');
  assert.match(wrong, /expected roamsim_registrations_total\{outcome="accepted"\} to increase by 2 in this scenario, but it changed by \+1/);
  assert.match(wrong, /roamsim_registrations_total\{outcome="accepted",rat="UMTS",visited_plmn="262-01"\} \+1/);
  const malformed = report(reports, 'Malformed labels are refused').messages.join('\n');
  assert.match(malformed, /"outcome accepted" is not valid: expected comma-separated name=value pairs/);
  const unknown = report(reports, 'An unknown metric is refused').messages.join('\n');
  assert.match(unknown, /"registrations_total" is not valid: expected one of the roamsim metrics: /);
  for (const name of ['roamsim_procedures_total', 'roamsim_registrations_total', 'roamsim_registered_subscribers', 'roamsim_dead_letters_total']) {
    assert.ok(unknown.includes(name), `the refusal should list ${name}: ${unknown}`);
  }
  assert.match(unknown, /did you mean roamsim_registrations_total\?/);
});

test('metrics.prom holds the run totals and promtool finds nothing to report on any roamsim_ metric', { skip: promtool ? false : 'promtool not found (set PROMTOOL_BIN or install the prometheus package)' }, () => {
  const file = join(seq.reportsDir, 'metrics.prom');
  assert.ok(existsSync(file), `no ${file}: ${describeRun(seqRun)}`);
  const text = readFileSync(file, 'utf8');
  // Accepted: the LTE scenario and the UMTS one of the refusals feature; rejected: the GSM refusal.
  assert.equal(sampleValue(text, /^roamsim_registrations_total\{rat="LTE",visited_plmn="262-01",outcome="accepted"\} /), 1);
  assert.equal(sampleValue(text, /^roamsim_registrations_total\{rat="UMTS",visited_plmn="262-01",outcome="accepted"\} /), 1);
  assert.equal(sampleValue(text, /^roamsim_registrations_total\{rat="GSM",visited_plmn="262-01",outcome="rejected"\} /), 1);
  assert.equal(sampleValue(text, /^roamsim_registered_subscribers /), 1, 'the UMTS subscriber is still registered at the end');
  const check = promtoolCheck(text);
  assert.equal(check.status, 0, `promtool exit ${check.status}: ${check.output}`);
  assert.equal(check.output.split('\n').filter((line) => line.includes('roamsim_')).join('\n'), '');
});

test('each scenario carries its metric delta (non-zero series only) and its own audit lines', () => {
  const reports = scenarioReports(seq.messages);
  const accepted = report(reports, 'Accepted in Germany, then detached');
  const delta = JSON.parse(attachmentOf(accepted, 'metrics-delta.json') ?? 'null') as Record<string, number>;
  assert.ok(delta, 'no application/json attachment');
  assert.equal(delta['roamsim_registrations_total{outcome="accepted",rat="LTE",visited_plmn="262-01"}'], 1);
  assert.equal(delta['roamsim_procedures_total{home_plmn="234-15",procedure="Update-Location",rat="LTE",result="ok",visited_plmn="262-01"}'], 1);
  assert.equal(delta['roamsim_procedures_total{home_plmn="234-15",procedure="Purge-UE",rat="LTE",result="ok",visited_plmn="262-01"}'], 1);
  assert.ok(!('roamsim_registered_subscribers' in delta), 'attach then detach leaves the gauge where it was: no entry');
  assert.ok(Object.values(delta).every((value) => value !== 0));
  assert.ok(Object.keys(delta).every((key) => !key.includes('outcome="rejected"') && !key.includes('rat="GSM"')), 'only this scenario moved its delta');

  const auditFile = join(seq.logDir, 'audit', auditFileName(runStart));
  const fileLines = readFileSync(auditFile, 'utf8').split('\n');
  const acceptedLines = (attachmentOf(accepted, 'audit.ndjson') ?? '').split('\n').filter(Boolean);
  assert.deepEqual(acceptedLines.map((line) => (JSON.parse(line) as { event: string; outcome: string }).event), ['registration', 'detach']);
  const refused = report(reports, 'Refused over GSM without an agreement');
  const refusedLines = (attachmentOf(refused, 'audit.ndjson') ?? '').split('\n').filter(Boolean);
  assert.equal(refusedLines.length, 1);
  assert.deepEqual(
    (({ outcome, error, rat, visited_plmn, scenario, mode, environment, who }) => ({ outcome, error, rat, visited_plmn, scenario, mode, environment, who }))(JSON.parse(refusedLines[0]) as Record<string, unknown>),
    { outcome: 'rejected', error: 'roamingNotAllowed', rat: 'GSM', visited_plmn: '262-01', scenario: refused.name, mode: process.env.ROAMSIM_MODE ?? 'intercept', environment: 'test-run', who: 'telemetry-run-test' },
  );
  for (const line of [...acceptedLines, ...refusedLines]) assert.ok(fileLines.includes(line), `attached audit line not in ${auditFile}: ${line}`);
});

test('no Ki, OPc, raw IMSI or raw MSISDN of the run appears under the log directory', () => {
  const config = loadConfig({ announce: () => undefined });
  const pseudonymizer = runPseudonymizer(config);
  const network = config.networks.find((candidate) => candidate.plmn === HOME);
  const files = [...filesUnder(seq.logDir), join(seq.reportsDir, 'metrics.prom')];
  const contents = files.map((file) => ({ file, text: readFileSync(file, 'utf8') }));
  const logText = readFileSync(join(seq.logDir, 'roamsim.log'), 'utf8');
  const attachments = [...scenarioReports(seq.messages).values()].flatMap((scenario) =>
    scenario.attachments.filter((attachment) => attachment.fileName === 'metrics-delta.json' || attachment.fileName === 'audit.ndjson').map((attachment) => attachment.body),
  );

  let subscribers = 0;
  for (const scenario of scenarioReports(seq.messages).values()) {
    if (!scenario.steps.some((step) => step.startsWith('a "postpaid" subscriber from home network'))) continue;
    subscribers++;
    // As support/hooks.ts and RoamingWorld.addSubscriber derive the scenario's subscriber.
    const seed = (config.seed ^ hash32(`${scenario.uri}|${scenario.name}`)) >>> 0;
    const generator = new SubscriberGenerator(parsePlmn(HOME), network, seed, config.secrets.kiSecret, config.secrets.op);
    const identity = generator.identity(hash32(scenario.name) % generator.capacity);
    const { ki, opc } = generator.keys(identity.imsi);
    // The derivation is right when the pseudonym of that IMSI is what the log records.
    const pseudonym = subscriberId(pseudonymizer, identity.imsi, HOME);
    assert.ok(logText.includes(`"subscriber_id":"${pseudonym}"`), `${scenario.name}: pseudonym ${pseudonym} of the derived subscriber is not in the log`);
    assert.ok(logText.includes(`"msisdn_id":"${pseudonymizer.msisdn(identity.msisdn)}"`), `${scenario.name}: MSISDN pseudonym not in the log`);
    const secrets = {
      IMSI: identity.imsi,
      MSISDN: identity.msisdn,
      Ki: ki.toString('hex'),
      'Ki (upper)': ki.toString('hex').toUpperCase(),
      'Ki (base64)': ki.toString('base64'),
      OPc: opc.toString('hex'),
      'OPc (upper)': opc.toString('hex').toUpperCase(),
      'OPc (base64)': opc.toString('base64'),
    };
    for (const [what, value] of Object.entries(secrets)) {
      for (const { file, text } of contents) assert.ok(!text.includes(value), `${what} of "${scenario.name}" (${value}) appears in ${file}`);
      for (const body of attachments) assert.ok(!body.includes(value), `${what} of "${scenario.name}" appears in an attachment`);
    }
  }
  assert.equal(subscribers, 3);
});

test('log lines are JSON with the documented fields and the run environment', () => {
  const records = readFileSync(join(seq.logDir, 'roamsim.log'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.ok(records.every((record) => record.app === 'roamsim' && record.env === 'test-run'));
  const updateLocation = records.find((record) => record.component === 'signalling' && record.event_type === 'UpdateLocation' && record.result === 'roamingNotAllowed');
  assert.ok(updateLocation, 'no refused UpdateLocation line');
  for (const field of ['timestamp', 'subscriber_id', 'home_mcc_mnc', 'visited_mcc_mnc', 'latency_ms', 'failure_reason', 'protocol', 'rat', 'scenario']) {
    assert.ok(field in updateLocation, `signalling line without ${field}: ${JSON.stringify(updateLocation)}`);
  }
  const scenarioEnds = records.filter((record) => record.component === 'scenario');
  assert.equal(scenarioEnds.length, 5);
  assert.deepEqual(scenarioEnds.filter((record) => record.result === 'failed').length, 3);
  assert.ok(records.some((record) => record.component === 'audit' && String(record.msg).startsWith('audit retention: deleted')));
});

test('audit retention: the file 31 days old is gone, the one 29 days old stays; verify passes, then names a changed line', async () => {
  const auditDir = join(seq.logDir, 'audit');
  const names = readdirSync(auditDir);
  assert.ok(!names.includes(auditFileName(runStart - 31 * DAY_MS)), `31 days old, still there: ${names.join(', ')}`);
  assert.ok(names.includes(auditFileName(runStart - 29 * DAY_MS)), `29 days old, deleted: ${names.join(', ')}`);
  const today = readFileSync(join(auditDir, auditFileName(runStart)), 'utf8');
  assert.match(today, new RegExp(`"event":"retention-delete","who":"telemetry-run-test".*"file":"${auditFileName(runStart - 31 * DAY_MS).replace(/\./g, '\\.')}","age_days":3[12],"retention_days":30`));

  const tampered = join(work, 'audit-tampered');
  cpSync(auditDir, tampered, { recursive: true });
  const file = join(tampered, auditFileName(runStart));
  const lines = readFileSync(file, 'utf8').split('\n');
  const index = lines.findIndex((line) => line.includes('"outcome":"rejected"'));
  assert.ok(index > 0);
  lines[index] = lines[index].replace('"outcome":"rejected"', '"outcome":"rejecteD"');
  writeFileSync(file, lines.join('\n'));

  const verify = (dir: string) => runNode([join(root, 'bin', 'roamsim.js'), 'audit', 'verify', '--dir', dir]);
  const [intact, broken] = await Promise.all([verify(auditDir), verify(tampered)]);
  assert.equal(intact.code, 0, describeRun(intact));
  assert.match(intact.stdout, /audit ok: 2 files, \d+ lines/);
  assert.equal(broken.code, 1, describeRun(broken));
  assert.ok(broken.stderr.includes(`audit broken: ${file} line ${index + 1}: line does not match its mac`), broken.stderr);
});

// --- merging the snapshots of --parallel workers -----------------------------------------------------------

function registrationSnapshot(outcomes: Array<'accepted' | 'rejected'>): Promise<string> {
  const metrics = new RoamsimMetrics();
  outcomes.forEach((outcome, i) => {
    metrics.journey({ type: 'registration', at: 0, subscriber: { imsi: `2341599000000${10 + i}` }, homePlmn: HOME, visitedPlmn: '262-01', rat: 'LTE', outcome });
  });
  return metrics.snapshot();
}

test('merge-metrics merges metrics-<worker>.prom into metrics.prom, removes them, and leaves a newer metrics.prom alone', async () => {
  const dir = join(work, 'merge');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'metrics-0.prom'), await registrationSnapshot(['accepted', 'rejected']));
  writeFileSync(join(dir, 'metrics-1.prom'), await registrationSnapshot(['accepted']));
  const merge = () => spawnSync(process.execPath, [join(root, 'scripts', 'merge-metrics.js'), '--dir', dir], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  const first = merge();
  assert.equal(first.status, 0, `${first.stdout}${first.stderr}`);
  assert.match(first.stdout, /2 worker snapshots merged into /);
  assert.deepEqual(readdirSync(dir), ['metrics.prom']);
  const text = readFileSync(join(dir, 'metrics.prom'), 'utf8');
  assert.equal(sampleValue(text, /^roamsim_registrations_total\{rat="LTE",visited_plmn="262-01",outcome="accepted"\} /), 2);
  assert.equal(sampleValue(text, /^roamsim_registrations_total\{rat="LTE",visited_plmn="262-01",outcome="rejected"\} /), 1);
  assert.equal(sampleValue(text, /^roamsim_registered_subscribers /), 2);
  if (promtool) {
    const check = promtoolCheck(text);
    assert.equal(check.status, 0, `promtool exit ${check.status}: ${check.output}`);
  }

  // A run without --parallel wrote metrics.prom after an unmerged worker file: the stale file is not merged.
  writeFileSync(join(dir, 'metrics-0.prom'), await registrationSnapshot(['rejected']));
  const later = new Date(Date.now() + 60_000);
  utimesSync(join(dir, 'metrics.prom'), later, later);
  const second = merge();
  assert.equal(second.status, 0, `${second.stdout}${second.stderr}`);
  assert.match(second.stderr, /ignoring .*metrics-0\.prom: older than .*metrics\.prom/);
  assert.equal(readFileSync(join(dir, 'metrics.prom'), 'utf8'), text);
});

test('mergeTexts sums counters, gauges and histogram series across snapshots and keeps the format valid', async () => {
  const event = (procedure: 'Update-Location' | 'UpdateLocation', latencyMs: number, id: number) => ({
    id,
    protocol: 'S6a' as const,
    procedure,
    from: { kind: 'MME' as const, plmn: '262-01' },
    to: { kind: 'HSS' as const, plmn: HOME },
    rat: 'LTE' as const,
    subscriber: { imsi: '234159900000001' },
    homePlmn: HOME,
    visitedPlmn: '262-01',
    request: {},
    outcome: { status: 'ok' as const, response: {} },
    attempt: 1,
    startedAt: 0,
    endedAt: latencyMs,
    startTick: 1,
    endTick: 2,
    latencyMs,
  });
  const a = new RoamsimMetrics();
  const b = new RoamsimMetrics();
  a.signalling(event('Update-Location', 30, 1));
  b.signalling(event('Update-Location', 70, 2));
  b.signalling(event('UpdateLocation', 10, 3));
  a.billingTrigger('data');
  b.billingTrigger('data');
  b.billingTrigger('sms');
  for (const metrics of [a, b]) {
    metrics.journey({ type: 'registration', at: 0, subscriber: { imsi: `23415990000000${metrics === a ? 1 : 2}` }, homePlmn: HOME, visitedPlmn: '262-01', rat: 'LTE', outcome: 'accepted' });
  }
  const merged = mergeTexts([
    { text: await a.snapshot(), file: 'a.prom' },
    { text: await b.snapshot(), file: 'b.prom' },
  ]);
  assert.equal(sampleValue(merged, /^roamsim_procedures_total\{procedure="Update-Location",.*\} /), 2);
  assert.equal(sampleValue(merged, /^roamsim_procedures_total\{procedure="UpdateLocation",.*\} /), 1);
  assert.equal(sampleValue(merged, /^roamsim_billing_triggers_total\{type="data"\} /), 2);
  assert.equal(sampleValue(merged, /^roamsim_billing_triggers_total\{type="sms"\} /), 1);
  assert.equal(sampleValue(merged, /^roamsim_registered_subscribers /), 2);
  assert.equal(sampleValue(merged, /^roamsim_procedure_duration_seconds_count\{procedure="Update-Location",rat="LTE"\} /), 2);
  assert.equal(sampleValue(merged, /^roamsim_procedure_duration_seconds_sum\{procedure="Update-Location",rat="LTE"\} /), 0.1);
  assert.equal(sampleValue(merged, /^roamsim_procedure_duration_seconds_bucket\{le="0.05",procedure="Update-Location",rat="LTE"\} /), 1);
  assert.equal(sampleValue(merged, /^roamsim_procedure_duration_seconds_bucket\{le="\+Inf",procedure="Update-Location",rat="LTE"\} /), 2);
  assert.equal(merged.match(/^# TYPE roamsim_procedures_total counter$/gm)?.length, 1);
  assert.throws(() => mergeTexts([{ text: '# TYPE x counter\nx{a="1" 3\n', file: 'bad.prom' }]), /bad\.prom:2: no closing brace/);
  if (promtool) {
    const check = promtoolCheck(merged);
    assert.equal(check.status, 0, `promtool exit ${check.status}: ${check.output}`);
  }
});

// --- configuration --------------------------------------------------------------------------------------

test('audit.retention_days is read from the config (30 by default) and a bad value names its path', () => {
  assert.equal(loadConfig({ announce: () => undefined }).audit.retentionDays, 30);
  const dir = join(work, 'config');
  mkdirSync(dir, { recursive: true });
  const base = readFileSync(join(root, 'config', 'roaming.yaml'), 'utf8').replace(/\naudit:\n(?: .*\n)*/, '\n');
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  assert.equal(loadConfig({ file: write('none.yaml', base), announce: () => undefined }).audit.retentionDays, 30);
  assert.equal(loadConfig({ file: write('seven.yaml', `${base}\naudit:\n  retention_days: 7\n`), announce: () => undefined }).audit.retentionDays, 7);
  assert.throws(
    () => loadConfig({ file: write('bad.yaml', `${base}\naudit:\n  retention_days: a month\n`), announce: () => undefined }),
    (error: unknown) => error instanceof ConfigError && error.path === 'audit.retention_days' && /"a month" is not valid: expected an integer from 0 to 3650/.test(error.message),
  );
  assert.throws(
    () => loadConfig({ file: write('scalar.yaml', `${base}\naudit: 30\n`), announce: () => undefined }),
    (error: unknown) => error instanceof ConfigError && error.path === 'audit' && /expected a mapping/.test(error.message),
  );
});
