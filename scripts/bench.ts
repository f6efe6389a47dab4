/**
 * `npm run bench`: measures, never asserts. Prints ONE JSON line on stdout (progress on stderr):
 *   - registrations per second of `roamsim load` in direct, intercept, live and wire mode (each in its own process);
 *   - the raw transport ceiling of each mode, measured in the same run with no engine: bare MockNetwork.send
 *     calls (direct), bare fetches through MSW (intercept), bare keep-alive loopback fetches to the live mocks,
 *     a bare Diameter echo over TCP loopback (wire: CER once, then request/answer pairs, no element);
 *   - the ratio engine/ceiling per mode, in signalling exchanges per second;
 *   - bytes per held subscriber after provisioning 1,000,000 (a child with --expose-gc, so gc() runs first);
 *   - feature-suite start-up (`cucumber-js --dry-run`, wall time);
 *   - the cost of the audit trail and dead-letter log in a direct-mode load run: the same run with and
 *     without its records (each in its own process, alternating, best of three), as an overhead in percent;
 *   - the machine (CPU model, cores, load average, Node) and the date.
 * Sizes can be changed with BENCH_DIRECT, BENCH_HTTP (subscribers per load run), BENCH_MEMORY and BENCH_AUDIT.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, platform, arch } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const REGISTER = path.join(ROOT, 'support', 'register.js');
const CLI = path.join(ROOT, 'bin', 'roamsim.js');
const DIRECT_SUBSCRIBERS = Number(process.env.BENCH_DIRECT ?? 100_000);
const HTTP_SUBSCRIBERS = Number(process.env.BENCH_HTTP ?? 1_500);
const MEMORY_SUBSCRIBERS = Number(process.env.BENCH_MEMORY ?? 1_000_000);
const AUDIT_SUBSCRIBERS = Number(process.env.BENCH_AUDIT ?? 50_000);
const CEILING_REQUESTS = 4_000;
const CONCURRENCY = 64;

type Json = Record<string, unknown>;

function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

/** Runs a node child with the ts-node hook; its last stdout line is JSON. */
function child(args: string[], extraNodeFlags: string[] = []): { json?: Json; ms: number; error?: string } {
  const started = performance.now();
  const result = spawnSync(process.execPath, [...extraNodeFlags, '--require', REGISTER, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = performance.now() - started;
  const last = result.stdout.trim().split('\n').pop() ?? '';
  try {
    return { json: JSON.parse(last) as Json, ms };
  } catch {
    return { ms, error: `exit ${result.status}: ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | ')}` };
  }
}

function loadRun(mode: string, subscribers: number): { summary?: Json; error?: string } {
  log(`roamsim load --subscribers ${subscribers} --mode ${mode} …`);
  const { json, error } = child([CLI, 'load', '--subscribers', String(subscribers), '--mode', mode, '--json']);
  return json ? { summary: json } : { error: error ?? 'no JSON' };
}

/** Round trips per second of a minimal Diameter echo on 127.0.0.1: one connection, CER once, 64 requests in flight. */
async function diameterEcho(): Promise<{ exchangesPerS: number; what: string }> {
  const { DiameterNode } = await import('../src/protocol/diameter-node');
  const { S6A_APPLICATION_ID, S6A_COMMANDS, authenticationInformationAnswer, authenticationInformationRequest } = await import('../src/protocol/diameter');
  const { knowsS6aAvp } = await import('../src/protocol/s6a-codec');
  const server = new DiameterNode({ local: { host: 'echo.epc.mnc015.mcc234.3gppnetwork.org', realm: 'epc.mnc015.mcc234.3gppnetwork.org', address: '127.0.0.1' }, listen: { host: '127.0.0.1', port: 0 }, knowsAvp: knowsS6aAvp });
  server.handle(S6A_APPLICATION_ID, S6A_COMMANDS.authenticationInformation, (m) => authenticationInformationAnswer({ sessionId: 'echo', origin: server.local, hopByHop: m.hopByHop, endToEnd: m.endToEnd }, {}));
  const port = (await server.start()).port as number;
  const client = new DiameterNode({
    local: { host: 'bench.epc.mnc001.mcc262.3gppnetwork.org', realm: 'epc.mnc001.mcc262.3gppnetwork.org', address: '127.0.0.1' },
    connectTo: [{ host: server.local.host, realm: server.local.realm, address: '127.0.0.1', port }],
    knowsAvp: knowsS6aAvp,
  });
  await client.start();
  await client.waitOpen(server.local.host, 5000);
  const request = authenticationInformationRequest(
    { sessionId: 'bench;1;1', origin: client.local, destinationRealm: server.local.realm, hopByHop: 0, endToEnd: 1 },
    { userName: '234159900000001', numberOfRequestedVectors: 1, visitedPlmnId: Buffer.from([0x62, 0xf2, 0x10]) },
  );
  const options = { destinationRealm: server.local.realm, timeoutMs: 10_000 };
  const loop = async (count: number) => {
    let next = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < count) await client.request(request, options);
    }));
  };
  try {
    await loop(2_000);
    const started = performance.now();
    await loop(CEILING_REQUESTS * 4);
    return { exchangesPerS: Math.round(((CEILING_REQUESTS * 4) / (performance.now() - started)) * 1000), what: 'bare Diameter AIR/AIA echo over one TCP loopback connection (CER once), 64 in flight, no element' };
  } finally {
    await client.close();
    await server.close();
  }
}

async function ceiling(mode: 'direct' | 'intercept' | 'live'): Promise<{ exchangesPerS: number; what: string } | { exchangesPerS: null; reason: string }> {
  const { MockNetwork } = await import('../mocks/network');
  const { loadConfig } = await import('../src/config/load');
  const { RealClock } = await import('../src/roaming/clock');
  const { EventBus } = await import('../src/roaming/events');
  const config = loadConfig({ announce: () => undefined });
  const network = new MockNetwork({ config, seed: config.seed, clock: new RealClock(), bus: new EventBus() });
  const route = { element: 'vlr-mme' as const, plmn: '262-01', operation: 'ue/detach' };
  const body = { imsi: '234159900000001' };
  const headers = { 'content-type': 'application/json', 'x-roamsim-deadline': String(Date.now() + 600_000), 'x-roamsim-transaction': '1' };
  const measure = async (call: () => Promise<unknown>): Promise<number> => {
    const loop = async (count: number) => {
      let next = 0;
      await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
        while (next++ < count) await call();
      }));
    };
    await loop(500);
    const started = performance.now();
    await loop(CEILING_REQUESTS);
    return Math.round((CEILING_REQUESTS / (performance.now() - started)) * 1000);
  };
  if (mode === 'direct') {
    const meta = { deadline: Date.now() + 600_000, transactionId: 1 };
    return { exchangesPerS: await measure(() => network.send(route, body, meta)), what: 'bare MockNetwork.send calls (the direct transport), 64 in flight' };
  }
  if (mode === 'intercept') {
    const { InterceptServer, elementBaseUrl } = await import('../mocks/intercept');
    const server = new InterceptServer();
    server.transport(config, network);
    const url = `${elementBaseUrl(config)('vlr-mme')}/vlr-mme/262-01/ue/detach`;
    const text = JSON.stringify(body);
    try {
      return { exchangesPerS: await measure(() => fetch(url, { method: 'POST', headers, body: text }).then((response) => response.text())), what: 'bare fetches answered by MSW in process, 64 in flight' };
    } finally {
      server.close();
    }
  }
  if (!existsSync(path.join(ROOT, 'mocks', 'live-server.ts'))) return { exchangesPerS: null, reason: 'mocks/live-server.ts is not in this build' };
  const { startLiveMocks } = await import('../mocks/live-server');
  const mocks = await startLiveMocks({ config, networkFor: () => network, host: '127.0.0.1', ports: { 'hlr-hss': 0, 'vlr-mme': 0 } });
  // The same client the engine uses in live mode (keep-alive HTTP/1.1 pool), so the ratio compares like with like.
  const { HttpTransport } = await import('../src/roaming/transport');
  const transport = new HttpTransport('live', (element) => mocks.urls[element], undefined);
  const meta = { deadline: Date.now() + 600_000, transactionId: 1 };
  try {
    return { exchangesPerS: await measure(() => transport.send(route, body, meta)), what: 'bare HttpTransport exchanges with the live mocks over loopback, 64 in flight' };
  } finally {
    transport.close();
    await mocks.close();
  }
}

function modeFigures(run: { summary?: Json; error?: string }, roof: { exchangesPerS: number | null; what?: string; reason?: string }): Json {
  if (!run.summary) return { registrationsPerS: null, reason: run.error };
  const summary = run.summary as { throughput: { registrationsPerS: number }; exchanges: number; durationS: number; attempted: number; accepted: number; rejected: number; deadLettered: number; subscribers: number; workers: number; concurrency: number; latencyMs: Json };
  const exchangesPerS = Math.round(summary.exchanges / summary.durationS);
  return {
    registrationsPerS: summary.throughput.registrationsPerS,
    exchangesPerS,
    exchangesPerRegistration: Math.round((summary.exchanges / summary.attempted) * 100) / 100,
    subscribers: summary.subscribers,
    attempted: summary.attempted,
    accepted: summary.accepted,
    rejected: summary.rejected,
    deadLettered: summary.deadLettered,
    workers: summary.workers,
    concurrency: summary.concurrency,
    durationS: summary.durationS,
    latencyMs: summary.latencyMs,
    ceiling: roof.exchangesPerS === null ? { exchangesPerS: null, reason: roof.reason } : { exchangesPerS: roof.exchangesPerS, what: roof.what },
    // Engine exchanges per second per thread over bare transport exchanges per second on one thread: the share
    // of the raw transport's capacity the engine keeps (the ceiling repeats one cheap exchange, no engine).
    ratio: roof.exchangesPerS ? Math.round((exchangesPerS / summary.workers / roof.exchangesPerS) * 1000) / 1000 : null,
  };
}

/** In the --expose-gc child: heap growth per subscriber for the compact store and the Map store. */
async function memoryChild(count: number): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('memory: run with --expose-gc');
  const { CompactSubscriberStore } = await import('../src/subscribers/compact-store');
  const { MapSubscriberStore } = await import('../src/subscribers/store');
  const { SubscriberGenerator } = await import('../src/subscribers/generator');
  const { parsePlmn } = await import('../src/protocol/plmn');
  // 208-01 has no configured ranges: the synthetic ones hold 1,000,000 subscribers.
  const generator = new SubscriberGenerator(parsePlmn('208-01'), undefined, 20261126, 'bench-secret', Buffer.alloc(16, 7));
  const n = Math.min(count, generator.capacity);
  const measure = (build: () => unknown) => {
    gc();
    gc();
    const before = process.memoryUsage();
    const held = build();
    gc();
    gc();
    const after = process.memoryUsage();
    const heap = (after.heapUsed - before.heapUsed) / n;
    const total = (after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / n;
    void held;
    return { heapBytesPerSubscriber: Math.round(heap * 10) / 10, bytesPerSubscriber: Math.round(total * 10) / 10, subscribersPerGB: Math.floor(1e9 / Math.max(total, 1e-9)) };
  };
  let compactStore: InstanceType<typeof CompactSubscriberStore> | undefined;
  const compact = measure(() => {
    compactStore = new CompactSubscriberStore(() => generator);
    compactStore.provision('208-01', { count: n });
    return compactStore;
  });
  const held = compactStore?.size;
  compactStore = undefined;
  let mapStore: InstanceType<typeof MapSubscriberStore> | undefined;
  const map = measure(() => {
    mapStore = new MapSubscriberStore(() => generator);
    for (let index = 0; index < n; index++) mapStore.add(generator.identity(index));
    return mapStore;
  });
  const mapHeld = mapStore?.size;
  process.stdout.write(`${JSON.stringify({ subscribers: n, compact: { ...compact, held }, map: { ...map, held: mapHeld } })}\n`);
}

function featureStartup(): Json {
  const started = performance.now();
  const result = spawnSync('npx', ['cucumber-js', '--dry-run', '--profile', 'test'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  const ms = Math.round(performance.now() - started);
  const scenarios = /(\d+) scenarios?/.exec(result.stdout)?.[1];
  return { command: 'npx cucumber-js --dry-run --profile test', ms, exit: result.status, ...(scenarios ? { scenarios: Number(scenarios) } : {}) };
}

/** One direct-mode load run in this process, with or without its audit trail and dead-letter log. */
async function auditChild(count: number, withRecords: boolean): Promise<void> {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { loadConfig } = await import('../src/config/load');
  const { defaultMix } = await import('../src/load/mix');
  const { planPopulation } = await import('../src/load/population');
  const { LoadRun } = await import('../src/load/run');
  const { WHOLE } = await import('../src/load/shard');
  const { EMBEDDED_SOURCE } = await import('../mocks/embedded');
  const config = loadConfig({ announce: () => undefined });
  const mix = defaultMix(config);
  const logDir = mkdtempSync(path.join(tmpdir(), 'roamsim-bench-audit-'));
  try {
    const run = await LoadRun.prepare({
      config,
      elements: EMBEDDED_SOURCE,
      population: planPopulation(count, mix, config, { widen: true }),
      mix,
      mode: 'direct',
      seed: config.seed,
      shard: WHOLE,
      concurrency: CONCURRENCY,
      faultRate: 0.05,
      ...(withRecords ? { records: { paths: { logDir, auditDir: path.join(logDir, 'audit'), deadLetterFile: path.join(logDir, 'dead-letter.jsonl') }, mode: 'load', environment: 'bench' } } : {}),
    });
    await run.run();
    await run.close();
    const seconds = run.elapsedMs / 1000;
    process.stdout.write(`${JSON.stringify({ records: withRecords, attempted: run.counts.attempted, seconds, registrationsPerS: Math.round(run.counts.attempted / seconds), notWritten: run.counts.notWritten })}\n`);
  } finally {
    rmSync(logDir, { recursive: true, force: true });
  }
}

/** Registrations per second with and without the records, best of three each, alternating (load drifts). */
function auditOverhead(): Json {
  log(`audit overhead: ${AUDIT_SUBSCRIBERS} subscribers, direct mode, with and without records …`);
  const best = { with: 0, without: 0 };
  for (let round = 0; round < 3; round++) {
    for (const withRecords of [false, true]) {
      const { json, error } = child([__filename, 'audit-child', String(AUDIT_SUBSCRIBERS), String(withRecords)]);
      if (!json) return { error: error ?? 'no JSON' };
      const key = withRecords ? 'with' : 'without';
      best[key] = Math.max(best[key], Number(json.registrationsPerS));
    }
  }
  return {
    subscribers: AUDIT_SUBSCRIBERS,
    registrationsPerS: best,
    overheadPercent: best.without > 0 ? Math.round((1 - best.with / best.without) * 1000) / 10 : null,
    what: 'direct-mode load run (fault rate 0.05), best of three each: one audit line per attempt and detach, HMAC chain, batched writes, digest at the end',
  };
}

async function main(): Promise<void> {
  if (process.argv[2] === 'memory-child') return memoryChild(Number(process.argv[3]));
  if (process.argv[2] === 'audit-child') return auditChild(Number(process.argv[3]), process.argv[4] === 'true');
  if (process.argv[2] === 'audit-only') {
    process.stdout.write(`${JSON.stringify({ date: new Date().toISOString(), cpu: cpus()[0]?.model, cores: availableParallelism(), loadAverage1m: loadavg()[0], auditOverhead: auditOverhead() })}\n`);
    return;
  }
  const date = new Date().toISOString();
  const load = loadavg()[0];
  const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), node: process.version, platform: `${platform()} ${arch()}`, loadAverage1m: Math.round(load * 100) / 100 };

  const direct = loadRun('direct', DIRECT_SUBSCRIBERS);
  const intercept = loadRun('intercept', HTTP_SUBSCRIBERS);
  const liveAvailable = existsSync(path.join(ROOT, 'mocks', 'live-server.ts'));
  const live = liveAvailable ? loadRun('live', HTTP_SUBSCRIBERS) : { error: 'mocks/live-server.ts is not in this build' };
  const wire = loadRun('wire', HTTP_SUBSCRIBERS);

  log('transport ceilings …');
  const roofs = { direct: await ceiling('direct'), intercept: await ceiling('intercept'), live: await ceiling('live'), wire: await diameterEcho() };

  log(`memory: provisioning ${MEMORY_SUBSCRIBERS} subscribers …`);
  const memory = child([__filename, 'memory-child', String(MEMORY_SUBSCRIBERS)], ['--expose-gc', '--max-old-space-size=4096']);

  log('feature-suite start-up …');
  const features = featureStartup();
  const records = auditOverhead();

  // Wire mode: S6a exchanges only cross Diameter (about 3 of the 7 exchanges of a registration), so its ratio
  // compares all exchanges per second with the bare Diameter round trips of the same machine and run.
  const modes = { direct: modeFigures(direct, roofs.direct), intercept: modeFigures(intercept, roofs.intercept), live: modeFigures(live, roofs.live), wire: modeFigures(wire, roofs.wire) };
  const out = {
    bench: 'roamsim',
    date,
    machine,
    registrationsPerSecond: { direct: modes.direct.registrationsPerS, intercept: modes.intercept.registrationsPerS, live: modes.live.registrationsPerS, wire: modes.wire.registrationsPerS },
    modes,
    memory: memory.json ?? { error: memory.error },
    featureStartup: features,
    auditOverhead: records,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
