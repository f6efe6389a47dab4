import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { loadConfig } from '../../src/config/load';
import { type LoadSummary, run as load } from '../../src/cli/load';
import { run as mocksCommand } from '../../mocks/cli';
import { run as roam } from '../../src/cli/roam';
import { localError } from '../../src/protocol/codes';
import { SimulatedClock } from '../../src/roaming/clock';
import { EventBus } from '../../src/roaming/events';
import { Link } from '../../src/roaming/link';
import { SeededRandom } from '../../src/subscribers/random';
import { verifyAudit } from '../../src/telemetry/audit';
import { LiveUnavailable, prepareRemote } from '../../src/load/remote';
import { CLI_DEPS } from './cli-deps';

/*
 * Every entry point writes the audit trail and the dead-letter log (roamsim load, roam, the mocks' admin
 * actions), and live load tells the truth: lost connections are retried and dead-lettered, admin calls have
 * deadlines, fault rules survive --mocks-url, a stopped run says so.
 */

const root = resolve(__dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'roamsim-entry-records-'));
after(() => rmSync(work, { recursive: true, force: true }));
let dirs = 0;
/** Each case gets its own ROAMSIM_LOG_DIR (the CLI reads it from the environment). */
function useLogDir(): string {
  const dir = join(work, `logs-${++dirs}`);
  process.env.ROAMSIM_LOG_DIR = dir;
  return dir;
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) }, out, err };
}

const auditLines = (dir: string) =>
  readdirSync(join(dir, 'audit'))
    .filter((name) => /^audit-\d{4}-\d\d-\d\d\.jsonl$/.test(name))
    .flatMap((name) => readFileSync(join(dir, 'audit', name), 'utf8').split('\n').filter(Boolean))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

test('roamsim load audits every registration attempt and detach, dead-letters by the same rules, and seals a digest', async () => {
  const dir = useLogDir();
  const c = capture();
  const code = await load(['--subscribers', '600', '--fault-rate', '0.4', '--seed', '11', '--json'], c.io, CLI_DEPS);
  assert.equal(code, 0, c.err.join('\n'));
  const summary = JSON.parse(c.out[0]) as LoadSummary;
  assert.equal(summary.notWritten, 0);
  assert.equal(summary.stopped, false);
  assert.ok(summary.deadLettered > 0, 'the fault rate produced dead letters');
  const lines = auditLines(dir);
  const registrations = lines.filter((line) => line.event === 'registration');
  assert.equal(registrations.length, summary.attempted, 'one audit line per registration attempt');
  assert.equal(registrations.filter((line) => line.outcome === 'dead-lettered').length, summary.deadLettered);
  assert.ok(lines.every((line) => line.mode === 'load'));
  const deadLetters = readFileSync(join(dir, 'dead-letter.jsonl'), 'utf8').split('\n').filter(Boolean);
  assert.equal(deadLetters.length, summary.deadLettered, 'one dead-letter line per dead-lettered attempt');
  const verified = verifyAudit(join(dir, 'audit'));
  assert.equal(verified.ok, true, JSON.stringify(verified));
  assert.match(c.err.join('\n'), /audit trail is unkeyed/);
});

test('roamsim roam writes its attempt to the audit trail, dated by the wall clock', async () => {
  const dir = useLogDir();
  const c = capture();
  assert.equal(await roam(['--home', '234-15', '--visited', '262-01', '--rat', 'LTE', '--json'], c.io, CLI_DEPS), 0, c.err.join('\n'));
  const lines = auditLines(dir);
  assert.equal(lines.length, 1);
  assert.equal(lines[0].mode, 'roam');
  assert.equal(lines[0].outcome, 'accepted');
  assert.equal(String(lines[0].when).slice(0, 10), new Date().toISOString().slice(0, 10));
  assert.equal(verifyAudit(join(dir, 'audit')).ok, true);
});

test('the mocks audit their admin actions; GET /admin/faults lists the rules; --mocks-url keeps them unless --reset-faults', async () => {
  const mocksDir = useLogDir();
  const abort = new AbortController();
  const started = capture();
  const running = mocksCommand(['--hlr-port', '0', '--vlr-port', '0', '--metrics-port', 'off'], started.io, { signal: abort.signal });
  try {
    let urls: string[] | undefined;
    for (let i = 0; i < 200 && !urls; i++) {
      const line = started.out.find((text) => text.includes('HLR/HSS http'));
      urls = line ? [...line.matchAll(/http:\/\/127\.0\.0\.1:\d+/g)].map((match) => match[0]) : undefined;
      if (!urls) await new Promise((done) => setTimeout(done, 50));
    }
    assert.ok(urls, `the mocks did not start: ${started.err.join('\n')}`);
    const [hlr, vlr] = urls;
    const config = loadConfig({ announce: () => undefined });
    const headers = { authorization: `Bearer ${config.secrets.adminToken}`, 'content-type': 'application/json' };
    const rule = { operation: 'UpdateLocation', action: 'error', error: 'roamingNotAllowed', count: 0 };
    assert.equal((await fetch(`${hlr}/admin/faults`, { method: 'POST', headers, body: JSON.stringify(rule) })).status, 204);
    const listed = (await (await fetch(`${hlr}/admin/faults`, { headers })).json()) as { rules: Array<{ error: string }> };
    assert.deepEqual(listed.rules.map((entry) => entry.error), ['roamingNotAllowed']);
    assert.equal((await fetch(`${hlr}/admin/faults`)).status, 401, 'listing needs the token too');

    useLogDir();
    const kept = capture();
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (stderr.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      assert.equal(await load(['--subscribers', '60', '--mode', 'live', '--mocks-url', `hlr-hss=${hlr},vlr-mme=${vlr}`, '--json'], kept.io, CLI_DEPS), 0, kept.err.join('\n'));
    } finally {
      process.stderr.write = write;
    }
    assert.match(stderr.join(''), /keeping 1 fault rule\(s\) already set on the mocks/);
    const afterRun = (await (await fetch(`${hlr}/admin/faults`, { headers })).json()) as { rules: unknown[] };
    assert.equal(afterRun.rules.length, 1, 'the rule set through POST /admin/faults survived the run');

    const reset = capture();
    assert.equal(await load(['--subscribers', '60', '--mode', 'live', '--mocks-url', `hlr-hss=${hlr},vlr-mme=${vlr}`, '--reset-faults', '--json'], reset.io, CLI_DEPS), 0, reset.err.join('\n'));
    const cleared = (await (await fetch(`${hlr}/admin/faults`, { headers })).json()) as { rules: unknown[] };
    assert.deepEqual(cleared.rules, []);
  } finally {
    abort.abort();
    await running;
  }
  const actions = auditLines(mocksDir).filter((line) => line.event === 'admin').map((line) => line.action);
  assert.ok(actions.includes('POST /admin/faults'), actions.join(', '));
  assert.ok(actions.includes('POST /admin/subscribers'), actions.join(', '));
  assert.ok(actions.includes('DELETE /admin/faults'), actions.join(', '));
  assert.ok(!actions.some((action) => String(action).startsWith('GET')), 'reads are not audited');
  const verified = verifyAudit(join(mocksDir, 'audit'));
  assert.equal(verified.ok, true, JSON.stringify(verified));
});

test('--reset-faults without --mocks-url is refused', async () => {
  await assert.rejects(load(['--subscribers', '10', '--reset-faults'], capture().io, CLI_DEPS), /--reset-faults.*only with --mocks-url/);
});

test('a lost connection on the UE leg is retried by the policy and then dead-lettered with its cause', async () => {
  const clock = new SimulatedClock(Date.UTC(2026, 0, 1));
  const bus = new EventBus();
  let sends = 0;
  const link = new Link({
    bus,
    clock,
    random: new SeededRandom(1),
    linkLatencyMs: 0,
    retry: { maxAttempts: 3, initialBackoffMs: 10, backoffFactor: 2, maxBackoffMs: 100, jitter: 'none', requestTimeoutMs: 1000 },
    transport: { mode: 'live', send: async () => (sends++, { kind: 'transport-error', detail: 'connect ECONNREFUSED 127.0.0.1:1' }) } as unknown as ConstructorParameters<typeof Link>[0]['transport'],
  });
  const result = await link.transact({
    protocol: 'NAS',
    procedure: 'Attach',
    from: { kind: 'UE', plmn: '234-15' },
    to: { kind: 'MME', plmn: '262-01' },
    rat: 'LTE',
    subscriber: { imsi: '234150000000001' },
    homePlmn: '234-15',
    visitedPlmn: '262-01',
    request: {},
    route: { element: 'vlr-mme', plmn: '262-01', operation: 'attach' },
  } as Parameters<Link['transact']>[0]);
  assert.equal(sends, 3, 'retried up to the policy');
  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.exhausted, true, 'exhausted: the attempt belongs in the dead-letter log');
  assert.deepEqual(!result.ok && result.error, localError('transportError', 'connect ECONNREFUSED 127.0.0.1:1'));
});

test('provisioning against frozen mocks ends at the admin deadline with a message, never a hang', async () => {
  // Accepts connections and never answers.
  const frozen: Server = createServer(() => undefined);
  await new Promise<void>((done) => frozen.listen(0, '127.0.0.1', done));
  const port = (frozen.address() as { port: number }).port;
  try {
    const config = loadConfig({ announce: () => undefined });
    const url = `http://127.0.0.1:${port}`;
    const population = { config, shares: [{ home: '234-15', count: 3, widened: false }] } as unknown as Parameters<typeof prepareRemote>[2];
    const planner = { profileOf: () => 'postpaid' } as unknown as Parameters<typeof prepareRemote>[4];
    await assert.rejects(
      prepareRemote({ 'hlr-hss': url, 'vlr-mme': url }, config, population, { index: 0, count: 1 }, planner, 0, { deadlineMs: 300 }),
      (error: unknown) => error instanceof LiveUnavailable && /did not answer POST .*\/admin\/subscribers within 0\.3 s/.test((error as Error).message),
    );
  } finally {
    frozen.close();
  }
});

test('SIGTERM stops a load run: journeys in flight finish, "stopped": true, exit 143, counts add up', { timeout: 120_000 }, async () => {
  const dir = join(work, 'sigterm');
  const child = spawn(process.execPath, [join(root, 'bin', 'roamsim.js'), 'load', '--subscribers', '200', '--mode', 'intercept', '--duration', '60s', '--json'], {
    cwd: root,
    env: { ...process.env, ROAMSIM_LOG_DIR: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    // The run has started once it has announced its records: stop it then.
    if (/audit trail is/.test(stderr) && child.exitCode === null && !child.killed) setTimeout(() => child.kill('SIGTERM'), 1500);
  });
  const guard = setTimeout(() => child.kill('SIGKILL'), 100_000);
  const code = await new Promise<number | null>((done) => child.once('close', done));
  clearTimeout(guard);
  assert.equal(code, 143, `exit ${code}\n${stderr}`);
  const summary = JSON.parse(stdout) as LoadSummary;
  assert.equal(summary.stopped, true);
  assert.ok(summary.journeys > 0 && summary.journeys < 100_000);
  assert.equal(summary.attempted, summary.accepted + summary.rejected + summary.deadLettered);
  assert.match(stderr, /SIGTERM: stopping/);
  const verified = verifyAudit(join(dir, 'audit'));
  assert.equal(verified.ok, true, JSON.stringify(verified));
});
