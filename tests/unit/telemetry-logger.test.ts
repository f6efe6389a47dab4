import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { mapError } from '../../src/protocol/codes';
import { EventBus, type SignallingEvent } from '../../src/roaming/events';
import { Pseudonymizer } from '../../src/subscribers/pseudonym';
import { createLogger, subscriberId } from '../../src/telemetry/logger';

const IMSI = '262011234567890';
const MSISDN = '491701234567';
const KI = '465b5ce8b199b49faa5f0a2ee238a6bc';
const OPC = 'cd63cb71954a9f4e48a5994e37a02baf';
const T0 = Date.UTC(2025, 2, 31, 12, 0, 0);

const root = mkdtempSync(join(tmpdir(), 'roamsim-logger-'));
after(() => rmSync(root, { recursive: true, force: true }));

function signalling(overrides: Partial<SignallingEvent> = {}): SignallingEvent {
  return {
    id: 1,
    protocol: 'MAP',
    procedure: 'SendAuthenticationInfo',
    from: { kind: 'VLR', plmn: '208-01', address: '33609000001' },
    to: { kind: 'HLR', plmn: '262-01', address: '4917000000001' },
    rat: 'UMTS',
    subscriber: { imsi: IMSI, msisdn: MSISDN },
    homePlmn: '262-01',
    visitedPlmn: '208-01',
    request: { imsi: IMSI, msisdn: MSISDN, ki: KI, opc: OPC },
    outcome: { status: 'ok', response: { ki: KI, vectors: [{ rand: '00'.repeat(16) }] } },
    attempt: 1,
    startedAt: T0,
    endedAt: T0 + 42,
    startTick: 1,
    endTick: 2,
    latencyMs: 42,
    ...overrides,
  };
}

function readLines(file: string): Array<Record<string, unknown>> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

test('signalling and journey lines carry the schema and pseudonyms, never the raw IMSI, MSISDN or Ki', async () => {
  const pseudonymizer = new Pseudonymizer('test-key');
  const file = join(root, 'nested', 'dir', 'roamsim.log');
  const warnings: string[] = [];
  const logger = createLogger({ file, env: 'test', lokiUrl: '', pseudonymizer, warn: (message) => warnings.push(message) });
  const bus = new EventBus();
  logger.attach(bus);

  bus.emitSignalling(signalling());
  bus.emitSignalling(signalling({ id: 2, procedure: 'UpdateLocation', attempt: 2, outcome: { status: 'error', error: mapError('roamingNotAllowed', 'plmnRoamingNotAllowed') } }));
  bus.emitJourney({
    type: 'registration',
    scenario: 'German subscriber roams in France',
    at: T0 + 100,
    subscriber: { imsi: IMSI, msisdn: MSISDN },
    homePlmn: '262-01',
    visitedPlmn: '208-01',
    rat: 'UMTS',
    outcome: 'rejected',
    error: mapError('roamingNotAllowed'),
    detail: { note: `HLR refused ${IMSI} (MSISDN ${MSISDN})`, keys: { ki: KI, opc: OPC }, imsi: IMSI },
  });
  logger.log.info({ imsi: IMSI, msisdn: MSISDN, ki: KI, nested: { auth: { opc: OPC } } }, 'free-form line');
  await logger.close();
  assert.equal(bus.sinkErrors, 0);
  assert.deepEqual(warnings, []);

  const text = readFileSync(file, 'utf8');
  for (const secret of [IMSI, MSISDN, KI, OPC, KI.toUpperCase()]) assert.ok(!text.includes(secret), `log contains ${secret}`);
  const pseudonym = subscriberId(pseudonymizer, IMSI, '262-01');
  assert.equal(pseudonym.slice(0, 5), '26201');
  assert.notEqual(pseudonym, IMSI);
  assert.ok(text.includes(pseudonym));
  assert.ok(text.includes(pseudonymizer.msisdn(MSISDN)));

  const lines = readLines(file);
  assert.equal(lines.length, 4);
  const [ok, failed, registration, freeForm] = lines;
  for (const line of [ok, failed, registration]) {
    for (const field of ['event_type', 'timestamp', 'subscriber_id', 'visited_mcc_mnc', 'latency_ms', 'result', 'failure_reason']) {
      assert.ok(field in line, `missing ${field} in ${JSON.stringify(line)}`);
    }
    assert.equal(line.app, 'roamsim');
    assert.equal(line.env, 'test');
    assert.equal(line.subscriber_id, pseudonym);
    assert.equal(line.visited_mcc_mnc, '208-01');
  }
  assert.equal(ok.component, 'signalling');
  assert.equal(ok.event_type, 'SendAuthenticationInfo');
  assert.equal(ok.timestamp, new Date(T0 + 42).toISOString());
  assert.equal(ok.latency_ms, 42);
  assert.equal(ok.result, 'ok');
  assert.equal(ok.failure_reason, null);
  assert.equal(failed.result, 'roamingNotAllowed');
  assert.equal(failed.failure_reason, 'MAP roamingNotAllowed (8) cause plmnRoamingNotAllowed');
  assert.equal(failed.attempt, 2);
  assert.equal(failed.level, 40);
  assert.equal(registration.component, 'journey');
  assert.equal(registration.event_type, 'registration');
  assert.equal(registration.result, 'rejected');
  assert.equal(registration.latency_ms, null);
  assert.deepEqual(registration.detail, {
    note: `HLR refused ${pseudonym} (MSISDN ${pseudonymizer.msisdn(MSISDN)})`,
    keys: { ki: '[redacted]', opc: '[redacted]' },
    imsi: '[redacted]',
  });
  assert.equal(freeForm.ki, '[redacted]');
  assert.equal(freeForm.imsi, '[redacted]');
  assert.deepEqual(freeForm.nested, { auth: { opc: '[redacted]' } });
});

/**
 * A stand-in Loki in its own process: closing the logger waits synchronously for the transport worker's last
 * push, so a server on this thread could not answer it. Prints one JSON line per push body.
 */
const FAKE_LOKI = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    if (req.method === 'POST' && req.url === '/loki/api/v1/push') process.stdout.write(JSON.stringify(body) + '\\n');
    res.writeHead(req.url === '/ready' || req.method === 'POST' ? 204 : 404).end();
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write('port ' + server.address().port + '\\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

test('log lines reach Loki in batches with app, component and env labels and no raw identifiers', async () => {
  const child = spawn(process.execPath, ['-e', FAKE_LOKI], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const closed = once(child, 'close');
  try {
    const port = await new Promise<number>((resolvePort, reject) => {
      const onData = () => {
        const match = /^port (\d+)$/m.exec(output);
        if (match) {
          child.stdout.off('data', onData);
          resolvePort(Number(match[1]));
        }
      };
      child.stdout.on('data', onData);
      child.once('exit', () => reject(new Error(`fake Loki exited: ${output}`)));
    });
    const warnings: string[] = [];
    const pseudonymizer = new Pseudonymizer('test-key');
    const logger = createLogger({
      file: join(root, 'loki', 'roamsim.log'),
      env: 'ci',
      lokiUrl: `http://127.0.0.1:${port}`,
      pseudonymizer,
      warn: (message) => warnings.push(message),
    });
    logger.signalling(signalling());
    logger.signalling(signalling({ id: 2 }));
    await logger.close();
    child.kill('SIGTERM');
    await closed;
    assert.deepEqual(warnings, []);

    const pushes = output
      .split('\n')
      .filter((line) => line.startsWith('"'))
      .map((line) => JSON.parse(line) as string);
    assert.ok(pushes.length >= 1, 'nothing pushed to Loki');
    const streams = pushes.flatMap((body) => (JSON.parse(body) as { streams: Array<{ stream: Record<string, string>; values: string[][] }> }).streams);
    assert.equal(
      streams.reduce((count, stream) => count + stream.values.length, 0),
      2,
    );
    for (const stream of streams) {
      assert.equal(stream.stream.app, 'roamsim');
      assert.equal(stream.stream.env, 'ci');
      assert.equal(stream.stream.component, 'signalling');
    }
    const all = pushes.join('\n');
    assert.ok(!all.includes(IMSI) && !all.includes(MSISDN) && !all.includes(KI));
    assert.ok(all.includes(subscriberId(pseudonymizer, IMSI, '262-01')));
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

test('Loki down: the run goes on, the file is complete and there is exactly one warning', async () => {
  // A port that was just free: connections are refused.
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((done) => probe.close(() => done()));

  const warnings: string[] = [];
  const file = join(root, 'loki-down', 'roamsim.log');
  const logger = createLogger({ file, env: 'ci', lokiUrl: `http://127.0.0.1:${port}`, pseudonymizer: new Pseudonymizer('k'), warn: (message) => warnings.push(message) });
  for (let id = 1; id <= 20; id++) logger.signalling(signalling({ id }));
  await logger.flush();
  await logger.close();
  await logger.close();
  assert.equal(readLines(file).length, 20);
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0], /Loki at http:\/\/127\.0\.0\.1:\d+ is unreachable/);
});
