import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { test } from 'node:test';
import { localError, mapError } from '../../src/protocol/codes';
import { EventBus, type JourneyEvent, type SignallingEvent } from '../../src/roaming/events';
import { deltaFor, parseSeriesKey, RoamsimMetrics, seriesKey } from '../../src/telemetry/metrics';

const T0 = Date.UTC(2025, 2, 31, 12, 0, 0);

function signalling(overrides: Partial<SignallingEvent> = {}): SignallingEvent {
  return {
    id: 1,
    protocol: 'MAP',
    procedure: 'UpdateLocation',
    from: { kind: 'VLR', plmn: '208-01' },
    to: { kind: 'HLR', plmn: '262-01' },
    rat: 'UMTS',
    subscriber: { imsi: '262011234567890', msisdn: '491701234567' },
    homePlmn: '262-01',
    visitedPlmn: '208-01',
    request: {},
    outcome: { status: 'ok', response: {} },
    attempt: 1,
    startedAt: T0,
    endedAt: T0 + 12,
    startTick: 1,
    endTick: 2,
    latencyMs: 12,
    ...overrides,
  };
}

function journey(type: JourneyEvent['type'], imsi: string, overrides: Partial<JourneyEvent> = {}): JourneyEvent {
  return { type, at: T0, subscriber: { imsi }, homePlmn: '262-01', visitedPlmn: '208-01', rat: 'UMTS', ...overrides };
}

function findBinary(name: string, envVar: string): string | undefined {
  const candidates = [process.env[envVar], `/usr/bin/${name}`, ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, name))];
  return candidates.find((path): path is string => !!path && existsSync(path));
}

test('signalling events count procedures by result, observe durations and count retries', async () => {
  const bus = new EventBus();
  const metrics = new RoamsimMetrics();
  metrics.attach(bus);
  for (let i = 0; i < 3; i++) bus.emitSignalling(signalling({ id: i + 1 }));
  bus.emitSignalling(
    signalling({
      id: 4,
      protocol: 'S6a',
      procedure: 'Update-Location',
      rat: 'LTE',
      attempt: 2,
      latencyMs: 2_000,
      outcome: { status: 'error', error: mapError('roamingNotAllowed', 'plmnRoamingNotAllowed') },
    }),
  );
  bus.emitSignalling(signalling({ id: 5, procedure: 'Attach', protocol: 'NAS', outcome: { status: 'error', error: localError('timeout') }, attempt: 3 }));
  assert.equal(bus.sinkErrors, 0);

  const values = await metrics.values();
  const ok = seriesKey('roamsim_procedures_total', { procedure: 'UpdateLocation', rat: 'UMTS', home_plmn: '262-01', visited_plmn: '208-01', result: 'ok' });
  assert.equal(values.get(ok), 3);
  assert.equal(
    values.get(seriesKey('roamsim_procedures_total', { procedure: 'Update-Location', rat: 'LTE', home_plmn: '262-01', visited_plmn: '208-01', result: 'roamingNotAllowed' })),
    1,
  );
  assert.equal(values.get(seriesKey('roamsim_procedures_total', { procedure: 'Attach', rat: 'UMTS', home_plmn: '262-01', visited_plmn: '208-01', result: 'timeout' })), 1);
  assert.equal(values.get('roamsim_retries_total'), 2);
  assert.equal(values.get(seriesKey('roamsim_procedure_duration_seconds_count', { procedure: 'UpdateLocation', rat: 'UMTS' })), 3);
  const sum = values.get(seriesKey('roamsim_procedure_duration_seconds_sum', { procedure: 'UpdateLocation', rat: 'UMTS' }));
  assert.ok(Math.abs((sum ?? 0) - 0.036) < 1e-9, `sum ${sum}`);
  // 2 s lands in the 2.5 bucket, not in 1.
  assert.equal(values.get(seriesKey('roamsim_procedure_duration_seconds_bucket', { le: '1', procedure: 'Update-Location', rat: 'LTE' })), 0);
  assert.equal(values.get(seriesKey('roamsim_procedure_duration_seconds_bucket', { le: '2.5', procedure: 'Update-Location', rat: 'LTE' })), 1);

  const text = await metrics.snapshot();
  assert.match(text, /roamsim_procedure_duration_seconds_bucket\{le="0.001",procedure="UpdateLocation",rat="UMTS"\} 0/);
  assert.match(text, /roamsim_procedure_duration_seconds_bucket\{le="10",procedure="UpdateLocation",rat="UMTS"\} 3/);
});

test('registrations: gauge counts each subscriber once, move keeps it, detach releases it', async () => {
  const bus = new EventBus();
  const metrics = new RoamsimMetrics();
  metrics.attach(bus);
  const gauge = async () => (await metrics.values()).get('roamsim_registered_subscribers');

  bus.emitJourney(journey('registration', '262010000000001', { outcome: 'accepted' }));
  bus.emitJourney(journey('registration', '262010000000001', { outcome: 'accepted', visitedPlmn: '214-07' }));
  assert.equal(await gauge(), 1);
  bus.emitJourney(journey('registration', '262010000000002', { outcome: 'accepted', rat: 'LTE' }));
  bus.emitJourney(journey('move', '262010000000001', { visitedPlmn: '214-07' }));
  assert.equal(await gauge(), 2);
  bus.emitJourney(journey('detach', '262010000000001'));
  bus.emitJourney(journey('detach', '262010000000001'));
  bus.emitJourney(journey('detach', '262019999999999'));
  assert.equal(await gauge(), 1);
  bus.emitJourney(journey('registration', '262010000000003', { outcome: 'rejected', error: mapError('roamingNotAllowed') }));
  assert.equal(await gauge(), 1);

  const values = await metrics.values();
  assert.equal(deltaFor(new Map(), values, 'roamsim_registrations_total', { outcome: 'accepted' }), 3);
  assert.equal(values.get(seriesKey('roamsim_registrations_total', { rat: 'UMTS', visited_plmn: '214-07', outcome: 'accepted' })), 1);
  assert.equal(values.get(seriesKey('roamsim_registrations_total', { rat: 'UMTS', visited_plmn: '208-01', outcome: 'rejected' })), 1);
});

test('a dead-lettered attempt counts once even when reported as both dead-letter and registration', async () => {
  const bus = new EventBus();
  const metrics = new RoamsimMetrics();
  metrics.attach(bus);
  bus.emitJourney(journey('dead-letter', '262010000000004', { scenario: 's1', error: localError('timeout') }));
  bus.emitJourney(journey('registration', '262010000000004', { scenario: 's1', outcome: 'dead-lettered' }));
  bus.emitJourney(journey('dead-letter', '262010000000005', { scenario: 's1' }));
  const values = await metrics.values();
  assert.equal(values.get('roamsim_dead_letters_total'), 2);
  assert.equal(values.get(seriesKey('roamsim_registrations_total', { rat: 'UMTS', visited_plmn: '208-01', outcome: 'dead-lettered' })), 2);
  assert.equal(values.get('roamsim_registered_subscribers'), 0);
});

test('capture failures, billing triggers, detaching from the bus and separate registries per run', async () => {
  const bus = new EventBus();
  const metrics = new RoamsimMetrics();
  const other = new RoamsimMetrics();
  const detach = metrics.attach(bus);
  metrics.captureFailed();
  metrics.billingTrigger('voice');
  metrics.billingTrigger('voice');
  metrics.billingTrigger('data');
  bus.emitSignalling(signalling());
  detach();
  bus.emitSignalling(signalling());

  const values = await metrics.values();
  assert.equal(values.get('roamsim_capture_failures_total'), 1);
  assert.equal(values.get('roamsim_billing_triggers_total{type="voice"}'), 2);
  assert.equal(deltaFor(new Map(), values, 'roamsim_procedures_total'), 1);
  assert.equal(deltaFor(new Map(), await other.values(), 'roamsim_billing_triggers_total'), 0);
});

test('deltaFor sums the growth of every series matching the labels', async () => {
  const bus = new EventBus();
  const metrics = new RoamsimMetrics();
  metrics.attach(bus);
  bus.emitSignalling(signalling());
  const before = await metrics.values();
  bus.emitSignalling(signalling());
  bus.emitSignalling(signalling({ visitedPlmn: '214-07' }));
  bus.emitSignalling(signalling({ outcome: { status: 'error', error: mapError('systemFailure') }, attempt: 2 }));
  const after = await metrics.values();

  assert.equal(deltaFor(before, after, 'roamsim_procedures_total', {}), 3);
  assert.equal(deltaFor(before, after, 'roamsim_procedures_total', { result: 'ok' }), 2);
  assert.equal(deltaFor(before, after, 'roamsim_procedures_total', { result: 'ok', visited_plmn: '214-07' }), 1);
  assert.equal(deltaFor(before, after, 'roamsim_procedures_total', { result: 'systemFailure' }), 1);
  assert.equal(deltaFor(before, after, 'roamsim_procedures_total', { result: 'ok', rat: 'LTE' }), 0);
  assert.equal(deltaFor(before, after, 'roamsim_retries_total', {}), 1);
  assert.equal(deltaFor(before, after, 'roamsim_procedure_duration_seconds_count', { procedure: 'UpdateLocation' }), 3);
  assert.equal(deltaFor(before, after, 'roamsim_no_such_metric', {}), 0);
});

test('series keys sort labels, escape values and parse back', () => {
  const key = seriesKey('m_total', { z: 'last', a: 'quote " back \\ line\nend' });
  assert.equal(key, 'm_total{a="quote \\" back \\\\ line\\nend",z="last"}');
  assert.deepEqual(parseSeriesKey(key), { name: 'm_total', labels: { a: 'quote " back \\ line\nend', z: 'last' } });
  assert.deepEqual(parseSeriesKey('plain'), { name: 'plain', labels: {} });
  const delta = deltaFor(new Map([[key, 1]]), new Map([[key, 4]]), 'm_total', { a: 'quote " back \\ line\nend' });
  assert.equal(delta, 3);
});

const promtool = findBinary('promtool', 'PROMTOOL_BIN');

test('promtool check metrics finds nothing to complain about', { skip: promtool ? false : 'promtool not found (set PROMTOOL_BIN or install the prometheus package)' }, async () => {
  const bus = new EventBus();
  const metrics = new RoamsimMetrics();
  metrics.attach(bus);
  bus.emitSignalling(signalling());
  bus.emitSignalling(signalling({ attempt: 2, outcome: { status: 'error', error: mapError('systemFailure') } }));
  bus.emitJourney(journey('registration', '262010000000001', { outcome: 'accepted' }));
  bus.emitJourney(journey('dead-letter', '262010000000002'));
  metrics.captureFailed();
  metrics.billingTrigger('sms');

  const result = spawnSync(promtool as string, ['check', 'metrics'], { input: await metrics.snapshot(), encoding: 'utf8', timeout: 30_000 });
  assert.equal(result.error, undefined);
  const complaints = `${result.stdout}\n${result.stderr}`.split('\n').filter((line) => line.includes('roamsim_'));
  assert.deepEqual(complaints, []);
  assert.equal(result.status, 0, `promtool exit ${result.status}: ${result.stdout}${result.stderr}`);
});
