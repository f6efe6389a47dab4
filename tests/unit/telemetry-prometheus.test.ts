import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { EventBus, type SignallingEvent } from '../../src/roaming/events';
import { startMetricsServer } from '../../src/telemetry/exporter';
import { RoamsimMetrics } from '../../src/telemetry/metrics';

const T0 = Date.UTC(2025, 2, 31, 12, 0, 0);

function signalling(id: number): SignallingEvent {
  return {
    id,
    protocol: 'S6a',
    procedure: 'Update-Location',
    from: { kind: 'MME', plmn: '208-01' },
    to: { kind: 'HSS', plmn: '262-01' },
    rat: 'LTE',
    subscriber: { imsi: '262011234567890' },
    homePlmn: '262-01',
    visitedPlmn: '208-01',
    request: {},
    outcome: { status: 'ok', response: {} },
    attempt: 1,
    startedAt: T0,
    endedAt: T0 + 7,
    startTick: id * 2 - 1,
    endTick: id * 2,
    latencyMs: 7,
  };
}

function findBinary(name: string, envVar: string): string | undefined {
  const candidates = [process.env[envVar], `/usr/bin/${name}`, ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, name))];
  return candidates.find((path): path is string => !!path && existsSync(path));
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

test('exporter serves /metrics with the registry content type, 404 elsewhere, and lets go on close', async () => {
  const metrics = new RoamsimMetrics();
  metrics.billingTrigger('data');
  const server = await startMetricsServer({ port: 0, metrics });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    assert.notEqual(server.port, 0);
    const scrape = await fetch(server.url);
    assert.equal(scrape.status, 200);
    assert.equal(scrape.headers.get('content-type'), metrics.contentType);
    assert.match(await scrape.text(), /roamsim_billing_triggers_total\{type="data"\} 1/);
    const withQuery = await fetch(`${server.url}?x=1`);
    assert.equal(withQuery.status, 200);
    await withQuery.arrayBuffer();
    const elsewhere = await fetch(server.url.replace('/metrics', '/'));
    assert.equal(elsewhere.status, 404);
    await elsewhere.arrayBuffer();
    const post = await fetch(server.url, { method: 'POST' });
    assert.equal(post.status, 404);
    await post.arrayBuffer();
  } finally {
    await server.close();
  }
  await server.close();
  await assert.rejects(fetch(server.url));
});

test('a closed exporter does not keep the process alive, even after a keep-alive scrape', () => {
  const script = [
    "const { startMetricsServer } = require('./src/telemetry/exporter');",
    "const { RoamsimMetrics } = require('./src/telemetry/metrics');",
    '(async () => {',
    '  const server = await startMetricsServer({ port: 0, metrics: new RoamsimMetrics() });',
    "  await (await fetch(server.url, { headers: { connection: 'keep-alive' } })).text();",
    '  await server.close();',
    "  console.log('closed');",
    '})();',
  ].join('\n');
  const root = join(__dirname, '..', '..');
  const result = spawnSync(process.execPath, ['--require', join(root, 'support', 'register.js'), '-e', script], { cwd: root, encoding: 'utf8', timeout: 20_000 });
  assert.equal(result.signal, null, `the process had to be killed: still alive after close (${result.stderr})`);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout.trim(), 'closed');
});

const prometheus = findBinary('prometheus', 'PROMETHEUS_BIN');

test(
  'a real Prometheus scrapes the exporter and reports the counter',
  { skip: prometheus ? false : 'prometheus binary not found (set PROMETHEUS_BIN or install the prometheus package)', timeout: 60_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'roamsim-prometheus-'));
    const bus = new EventBus();
    const metrics = new RoamsimMetrics();
    metrics.attach(bus);
    for (let id = 1; id <= 5; id++) bus.emitSignalling(signalling(id));
    const exporter = await startMetricsServer({ port: 0, metrics });
    const promPort = await freePort();
    const config = join(dir, 'prometheus.yml');
    writeFileSync(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        'scrape_configs:',
        '  - job_name: roamsim',
        '    scrape_interval: 1s',
        '    metrics_path: /metrics',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${exporter.port}']`,
        '',
      ].join('\n'),
    );
    const child = spawn(
      prometheus as string,
      [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(child, 'exit');
    try {
      const query = `http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent('roamsim_procedures_total')}`;
      let value: string | undefined;
      let last = '';
      // Readiness poll: Prometheus must start and complete a scrape; bounded at 20 s.
      for (const deadline = Date.now() + 20_000; Date.now() < deadline; await delay(200)) {
        if (child.exitCode !== null) break;
        try {
          const response = await fetch(query, { signal: AbortSignal.timeout(2_000) });
          last = await response.text();
          const body = JSON.parse(last) as { status: string; data?: { result?: Array<{ metric: Record<string, string>; value: [number, string] }> } };
          const sample = body.data?.result?.find((series) => series.metric.result === 'ok' && series.metric.procedure === 'Update-Location');
          if (sample) {
            value = sample.value[1];
            assert.equal(sample.metric.job, 'roamsim');
            assert.equal(sample.metric.visited_plmn, '208-01');
            break;
          }
        } catch (error) {
          if (error instanceof assert.AssertionError) throw error;
          last = String(error);
        }
      }
      assert.equal(value, '5', `no roamsim_procedures_total sample within 20 s; last answer: ${last}\nprometheus output:\n${output.slice(-2_000)}`);
    } finally {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(killer);
      }
      await exporter.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
