import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { startLiveMocks, standaloneNetwork } from '../../mocks/live-server';
import { OPERATIONS } from '../../mocks/routes';
import { loadConfig } from '../../src/config/load';
import { HEADER_NO_ANSWER } from '../../src/roaming/transport';

/**
 * Random and mutated requests against the live mocks (the same servers `roamsim mocks` runs): element
 * operations with valid, mutated and hostile bodies, headers and paths, the admin endpoint, and raw bytes
 * that Node's HTTP parser refuses. Bounded by a count and a time budget (ROAMSIM_FUZZ_REQUESTS,
 * ROAMSIM_FUZZ_MS); replayable from ROAMSIM_FUZZ_SEED. Passes when no answer is a 5xx (except the 504 an
 * element's silence is in the contract, marked x-roamsim-no-answer), every refusal is problem+json, and
 * /health still answers 200.
 */
const REQUESTS = Number(process.env.ROAMSIM_FUZZ_REQUESTS ?? 1500);
const RAW = Math.ceil(REQUESTS / 8);
// The count is the bound that matters; the time budget only keeps a starved machine from running forever.
const BUDGET_MS = Number(process.env.ROAMSIM_FUZZ_MS ?? 90_000);
const SEED = Number(process.env.ROAMSIM_FUZZ_SEED ?? 17);
const root = path.resolve(__dirname, '..', '..');

/** mulberry32: small, seeded, good enough to pick mutations. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test(`fuzz: ${REQUESTS} random and mutated HTTP requests and ${RAW} raw byte streams never get a 5xx, /health stays 200`, { timeout: BUDGET_MS + 60_000 }, async () => {
  const token = randomBytes(24).toString('hex');
  const config = loadConfig({ env: { ROAMSIM_ADMIN_TOKEN: token }, envFile: path.join(root, 'no-such.env'), announce: () => undefined });
  const network = standaloneNetwork(config, undefined, undefined, { maxElements: 16 });
  const mocks = await startLiveMocks({ config, networkFor: () => network, host: '127.0.0.1', ports: { 'hlr-hss': 0, 'vlr-mme': 0 } });
  const random = prng(SEED);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const findings: string[] = [];
  const statuses = new Map<number, number>();
  const started = Date.now();
  const inBudget = () => Date.now() - started < BUDGET_MS;

  try {
    // A few provisioned subscribers, so some requests reach the elements' decisions, not only validation.
    const provisioned = await fetch(`${mocks.urls['hlr-hss']}/admin/subscribers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ home: '234-15', count: 20 }),
    });
    assert.equal(provisioned.status, 201);
    const imsis = ((await provisioned.json()) as { subscribers: Array<{ imsi: string }> }).subscribers.map((s) => s.imsi);

    const plmns = ['234-15', '262-01', '208-01', '310-260', '440-10', '999-99', '001-01', '26201', '', '%', '%E0%A4%A', '..', '262-01%2F..', 'x'.repeat(300)];
    const values: readonly unknown[] = [
      ...imsis.slice(0, 4), '262019900000001', '1', '', 'x'.repeat(70_000), 'ü€😀', 0, -1, 1e308, NaN, null, true, [], {}, [[[[]]]], { $ne: 1 },
      'GSM', 'UMTS', 'LTE', 'NR', '447700900123', 'mme.262-01', 'ab', 'zz', '00112233445566778899aabbccddeeff', 5, 2 ** 53, '__proto__',
    ];
    const fields = ['imsi', 'userName', 'homePlmn', 'visitedPlmn', 'visitedPlmnId', 'rat', 'ratType', 'mscNumber', 'vlrNumber', 'numberOfRequestedVectors', 'ulrFlags', 'originHost', 'res', 'failure', 'cancellationType', 'msisdn', 'profile', '__proto__', 'constructor'];
    const operations = (element: 'hlr-hss' | 'vlr-mme') => [...Object.keys(OPERATIONS[element]), 'map/unknown', '', 'ue/attach/extra'];

    const body = (): string | Blob => {
      const kind = random();
      if (kind < 0.55) {
        const out: Record<string, unknown> = {};
        for (const field of fields) if (random() < 0.4) out[field] = pick(plmns.concat(values as string[]));
        if (random() < 0.5) out.imsi = pick(imsis);
        if (random() < 0.3) out.homePlmn = '234-15';
        if (random() < 0.3) out.rat = pick(['GSM', 'UMTS', 'LTE']);
        return JSON.stringify(out);
      }
      // Deep but well-formed JSON (10 KB of brackets once made every endpoint answer 500), and torn variants.
      const depth = 1 + Math.floor(random() * 6000);
      if (kind < 0.62) return `${'['.repeat(depth)}${']'.repeat(random() < 0.8 ? depth : depth >> 1)}`;
      if (kind < 0.67) return `${'{"imsi":'.repeat(depth)}1${'}'.repeat(random() < 0.8 ? depth : depth >> 1)}`;
      if (kind < 0.72) return new Blob([randomBytes(Math.floor(random() * 2000))]);
      if (kind < 0.76) return JSON.stringify({ imsi: 'x'.repeat(70_000) });
      if (kind < 0.8) return JSON.stringify(pick(values));
      if (kind < 0.85) return JSON.stringify({ imsi: pick(imsis), rat: 'LTE', homePlmn: '234-15' }).slice(0, Math.floor(random() * 40));
      if (kind < 0.9) return '\ufeff{"imsi":"\\ud800"}';
      return '';
    };
    const contentType = () => pick(['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '', 'application/jsonx', undefined]);

    const one = async (): Promise<void> => {
      const element = pick(['hlr-hss', 'vlr-mme'] as const);
      const base = mocks.urls[element];
      const kind = random();
      let url: string;
      let method = 'POST';
      const headers: Record<string, string> = {};
      if (kind < 0.75) {
        url = `${base}/${element}/${pick(plmns)}/${pick(operations(element))}`;
        if (random() < 0.1) method = pick(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']);
      } else if (kind < 0.9) {
        url = `${base}${pick(['/admin/subscribers', '/admin/faults', '/admin', '/admin/x', '/admin/faults?x=1'])}`;
        method = pick(['POST', 'POST', 'DELETE', 'GET', 'PUT']);
        const auth = random();
        // The valid token only on provisioning: a fuzzed fault rule could add delays of minutes.
        if (auth < 0.3 && url.endsWith('/admin/subscribers')) headers.authorization = `Bearer ${token}`;
        else if (auth < 0.6) headers.authorization = pick(['Bearer', 'Bearer ', `Bearer ${token}x`, 'Basic abc', `bearer ${'a'.repeat(5000)}`, 'Bearer change-me-admin-token']);
      } else {
        url = `${base}${pick(['/', '/health', '/ready', '/metrics', '/%', '/hlr-hss', '/vlr-mme/', `/${'a'.repeat(4000)}`, '/health?x', '//admin', '/admin/../health'])}`;
        method = pick(['GET', 'POST', 'HEAD', 'DELETE']);
      }
      const type = contentType();
      if (type !== undefined) headers['content-type'] = type;
      if (random() < 0.15) headers['x-roamsim-deadline'] = pick(['soon', '-1', '0', String(Date.now() + 5_000), '99999999999999999', ' 1 ']);
      if (random() < 0.1) headers['x-roamsim-transaction'] = pick(['1', 'x', '-5', '1e3', '12345678901234567']);
      if (random() < 0.05) headers['x-roamsim-scenario'] = pick(['%', 'a', '%E0%A4%A']);
      const withBody = method !== 'GET' && method !== 'HEAD';
      try {
        const response = await fetch(url, { method, headers, ...(withBody ? { body: body() } : {}), signal: AbortSignal.timeout(10_000) });
        const text = await response.text();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const silence = response.status === 504 && response.headers.get(HEADER_NO_ANSWER) === '1';
        if (response.status >= 500 && !silence && !(response.status === 503 && url.endsWith('/ready'))) {
          findings.push(`${method} ${url.slice(0, 120)} → ${response.status} ${text.slice(0, 200)}`);
        }
        if (response.status >= 400 && response.status !== 504 && method !== 'HEAD' && response.headers.get('content-type') !== 'application/problem+json') {
          findings.push(`${method} ${url.slice(0, 120)} → ${response.status} without problem+json: ${response.headers.get('content-type')}`);
        }
      } catch (error) {
        findings.push(`${method} ${url.slice(0, 120)}: no answer (${(error as Error).message})`);
      }
    };

    // Eight requests in flight, until the count or the time budget runs out.
    let sent = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (sent < REQUESTS && inBudget()) {
          sent++;
          await one();
        }
      }),
    );

    // Raw bytes: what fetch never sends. Each connection is bounded; a refusal must be problem+json.
    const raw = (port: number, payload: Buffer | string): Promise<string> =>
      new Promise((resolve) => {
        let answer = '';
        const socket = connect(port, '127.0.0.1');
        const done = () => {
          socket.destroy();
          resolve(answer);
        };
        socket.setTimeout(400, done);
        socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
        socket.on('error', done);
        socket.on('close', done);
        socket.write(payload, () => undefined);
      });
    const rawPayloads = () =>
      pick<() => Buffer | string>([
        () => randomBytes(1 + Math.floor(random() * 512)),
        () => 'GARBAGE\r\n\r\n',
        () => `GET /health HTTP/1.1\r\nHost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`,
        () => 'POST /hlr-hss/234-15/map/purge-ms HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
        () => 'POST /hlr-hss/234-15/map/purge-ms HTTP/1.1\r\nHost: x\r\ncontent-length: 5\r\ncontent-length: 7\r\n\r\n{}',
        () => 'GET /health HTTP/9.9\r\n\r\n',
        () => `GET /${'\u0000'.repeat(10)} HTTP/1.1\r\nHost: x\r\n\r\n`,
        () => 'GET /health HTTP/1.1\r\nHost: x\r\nbad header\r\n\r\n',
        () => 'POST /vlr-mme/262-01/ue/attach HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"imsi":',
      ])();
    for (let i = 0; i < RAW && inBudget(); i++) {
      const port = Number(new URL(mocks.urls[pick(['hlr-hss', 'vlr-mme'] as const)]).port);
      const answer = await raw(port, rawPayloads());
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1];
      if (status) statuses.set(Number(status), (statuses.get(Number(status)) ?? 0) + 1);
      if (status && Number(status) >= 500) findings.push(`raw bytes → ${answer.slice(0, 200)}`);
      if (status && Number(status) >= 400 && !/content-type: application\/problem\+json/i.test(answer)) findings.push(`raw bytes → ${status} without problem+json: ${answer.slice(0, 200)}`);
    }

    for (const element of ['hlr-hss', 'vlr-mme'] as const) {
      const health = await fetch(`${mocks.urls[element]}/health`);
      assert.equal(health.status, 200, `${element} /health after the fuzz`);
      await health.arrayBuffer();
    }
    const summary = [...statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`).join(' ');
    process.stdout.write(`# fuzz seed ${SEED}: ${sent} requests, statuses ${summary}\n`);
    assert.ok((statuses.get(200) ?? 0) > 0 && (statuses.get(400) ?? 0) > 0 && (statuses.get(415) ?? 0) > 0 && (statuses.get(413) ?? 0) > 0, `the fuzz reached answers and refusals: ${summary}`);
    assert.deepEqual(findings.slice(0, 20), [], `${findings.length} findings (seed ${SEED})`);
  } finally {
    await mocks.close();
  }
});
