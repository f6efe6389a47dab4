import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { MockNetwork } from '../../mocks/network';
import { loadConfig } from '../../src/config/load';
import type { Rat } from '../../src/protocol/rat';
import { SimulatedClock } from '../../src/roaming/clock';
import { RoamingEngine } from '../../src/roaming/engine';
import { EventBus, type JourneyEvent, type SignallingEvent } from '../../src/roaming/events';
import { EVIDENCE_FILE_NAME, type ScenarioEvidence, scenarioEvidence } from '../../src/reports/living-doc/evidence';
import { billingTables, ladderSvg, metricsTable } from '../../src/reports/living-doc/evidence-views';
import { ladderAttachments, ladderFromMessage } from '../../src/reports/ladder-attachment';
import { generateLivingDoc } from '../../src/reports/living-doc/generate';
import { compareRuns, readSummary } from '../../src/reports/living-doc/history';
import { gaps, observe, ratMatrix } from '../../src/reports/living-doc/matrix';
import { buildRun } from '../../src/reports/living-doc/run';
import { checkFeatureTags, tagProblem } from '../../src/reports/living-doc/tags';

const ROOT = path.resolve(__dirname, '..', '..');
const config = loadConfig({ announce: () => undefined });
const PAIRS = config.agreements.map((a) => ({ home: a.home, visited: a.visited, rats: a.rats }));

/** Drives the real engine over the mocks; returns the scenario's evidence as the evidence hook builds it. */
async function journey(steps: (engine: RoamingEngine, imsi: string) => Promise<void>): Promise<ScenarioEvidence> {
  const bus = new EventBus();
  const signalling: SignallingEvent[] = [];
  const journeys: JourneyEvent[] = [];
  bus.onSignalling((e) => signalling.push(e));
  bus.onJourney((e) => journeys.push(e));
  const clock = new SimulatedClock(Date.UTC(2026, 11, 7, 12));
  const network = new MockNetwork({ config, seed: 11, clock, bus, scenario: 'living doc' });
  const engine = new RoamingEngine({ link: network.link, store: network.store, bus, clock });
  const identity = network.generator('234-15').identity(5);
  network.store.add(identity);
  await steps(engine, identity.imsi);
  engine.stop();
  return scenarioEvidence(signalling, journeys);
}

interface FakeScenario {
  readonly uri: string;
  readonly name: string;
  readonly status?: string;
  readonly evidence?: ScenarioEvidence;
  readonly attachments?: ReadonlyArray<{ mediaType: string; fileName: string; body: string; encoding?: 'IDENTITY' | 'BASE64' }>;
  readonly tags?: readonly string[];
}

/** The Cucumber messages of a run of these scenarios (only the envelopes the living document reads). */
function messages(scenarios: readonly FakeScenario[]): string {
  const out: unknown[] = [{ testRunStarted: { timestamp: { seconds: 1796600000, nanos: 0 } } }];
  const uris = [...new Set(scenarios.map((s) => s.uri))];
  for (const uri of uris) {
    out.push({ gherkinDocument: { uri, feature: { name: `Feature ${path.basename(uri, '.feature')}`, description: '  Some **bold** words.', tags: [], children: [] } } });
  }
  scenarios.forEach((s, i) => {
    out.push({ pickle: { id: `p${i}`, uri: s.uri, name: s.name, astNodeIds: [`a${i}`], tags: (s.tags ?? []).map((name) => ({ name })), steps: [{ id: `ps${i}`, text: 'the subscriber attaches', astNodeIds: [] }] } });
    out.push({ testCase: { id: `tc${i}`, pickleId: `p${i}`, testSteps: [{ id: `ts${i}`, pickleStepId: `ps${i}` }, { id: `th${i}`, hookId: 'h' }] } });
    out.push({ testCaseStarted: { id: `st${i}`, testCaseId: `tc${i}`, attempt: 0, timestamp: { seconds: 1796600000 + i, nanos: 0 } } });
    out.push({ testStepFinished: { testCaseStartedId: `st${i}`, testStepId: `ts${i}`, testStepResult: { status: s.status ?? 'PASSED' } } });
    out.push({ testStepFinished: { testCaseStartedId: `st${i}`, testStepId: `th${i}`, testStepResult: { status: 'PASSED' } } });
    const attachments = [...(s.attachments ?? []), ...(s.evidence ? [{ mediaType: 'application/json', fileName: EVIDENCE_FILE_NAME, body: JSON.stringify(s.evidence) }] : [])];
    for (const a of attachments) {
      out.push({ attachment: { body: a.body, contentEncoding: a.encoding ?? 'IDENTITY', mediaType: a.mediaType, fileName: a.fileName, testCaseStartedId: `st${i}`, testStepId: `th${i}` } });
    }
    out.push({ testCaseFinished: { testCaseStartedId: `st${i}`, timestamp: { seconds: 1796600000 + i, nanos: 5e8 }, willBeRetried: false } });
  });
  out.push({ testRunFinished: { timestamp: { seconds: 1796600100, nanos: 0 }, success: scenarios.every((s) => (s.status ?? 'PASSED') === 'PASSED') } });
  return `${out.map((e) => JSON.stringify(e)).join('\n')}\n`;
}

function generate(scenarios: readonly FakeScenario[], previousSummary?: string) {
  const reportsDir = mkdtempSync(path.join(tmpdir(), 'roamsim-livedoc-'));
  writeFileSync(path.join(reportsDir, 'messages.ndjson'), messages(scenarios));
  const result = generateLivingDoc({ reportsDir, root: ROOT, pairs: PAIRS, seed: '42', mode: 'direct', gitSha: 'abc123', ...(previousSummary ? { previousSummary } : {}) });
  return { ...result, reportsDir, text: readFileSync(result.html, 'utf8') };
}

const attachOver = (rat: Rat, plmn = '262-01') => (engine: RoamingEngine, imsi: string) => engine.attach(imsi, plmn, rat).then(() => undefined);

test('the evidence of a real journey is counted in its RAT column and only there', async () => {
  const evidence = await journey(attachOver('LTE'));
  assert.ok(evidence.procedures.some((p) => p.procedure === 'Update-Location' && p.ok));
  assert.equal(JSON.stringify(evidence).includes('imsi'), false, 'evidence carries no identity');
  const run = buildRun(messages([{ uri: 'features/a/x.feature', name: 'LTE attach', evidence }]).trim().split('\n').map((l) => JSON.parse(l)));
  const matrix = ratMatrix(run.scenarios.map((scenario) => ({ scenario, observations: [evidence].flatMap(observe) })));
  const row = matrix.cells['registration:accepted'];
  assert.deepEqual([row.GSM.scenarios.length, row.UMTS.scenarios.length, row.LTE.scenarios.length], [0, 0, 1]);
  // A MAP cause cannot happen over LTE: n/a, never a gap.
  assert.equal(matrix.cells['refusal:MAP:unknownSubscriber'].LTE.applicable, false);
  assert.ok(!gaps(matrix).some((g) => g.row.key === 'refusal:MAP:unknownSubscriber' && g.column.key === 'LTE'));
});

test('a refusal is counted under its protocol cause', async () => {
  // 440-10 has no agreement with 234-15: the HLR refuses with roamingNotAllowed / plmnRoamingNotAllowed.
  const evidence = await journey(attachOver('GSM', '440-10'));
  const rows = observe(evidence).map((o) => `${o.row.key} ${o.rat}`);
  assert.ok(rows.includes('refusal:MAP:roamingNotAllowed/plmnRoamingNotAllowed GSM'), rows.join(', '));
});

test('removing a feature makes the cells only it covered appear under "not covered"', async () => {
  const gsm = await journey(attachOver('GSM'));
  const lte = await journey(attachOver('LTE'));
  const all = [
    { uri: 'features/registration/gsm.feature', name: 'GSM attach', evidence: gsm },
    { uri: 'features/registration/lte.feature', name: 'LTE attach', evidence: lte },
  ];
  const cell = 'matrix-rat|registration:accepted|GSM';
  const before = generate(all);
  assert.ok(before.summary.covered.includes(cell));
  assert.ok(!before.text.includes(`data-cell="${cell}"`), 'covered: not in the not-covered list');
  const after = generate(all.filter((s) => s.uri !== 'features/registration/gsm.feature'));
  assert.ok(!after.summary.covered.includes(cell));
  assert.ok(after.text.includes(`data-cell="${cell}"`), 'the GSM cell is listed under not covered');
  assert.equal(after.summary.counts.gaps, before.summary.counts.gaps + (before.summary.covered.length - after.summary.covered.length));
  // The LTE cell stays covered either way.
  assert.ok(after.summary.covered.includes('matrix-rat|registration:accepted|LTE'));
});

test('the next run shows newly covered cells and newly failing scenarios', async () => {
  const lte = await journey(attachOver('LTE'));
  const gsm = await journey(attachOver('GSM'));
  const first = generate([{ uri: 'features/registration/lte.feature', name: 'LTE attach', evidence: lte }]);
  const second = generate(
    [
      { uri: 'features/registration/lte.feature', name: 'LTE attach', evidence: lte, status: 'FAILED' },
      { uri: 'features/registration/gsm.feature', name: 'GSM attach', evidence: gsm },
    ],
    first.summaryFile,
  );
  const changes = compareRuns(readSummary(first.summaryFile) as NonNullable<ReturnType<typeof readSummary>>, second.summary);
  assert.ok(changes.newlyCovered.includes('matrix-rat|registration:accepted|GSM'));
  assert.deepEqual(changes.newlyFailing, ['features/registration/lte.feature :: LTE attach']);
  assert.match(second.text, /<ul id="newly-failing"><li><a href="#s-p0">features\/registration\/lte.feature :: LTE attach<\/a>/);
  assert.match(second.text, /Newly covered cells \(\d+\)/);
  assert.ok(!first.text.includes('id="newly-covered"'));
});

test('a skipped scenario (a wire-only journey outside wire mode) is counted as skipped, never as passed', async () => {
  const lte = await journey(attachOver('LTE'));
  const gsm = await journey(attachOver('GSM'));
  const doc = generate([
    { uri: 'features/registration/lte.feature', name: 'LTE attach', evidence: lte },
    { uri: 'features/registration/gsm.feature', name: 'GSM over the wire only', evidence: gsm, status: 'SKIPPED' },
  ]);
  assert.deepEqual([doc.summary.counts.passed, doc.summary.counts.failed, doc.summary.counts.skipped], [1, 0, 1]);
  assert.match(doc.text, /2: 1 passed, 0 failed, 1 skipped/);
  assert.match(doc.text, /data-status="skipped"[^>]*>\s*<h5><span class="badge skipped">skipped<\/span>GSM over the wire only/);
  assert.match(doc.text, /<option>skipped<\/option>/, 'the status filter offers skipped');
});

test('a summary that is not one names its file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'roamsim-livedoc-'));
  const file = path.join(dir, 'summary.json');
  writeFileSync(file, '{"hello":1}');
  assert.throws(() => readSummary(file), /summary\.json: not a living-document summary/);
});

test('the page is self-contained: theme narrative as HTML, inline ladder, billing and metric tables, capture file', async () => {
  const evidence = await journey(attachOver('LTE'));
  const ladder = '<!DOCTYPE html><html><body><h1>x</h1><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>Update-Location</text></svg><details><pre>sequenceDiagram</pre></details></body></html>';
  const billing = JSON.stringify({ verdicts: [{ verdict: 'match', type: 'data', expectedCharge: 'EUR 0.20', emittedCharge: 'EUR 0.20' }], triggers: [{ type: 'data', homeTadig: 'GBRVF', visitedTadig: 'DEUD1', service: 'data', quantity: 100, unit: 'MB', charge: 'EUR 0.20', wholesale: 'EUR 0.20', agreement: 'GBRVF-DEUD1' }] });
  const metrics = JSON.stringify({ 'roamsim_registrations_total{outcome="accepted",rat="LTE"}': 1, 'roamsim_x_bucket{le="0.1"}': 1 });
  const { text, reportsDir } = generate([
    {
      uri: 'features/billing/triggers.feature',
      name: 'Data is charged <per> MB',
      evidence,
      tags: ['@critical', '@ireg:IR.24-2.1.3', '@spec:TS29.272-5.2.1.1'],
      attachments: [
        { mediaType: 'text/html', fileName: 'ladder.html', body: ladder },
        { mediaType: 'application/json', fileName: 'billing-reconciliation.json', body: billing },
        { mediaType: 'application/json', fileName: 'metrics-delta.json', body: metrics },
        { mediaType: 'application/vnd.tcpdump.pcap', fileName: 'data.pcap', body: Buffer.from([0xd4, 0xc3, 0xb2, 0xa1]).toString('base64'), encoding: 'BASE64' },
      ],
    },
  ]);
  assert.ok(!/<(script|link|img)[^>]+(src|href)=["']https?:/i.test(text), 'no external script, style or image');
  assert.match(text, /<div class="narrative">[\s\S]*<table>[\s\S]*<th>Trigger<\/th>/, 'features/billing/readme.md rendered');
  assert.match(text, /<div class="ladder"><svg [^>]*><text>Update-Location<\/text><\/svg><\/div>/);
  assert.ok(!text.includes('sequenceDiagram'), 'the ladder, not its page source');
  assert.match(text, /<table class="billing triggers">[\s\S]*<td>GBRVF → DEUD1<\/td>/);
  assert.match(text, /<table class="metrics">[\s\S]*roamsim_registrations_total/);
  assert.ok(!text.includes('roamsim_x_bucket'));
  assert.match(text, /Data is charged &lt;per&gt; MB/, 'names are escaped');
  assert.match(text, /href="https:\/\/www.3gpp.org\/DynaReport\/29272.htm"/);
  assert.match(text, /<p>Some <strong>bold<\/strong> words.<\/p>/, 'feature description Markdown');
  const captures = readdirSync(path.join(reportsDir, 'living-doc', 'captures'));
  assert.equal(captures.length, 1);
  assert.match(text, new RegExp(`href="captures/${captures[0]}"`));
  assert.equal(readFileSync(path.join(reportsDir, 'living-doc', 'captures', captures[0])).toString('hex'), 'd4c3b2a1');
});

test('attachment views: a ladder page without a drawing, broken JSON', () => {
  assert.equal(ladderSvg('<p>No signalling was recorded.</p>'), undefined);
  assert.equal(ladderSvg('<svg onload="x()"></svg>'), undefined);
  assert.match(billingTables('{'), /not JSON/);
  assert.match(metricsTable('{}'), /no change/);
});

test('an @ireg value outside the documented scheme is a tag problem; the features in the repository have none', () => {
  assert.equal(tagProblem('@ireg:IR.24-2.1.3'), undefined);
  assert.match(tagProblem('@ireg:24-2.1.3') ?? '', /@ireg:24-2\.1\.3 does not follow the ireg scheme @ireg:IR\.<document>-<section>.*e\.g\. @ireg:IR\.24-2\.1\.3/);
  assert.match(tagProblem('@ireg:IR.24-2.1.x') ?? '', /does not follow the ireg scheme/);
  assert.match(tagProblem('@foo:bar') ?? '', /family @foo: is not in the tag taxonomy/);
  assert.match(tagProblem('@region:mars') ?? '', /region scheme/);
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(dir, e.name));
      else if (e.name.endsWith('.feature')) files.push(path.join(dir, e.name));
    }
  };
  walk(path.join(ROOT, 'features'));
  assert.deepEqual(checkFeatureTags(files), []);
});

test('the lint lane fails on a feature whose @ireg tag does not follow the scheme', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'roamsim-tags-'));
  mkdirSync(path.join(dir, 'theme'));
  const feature = path.join(dir, 'theme', 'bad.feature');
  writeFileSync(feature, 'Feature: bad tags\n\n  Tags like @ireg:whatever in prose are not tags.\n\n  @critical @ireg:IR24-2.1\n  Scenario: one\n    Given a step\n');
  const run = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'lint-steps.js'), '--tags-only', dir], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(run.status, 1, run.stdout + run.stderr);
  assert.match(run.stderr, /bad\.feature:5: tag @ireg:IR24-2\.1 does not follow the ireg scheme/);
  assert.doesNotMatch(run.stderr, /@ireg:whatever/);
  writeFileSync(feature, 'Feature: good tags\n\n  @critical @ireg:IR.24-2.1\n  Scenario: one\n    Given a step\n');
  const ok = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'lint-steps.js'), '--tags-only', dir], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
});

test('a ladder page goes to Allure as text/html and to Cucumber HTML as a link to the page beside the capture', () => {
  const reportsDir = mkdtempSync(path.join(tmpdir(), 'roamsim-ladder-'));
  const pcap = path.join(reportsDir, 'pcap', 'a-feature', 'a-scenario.pcap');
  const page = '<!DOCTYPE html><svg xmlns="http://www.w3.org/2000/svg"><text>UpdateLocation</text></svg>';
  const attachments = ladderAttachments(page, pcap, reportsDir);
  assert.deepEqual(
    attachments.map((a) => a.mediaType),
    ['application/vnd.allure.message+json', 'text/uri-list'],
  );
  assert.equal(ladderFromMessage(attachments[0].body), page);
  assert.equal(JSON.parse(attachments[0].body).data.contentType, 'text/html');
  assert.equal(attachments[1].body, 'pcap/a-feature/a-scenario.ladder.html');
  assert.equal(readFileSync(path.join(reportsDir, attachments[1].body), 'utf8'), page);
  // Without a capture file there is nothing to link; Allure still gets the page.
  assert.deepEqual(ladderAttachments(page, undefined, reportsDir).map((a) => a.mediaType), ['application/vnd.allure.message+json']);
  assert.equal(ladderFromMessage('{"type":"metadata","data":{}}'), undefined);
});
