import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { ElementMetrics } from '../../mocks/element-metrics';
import { createMockLogger } from '../../mocks/logger';
import { MockNetwork } from '../../mocks/network';
import { loadConfig } from '../../src/config/load';
import { SimulatedClock } from '../../src/roaming/clock';
import { RoamingEngine } from '../../src/roaming/engine';
import { EventBus } from '../../src/roaming/events';
import { runPseudonymizer } from '../../src/subscribers/run-pseudonymizer';

const root = path.resolve(__dirname, '..', '..');
const config = loadConfig({ env: { ROAMSIM_KI_SECRET: 'unit-test-secret', ROAMSIM_OP: 'cdc202d5123e20f62b6d676ac72cb318' }, envFile: path.join(root, 'no-such.env'), announce: () => undefined });

/** A standalone network with the element metrics attached, and one roaming subscriber of 234-15. */
function setup() {
  const clock = new SimulatedClock(1_700_000_000_000);
  const bus = new EventBus((error) => {
    throw error;
  });
  const network = new MockNetwork({ config, seed: 99, clock, bus });
  const registry = new Registry();
  new ElementMetrics(network, registry).attach(bus);
  const engine = new RoamingEngine({ link: network.link, store: network.store, bus, clock });
  const identity = { ...network.generator('234-15').identity(3), profile: 'postpaid' };
  network.store.add(identity);
  const value = async (name: string, labels: Record<string, string> = {}) => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
    assert.ok(metric, `${name} is registered`);
    return (metric.values as Array<{ value: number; labels: Record<string, string> }>)
      .filter((sample) => Object.entries(labels).every(([key, wanted]) => String(sample.labels[key]) === wanted))
      .reduce((sum, sample) => sum + sample.value, 0);
  };
  return { network, engine, bus, imsi: identity.imsi, value };
}

test('records held follow the elements: a visitor record in the VLR, a location record in the HLR, both gone after detach', async () => {
  const { engine, imsi, value } = setup();
  assert.equal(await value('roamsim_mock_subscribers_provisioned'), 1);
  assert.equal(await value('roamsim_mock_visitor_records'), 0);
  assert.equal((await engine.attach(imsi, '262-01', 'UMTS')).outcome, 'accepted');
  assert.equal(await value('roamsim_mock_visitor_records', { visited_plmn: '262-01', node: 'VLR' }), 1);
  assert.equal(await value('roamsim_mock_visitor_records', { visited_plmn: '262-01', node: 'MME' }), 0);
  assert.equal(await value('roamsim_mock_location_records', { home_plmn: '234-15', node: 'VLR' }), 1);
  assert.equal(await value('roamsim_mock_location_updates_total', { home_plmn: '234-15', visited_plmn: '262-01', result: 'ok' }), 1);
  await engine.detach(imsi);
  assert.equal(await value('roamsim_mock_visitor_records'), 0);
  assert.equal(await value('roamsim_mock_location_records'), 0);
  assert.equal(await value('roamsim_mock_purges_sent_total', { visited_plmn: '262-01', protocol: 'MAP', result: 'ok' }), 1);
});

test('a move to another network sends a cancel to the previous VLR: the old record goes, the new one counts as MME', async () => {
  const { engine, imsi, value } = setup();
  await engine.attach(imsi, '262-01', 'GSM');
  // Combined EPS/IMSI attach: the CS registration moves too (over SGs), so the old VLR is cancelled; an
  // EPS-only attach would leave it in place (CS and EPS registrations are kept apart).
  assert.equal((await engine.move(imsi, '208-01', 'LTE', true)).outcome, 'accepted');
  assert.equal(await value('roamsim_mock_cancels_sent_total', { home_plmn: '234-15', visited_plmn: '262-01', protocol: 'MAP' }), 1);
  assert.equal(await value('roamsim_mock_visitor_records', { visited_plmn: '262-01' }), 0);
  assert.equal(await value('roamsim_mock_visitor_records', { visited_plmn: '208-01', node: 'MME' }), 1);
  assert.equal(await value('roamsim_mock_location_records', { home_plmn: '234-15', node: 'MME' }), 1);
});

test('the mocks log JSON lines with subscriber pseudonyms and the run log redaction: no raw IMSI, no key material', async () => {
  const { engine, bus, imsi } = setup();
  const lines: string[] = [];
  const destination = { write: (line: string) => void lines.push(line) } as unknown as NodeJS.WritableStream;
  const logger = createMockLogger({ pseudonymizer: runPseudonymizer(config), destination, lokiUrl: '' });
  logger.attach(bus);
  await engine.attach(imsi, '262-01', 'UMTS');
  logger.log.info({ request: { imsi, ki: 'aa'.repeat(16) } }, 'a careless line');
  logger.request({ element: 'hlr-hss', method: 'POST', route: 'other', status: 415 });
  await logger.close();
  assert.ok(lines.length >= 3, `${lines.length} lines`);
  const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  const update = records.find((record) => record.event_type === 'UpdateLocation');
  assert.ok(update, 'the location update is logged');
  assert.equal(update.app, 'roamsim-mocks');
  assert.match(String(update.subscriber_id), /^23415\d{10}$/);
  assert.notEqual(update.subscriber_id, imsi);
  assert.ok(records.some((record) => record.status === 415 && record.level === 40), 'a refusal is a warning');
  const careless = records.find((record) => record.msg === 'a careless line') as { request: Record<string, string> };
  assert.deepEqual(careless.request, { imsi: '[redacted]', ki: '[redacted]' });
  assert.ok(!lines.join('').includes(imsi), 'no raw IMSI anywhere');
});

test('with LOKI_URL the mock log lines are pushed to Loki, labelled app=roamsim-mocks', { timeout: 30_000 }, async () => {
  const { createServer } = await import('node:http');
  const pushes: Array<{ path: string; body: string }> = [];
  const loki = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      pushes.push({ path: req.url ?? '', body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => loki.listen(0, '127.0.0.1', resolve));
  const { port } = loki.address() as import('node:net').AddressInfo;
  try {
    const { engine, bus, imsi } = setup();
    const destination = { write: () => undefined } as unknown as NodeJS.WritableStream;
    const logger = createMockLogger({ pseudonymizer: runPseudonymizer(config), destination, lokiUrl: `http://127.0.0.1:${port}`, env: 'unit' });
    logger.attach(bus);
    await engine.attach(imsi, '262-01', 'LTE');
    await logger.close();
    const push = pushes.find((candidate) => candidate.path === '/loki/api/v1/push');
    assert.ok(push, `a push reached the fake Loki: ${pushes.map((p) => p.path).join(', ')}`);
    const streams = (JSON.parse(push.body) as { streams: Array<{ stream: Record<string, string>; values: Array<[string, string]> }> }).streams;
    assert.ok(streams.some((stream) => stream.stream.app === 'roamsim-mocks' && stream.stream.env === 'unit'), push.body.slice(0, 300));
    assert.match(push.body, /Update-Location/);
    assert.ok(!push.body.includes(imsi), 'no raw IMSI reaches Loki');
  } finally {
    loki.closeAllConnections();
    await new Promise<void>((resolve) => loki.close(() => resolve()));
  }
});
