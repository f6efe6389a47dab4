import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createMachine } from 'xstate';
import { MockNetwork } from '../../mocks/network';
import { loadConfig } from '../../src/config/load';
import { SimulatedClock } from '../../src/roaming/clock';
import { RoamingEngine } from '../../src/roaming/engine';
import { EventBus } from '../../src/roaming/events';
import { roamingMachine } from '../../src/roaming/machine';
import {
  type TransitionKey,
  StateCoverageRecorder,
  computeCoverage,
  describeMachine,
  mergeSnapshots,
  renderHtml,
  renderMermaid,
  summaryLine,
  transitionKey,
  writeCoverageReports,
} from '../../src/roaming/state-coverage';

const config = loadConfig({ announce: () => undefined });

/** Drives the real engine over the mocks and returns the transitions its inspector reported. */
async function drive(steps: (engine: RoamingEngine, imsi: string) => Promise<void>): Promise<TransitionKey[]> {
  const taken: TransitionKey[] = [];
  const bus = new EventBus();
  const clock = new SimulatedClock(Date.UTC(2026, 10, 26, 12));
  const network = new MockNetwork({ config, seed: 7, clock, bus, scenario: 'state coverage' });
  bus.onTransition(({ from, event, to }) => taken.push({ from, event, to }));
  const engine = new RoamingEngine({ link: network.link, store: network.store, bus, clock });
  const identity = network.generator('234-15').identity(3);
  network.store.add(identity);
  await steps(engine, identity.imsi);
  engine.stop();
  return taken;
}

test('describeMachine lists every state and every transition of the roaming machine, invoke outcomes included', () => {
  const model = describeMachine(roamingMachine);
  assert.equal(model.machine, 'roaming');
  assert.equal(model.initial, 'roaming.idle');
  assert.deepEqual(model.states.map((s) => s.id).sort(), [
    'roaming.attaching',
    'roaming.attaching.authenticating',
    'roaming.attaching.updatingLocation',
    'roaming.deadLettered',
    'roaming.detached',
    'roaming.detaching',
    'roaming.idle',
    'roaming.moving',
    'roaming.moving.authenticating',
    'roaming.moving.updatingLocation',
    'roaming.registered',
    'roaming.rejected',
  ]);
  assert.equal(model.states.find((s) => s.id === 'roaming.attaching')?.initial, 'roaming.attaching.authenticating');
  assert.equal(model.states.find((s) => s.id === 'roaming.moving.authenticating')?.parent, 'roaming.moving');
  // idle 1, each registration step STEP_OK/REJECTED/DEAD_LETTERED/CRASHED (x4), registered 3, detaching 4, detached 1, rejected 3, deadLettered 3
  assert.equal(model.transitions.length, 31);
  const keys = new Set(model.transitions.map(transitionKey));
  assert.ok(keys.has(transitionKey({ from: 'roaming.idle', event: 'ATTACH', to: 'roaming.attaching' })));
  const outcomes = model.transitions.filter((t) => t.from === 'roaming.attaching.authenticating');
  assert.deepEqual(outcomes.map((t) => `${t.event}→${t.to}`).sort(), [
    'STEP_CRASHED→roaming.rejected',
    'STEP_DEAD_LETTERED→roaming.deadLettered',
    'STEP_OK→roaming.attaching.updatingLocation',
    'STEP_REJECTED→roaming.rejected',
  ]);
  assert.ok(outcomes.every((t) => t.kind === 'event' && t.guards.length === 0));
  assert.equal(model.transitions.filter((t) => t.event === 'STEP_CRASHED').length, 5);
  assert.deepEqual(model.transitions.find((t) => t.from === 'roaming.rejected' && t.event === 'DETACH')?.guards, ['hasServing']);
});

test('the transitions the engine reports are the ones the model lists (same ids, same event types)', async () => {
  const model = describeMachine();
  const keys = new Set(model.transitions.map(transitionKey));
  const taken = await drive(async (engine, imsi) => {
    assert.equal((await engine.attach(imsi, '262-01', 'LTE')).outcome, 'accepted');
    assert.equal((await engine.move(imsi, '208-01', 'LTE')).outcome, 'accepted');
    await engine.detach(imsi);
  });
  assert.ok(taken.length >= 8, `expected a full journey, got ${taken.length} transitions`);
  for (const t of taken) assert.ok(keys.has(transitionKey(t)), `the model does not list ${t.from} --${t.event}--> ${t.to}`);
  assert.deepEqual(taken[0], { from: 'roaming.idle', event: 'ATTACH', to: 'roaming.attaching' });
  assert.ok(taken.some((t) => t.from === 'roaming.detaching' && t.event === 'STEP_OK' && t.to === 'roaming.detached'));
});

test('coverage counts exercised transitions, reached states and unknown transitions', async () => {
  const model = describeMachine();
  const recorder = new StateCoverageRecorder();
  recorder.record(await drive(async (engine, imsi) => void (await engine.attach(imsi, '262-01', 'GSM'))), 'attach in Germany');
  recorder.record([{ from: 'roaming.idle', event: 'ATTACH', to: 'roaming.attaching' }], 'attach again');
  recorder.record([{ from: 'roaming.nowhere', event: 'JUMP', to: 'roaming.idle' }], 'drifted');
  const report = computeCoverage(model, recorder.snapshot(), new Date(Date.UTC(2026, 10, 26)));
  assert.equal(report.scenarios, 3);
  assert.equal(report.summary.transitions.total, 31);
  assert.equal(report.summary.transitions.covered, 3);
  const attach = report.transitions.find((t) => t.from === 'roaming.idle');
  assert.equal(attach?.count, 2);
  assert.deepEqual(attach?.scenarios, ['attach in Germany', 'attach again']);
  const visited = report.states.filter((s) => s.visited).map((s) => s.id).sort();
  assert.deepEqual(visited, ['roaming.attaching', 'roaming.attaching.authenticating', 'roaming.attaching.updatingLocation', 'roaming.idle', 'roaming.registered']);
  assert.deepEqual(report.unknown.map((t) => t.event), ['JUMP']);
  assert.equal(summaryLine(report), 'state coverage: 3/31 transitions (9.7%), 5/12 states, 1 taken but not in the machine');
});

test('per-worker snapshots merge by summing counts', () => {
  const a = new StateCoverageRecorder();
  const b = new StateCoverageRecorder();
  const attach = { from: 'roaming.idle', event: 'ATTACH', to: 'roaming.attaching' };
  a.record([attach], 'one');
  b.record([attach, attach], 'two');
  b.record([{ from: 'roaming.registered', event: 'DETACH', to: 'roaming.detaching' }], 'three');
  const merged = mergeSnapshots([a.snapshot(), JSON.parse(JSON.stringify(b.snapshot()))]);
  assert.equal(merged.scenarios, 3);
  assert.equal(merged.transitions.find((t) => t.event === 'ATTACH')?.count, 3);
  assert.deepEqual(merged.transitions.find((t) => t.event === 'ATTACH')?.scenarios, ['one', 'two']);
  const report = computeCoverage(describeMachine(), merged);
  assert.equal(report.summary.transitions.covered, 2);
});

test('Mermaid text and HTML mark what no scenario exercised; the files are written', () => {
  const recorder = new StateCoverageRecorder();
  recorder.record([{ from: 'roaming.idle', event: 'ATTACH', to: 'roaming.attaching' }], 'only attach');
  const report = computeCoverage(describeMachine(), recorder.snapshot());
  const mermaid = renderMermaid(report);
  assert.match(mermaid, /^stateDiagram-v2\n/);
  assert.match(mermaid, /\[\*\] --> idle\n/);
  assert.match(mermaid, /state "attaching" as attaching \{\n\s+\[\*\] --> attaching_authenticating/);
  assert.match(mermaid, /idle --> attaching : ATTACH \(1x\)/);
  assert.match(mermaid, /attaching_authenticating --> rejected : STEP_REJECTED \(not exercised\)/);
  assert.match(mermaid, /class [^\n]*detaching[^\n]* unexercised/);
  const html = renderHtml(report);
  assert.match(html, /<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(html, /<b>1\/31<\/b> transitions exercised/);
  assert.equal((html.match(/<b>not exercised<\/b>/g) ?? []).length, 30);
  const dir = mkdtempSync(path.join(tmpdir(), 'roamsim-state-coverage-'));
  const files = writeCoverageReports(dir, report);
  const json = JSON.parse(readFileSync(files.json, 'utf8'));
  assert.equal(json.summary.transitions.covered, 1);
  assert.equal(json.mermaid, mermaid);
  assert.equal(readFileSync(files.html, 'utf8'), html);
});

test('describeMachine works on any machine: nested targets, guards, eventless and targetless transitions', () => {
  const machine = createMachine({
    id: 'door',
    initial: 'closed',
    states: {
      closed: { on: { OPEN: { target: 'open', guard: 'unlocked' }, KNOCK: { actions: [] } } },
      open: { initial: 'swinging', states: { swinging: { always: { target: '#door.closed' } } } },
    },
  });
  const model = describeMachine(machine);
  assert.deepEqual(
    model.transitions.map((t) => [t.from, t.event, t.to, t.kind, t.guards.join()]),
    [
      ['door.closed', 'OPEN', 'door.open', 'event', 'unlocked'],
      ['door.open.swinging', 'xstate.always', 'door.closed', 'always', ''],
    ],
  );
  assert.deepEqual(model.states.map((s) => [s.id, s.type]), [
    ['door.closed', 'atomic'],
    ['door.open', 'compound'],
    ['door.open.swinging', 'atomic'],
  ]);
});
