import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { HTTP_LIMITS, jsonDepthExceeds } from '../../mocks/http-limits';
import { type LiveMocks, startLiveMocks, standaloneNetwork } from '../../mocks/live-server';
import { loadConfig } from '../../src/config/load';

const root = path.resolve(__dirname, '..', '..');
const token = randomBytes(24).toString('hex');
const config = loadConfig({ env: { ROAMSIM_ADMIN_TOKEN: token }, envFile: path.join(root, 'no-such.env'), announce: () => undefined });
let mocks: LiveMocks;
before(async () => {
  const network = standaloneNetwork(config, undefined, undefined, { maxElements: 3 });
  mocks = await startLiveMocks({ config, networkFor: () => network, host: '127.0.0.1', ports: { 'hlr-hss': 0, 'vlr-mme': 0 } });
});
after(() => mocks.close());

const json = { 'content-type': 'application/json' };
const admin = { ...json, authorization: `Bearer ${token}` };

async function problem(response: Response, status: number): Promise<{ title: string; detail: string; field?: string }> {
  const text = await response.text();
  assert.equal(response.status, status, text);
  assert.equal(response.headers.get('content-type'), 'application/problem+json');
  return JSON.parse(text) as { title: string; detail: string; field?: string };
}

test('the depth scan counts brackets outside strings only', () => {
  assert.equal(jsonDepthExceeds('[[[]]]', 3), false);
  assert.equal(jsonDepthExceeds('[[[[]]]]', 3), true);
  assert.equal(jsonDepthExceeds('{"a":"[[[[[[\\"[[["}', 1), false);
  assert.equal(jsonDepthExceeds(`${'['.repeat(5000)}${']'.repeat(5000)}`, HTTP_LIMITS.maxJsonDepth), true);
});

test('a body over the size limit is 413 naming the limit, on the elements and on the admin endpoint', async () => {
  const big = JSON.stringify({ imsi: 'x'.repeat(HTTP_LIMITS.maxBodyBytes) });
  const element = await problem(await fetch(`${mocks.urls['hlr-hss']}/hlr-hss/234-15/map/purge-ms`, { method: 'POST', headers: json, body: big }), 413);
  assert.match(element.detail, new RegExp(`larger than ${HTTP_LIMITS.maxBodyBytes} bytes \\(the limit\\)`));
  const adminAnswer = await problem(await fetch(`${mocks.urls['hlr-hss']}/admin/subscribers`, { method: 'POST', headers: admin, body: big }), 413);
  assert.equal(adminAnswer.field, '(body)');
});

test('a body nested deeper than the limit is 400 naming the limit (it once made every endpoint answer 500)', async () => {
  const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
  for (const url of [`${mocks.urls['hlr-hss']}/hlr-hss/234-15/map/purge-ms`, `${mocks.urls['vlr-mme']}/vlr-mme/262-01/ue/attach`]) {
    const answer = await problem(await fetch(url, { method: 'POST', headers: json, body: deep }), 400);
    assert.equal(answer.title, 'request body nested too deep');
    assert.match(answer.detail, new RegExp(`deeper than ${HTTP_LIMITS.maxJsonDepth} levels \\(the limit\\)`));
  }
  const adminAnswer = await problem(await fetch(`${mocks.urls['hlr-hss']}/admin/faults`, { method: 'POST', headers: admin, body: deep }), 400);
  assert.equal(adminAnswer.title, 'request body nested too deep');
  assert.match(adminAnswer.detail, /deeper than 32 levels/);
});

test('POST without content-type: application/json is 415 (what a cross-origin page can send is refused)', async () => {
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
    const answer = await problem(await fetch(`${mocks.urls['hlr-hss']}/hlr-hss/234-15/map/purge-ms`, { method: 'POST', headers: { 'content-type': type }, body: '{}' }), 415);
    assert.equal(answer.field, 'content-type');
    assert.match(answer.detail, /application\/json/);
  }
  await problem(await fetch(`${mocks.urls['hlr-hss']}/admin/subscribers`, { method: 'POST', headers: { authorization: admin.authorization, 'content-type': 'text/plain' }, body: '{"home":"234-15"}' }), 415);
  const charset = await fetch(`${mocks.urls['hlr-hss']}/hlr-hss/234-15/map/purge-ms`, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"imsi":"234150000000001","vlrNumber":"4917000000001"}' });
  assert.equal(charset.status, 200, await charset.text());
});

/** Raw bytes on a socket: the full answer, or what arrived within 2 s. */
function raw(url: string, payload: string): Promise<string> {
  return new Promise((resolve) => {
    let answer = '';
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    const done = () => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(2_000, done);
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('error', done);
    socket.on('close', done);
    socket.write(payload);
  });
}

test('requests the HTTP parser refuses get problem+json too: malformed 400, oversized head 431', async () => {
  const malformed = await raw(mocks.urls['vlr-mme'], 'GARBAGE\r\n\r\n');
  assert.match(malformed, /^HTTP\/1\.1 400 /);
  assert.match(malformed, /content-type: application\/problem\+json/);
  assert.match(malformed, /"title":"malformed HTTP request"/);
  const oversized = await raw(mocks.urls['hlr-hss'], `GET /health HTTP/1.1\r\nHost: x\r\nx-big: ${'a'.repeat(HTTP_LIMITS.maxHeaderBytes + 1)}\r\n\r\n`);
  assert.match(oversized, /^HTTP\/1\.1 431 /);
  assert.match(oversized, new RegExp(`larger than ${HTTP_LIMITS.maxHeaderBytes} bytes`));
  const health = await fetch(`${mocks.urls['hlr-hss']}/health`);
  assert.equal(health.status, 200);
  await health.arrayBuffer();
});

test('past --max-plmns, a request for one more PLMN is refused with 404 naming the limit; known PLMNs still answer', async () => {
  const purge = (plmn: string) =>
    fetch(`${mocks.urls['hlr-hss']}/hlr-hss/${plmn}/map/purge-ms`, { method: 'POST', headers: json, body: '{"imsi":"234150000000001","vlrNumber":"4917000000001"}' });
  // Earlier tests in this file may have created an element already: the first answers are 200 until 3 exist.
  const statuses: number[] = [];
  for (const plmn of ['901-01', '901-02', '901-03']) {
    const answer = await purge(plmn);
    statuses.push(answer.status);
    await answer.arrayBuffer();
  }
  assert.equal(statuses[0], 200);
  assert.deepEqual(statuses, [...statuses].sort(), `200s, then 404s: ${statuses}`);
  const refused = await problem(await purge('901-04'), 404);
  assert.match(refused.detail, /901-04: these mocks already serve 3 HLR\/HSS elements \(the limit, --max-plmns\)/);
  const again = await purge('901-01');
  assert.equal(again.status, 200, await again.text());
});

test('SIGTERM to `node bin/roamsim.js mocks` stops its servers and ends the process (nothing left orphaned)', { timeout: 60_000 }, async () => {
  const child = spawn(process.execPath, [path.join(root, 'bin', 'roamsim.js'), 'mocks', '--hlr-port', '0', '--vlr-port', '0', '--metrics-port', '0'], {
    cwd: root,
    env: { ...process.env, ROAMSIM_ADMIN_TOKEN: token, LOKI_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit');
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready within 30 s:\n${output}`)), 30_000);
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('roamsim mocks: ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    void exited.then(() => reject(new Error(`exited before ready:\n${output}`)));
  });
  try {
    await ready;
    const url = /HLR\/HSS (http:\/\/\S+)/.exec(output)?.[1] as string;
    const metrics = /metrics (http:\/\/\S+)/.exec(output)?.[1] as string;
    const scrape = await (await fetch(metrics)).text();
    assert.match(scrape, /^nodejs_heap_size_used_bytes /m, 'Node runtime metrics on every process');
    assert.match(scrape, /^roamsim_mock_subscribers_provisioned 0/m);
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const [code, signal] = (await exited) as [number | null, string | null];
    clearTimeout(timer);
    assert.equal(signal, null, `the CLI did not handle SIGTERM itself and had to be killed:\n${output}`);
    assert.equal(code, 0, output);
    assert.match(output, /"msg":"mocks stopping"/);
    assert.match(output, /roamsim mocks: stopped/);
    await assert.rejects(fetch(`${url}/health`), 'the server is gone with the process');
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});
