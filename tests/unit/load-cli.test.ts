import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type LoadSummary, run as runLoad } from '../../src/cli/load';
import { main as runMain } from '../../src/cli/main';
import { run as runRoam } from '../../src/cli/roam';
import { CLI_DEPS } from './cli-deps';
import { EMBEDDED_SOURCE } from '../../mocks/embedded';
import type { CliIo } from '../../src/cli/io';

const load = (argv: string[], io: CliIo) => runLoad(argv, io, CLI_DEPS);
const roam = (argv: string[], io: CliIo) => runRoam(argv, io, CLI_DEPS);
const main = (argv: string[], io: CliIo) => runMain(argv, io, CLI_DEPS);
import { loadConfig } from '../../src/config/load';
import { defaultMix } from '../../src/load/mix';
import { planPopulation } from '../../src/load/population';
import { LoadRun } from '../../src/load/run';
import { standaloneNetwork, startLiveMocks } from '../../mocks/live-server';

interface Captured {
  code: number;
  out: string[];
  err: string[];
}

async function cli(command: (argv: string[], io: { out: (s: string) => void; err: (s: string) => void }) => Promise<number>, argv: string[], onErr?: (line: string) => void): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await command(argv, {
    out: (s) => out.push(s),
    err: (s) => {
      err.push(s);
      onErr?.(s);
    },
  });
  return { code, out, err };
}

function onlyJson<T>(result: Captured): T {
  assert.equal(result.out.length, 1, `exactly one line on stdout, got ${result.out.length}: ${result.err.join('\n')}`);
  return JSON.parse(result.out[0]) as T;
}

function balanced(summary: LoadSummary): void {
  assert.equal(summary.attempted, summary.accepted + summary.rejected + summary.deadLettered, 'attempted = accepted + rejected + dead-lettered');
  assert.equal(summary.rejected, Object.values(summary.rejectedByCause).reduce((sum, count) => sum + count, 0), 'rejections by cause add up');
  assert.equal(summary.deadLettered, Object.values(summary.deadLetteredByCause).reduce((sum, count) => sum + count, 0), 'dead letters by cause add up');
}

const counts = (summary: LoadSummary) => ({
  journeys: summary.journeys,
  attempted: summary.attempted,
  accepted: summary.accepted,
  rejected: summary.rejected,
  rejectedByCause: summary.rejectedByCause,
  deadLettered: summary.deadLettered,
  retries: summary.retries,
  exchanges: summary.exchanges,
});

test('load --subscribers 2000 --mode direct --json: one JSON object whose registrations add up', async () => {
  const result = await cli(load, ['--subscribers', '2000', '--mode', 'direct', '--json']);
  assert.equal(result.code, 0, result.err.join('\n'));
  const summary = onlyJson<LoadSummary>(result);
  balanced(summary);
  assert.equal(summary.journeys, 2000);
  assert.ok(summary.attempted >= 2000, 'every journey attaches at least once');
  assert.equal(summary.accepted, summary.attempted, 'the default mix follows the config agreements: all accepted');
  assert.equal(summary.unexpected, 0);
  for (const key of ['p50', 'p95', 'p99', 'max'] as const) assert.equal(typeof summary.latencyMs[key], 'number');
  assert.ok(summary.latencyMs.p50 <= summary.latencyMs.p95 && summary.latencyMs.p95 <= summary.latencyMs.p99 && summary.latencyMs.p99 <= summary.latencyMs.max);
  assert.equal(typeof summary.throughput.registrationsPerS, 'number');
  assert.equal(summary.retries, 0);
});

test('the same --fault-rate 0.2 --seed 7 run twice gives identical counts, all explained by the injected faults', async () => {
  const argv = ['--subscribers', '2000', '--mode', 'direct', '--fault-rate', '0.2', '--seed', '7', '--workers', '1', '--json'];
  const first = await cli(load, argv);
  const second = await cli(load, argv);
  assert.equal(first.code, 0, first.err.join('\n'));
  assert.equal(second.code, 0, second.err.join('\n'));
  const a = onlyJson<LoadSummary>(first);
  const b = onlyJson<LoadSummary>(second);
  balanced(a);
  assert.deepEqual(counts(a), counts(b));
  assert.ok(a.rejected > 0, 'permanent faults reject some registrations');
  assert.ok(a.retries > 0, 'transient faults are retried');
  const injected = ['unknownSubscriber', 'DIAMETER_ERROR_USER_UNKNOWN', 'unexpectedDataValue', 'DIAMETER_UNABLE_TO_COMPLY'];
  for (const cause of Object.keys(a.rejectedByCause)) assert.ok(injected.includes(cause), `${cause} is an injected permanent cause`);
  // Another seed draws other faults.
  const other = onlyJson<LoadSummary>(await cli(load, argv.map((value) => (value === '7' ? '8' : value))));
  assert.notDeepEqual(counts(other), counts(a));
});

test('memoised machine transitions give the same outcomes as running the machine every time', async () => {
  const config = loadConfig({ announce: () => undefined });
  const mix = defaultMix(config);
  const population = planPopulation(600, mix, config);
  const outcomes = async (memo: boolean) => {
    const run = await LoadRun.prepare({ config, elements: EMBEDDED_SOURCE, population, mix, mode: 'direct', seed: 11, shard: { index: 0, count: 1 }, concurrency: 16, faultRate: 0.3, memo });
    await run.run();
    await run.close();
    const { surprises: _surprises, ...rest } = run.counts;
    return rest;
  };
  const memoised = await outcomes(true);
  const plain = await outcomes(false);
  assert.deepEqual(memoised, plain);
  assert.ok(memoised.rejected + memoised.deadLettered > 0, 'the comparison covers failures');
});

test('shards 0/2 and 1/2 together do the journeys of the whole population', async () => {
  const run = async (extra: string[]) => onlyJson<LoadSummary>(await cli(load, ['--subscribers', '1500', '--seed', '3', '--json', ...extra]));
  const whole = await run([]);
  const first = await run(['--shard', '0/2']);
  const second = await run(['--shard', '1/2']);
  assert.equal(first.shard, '0/2');
  assert.equal(first.shardSubscribers + second.shardSubscribers, 1500);
  assert.equal(first.journeys + second.journeys, whole.journeys);
  assert.equal(first.attempted + second.attempted, whole.attempted, 'each subscriber plans the same journey whichever shard runs it');
  assert.equal(first.accepted + second.accepted, whole.accepted);
});

test('a mix file: weights of journey kinds and visited networks; refusals the agreements predict are as expected', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'roamsim-mix-'));
  const file = path.join(dir, 'mix.yaml');
  writeFileSync(
    file,
    ['journeys: { attach-detach: 1, attach-usage-move-detach: 1 }', 'profiles: { postpaid: 3, domestic-only: 1 }', 'homes: { "234-15": 1 }', 'visited:', '  - { plmn: "262-01", weight: 3 }', '  - { plmn: "440-10", weight: 1, rats: [LTE] }'].join('\n'),
  );
  const result = await cli(load, ['--subscribers', '800', '--mix', file, '--json', '--csv', path.join(dir, 'run.csv')]);
  assert.equal(result.code, 0, result.err.join('\n'));
  const summary = onlyJson<LoadSummary>(result);
  balanced(summary);
  assert.equal(summary.mix, file);
  assert.ok(summary.rejected > 0, 'no agreement with 440-10, and domestic-only subscribers do not roam');
  assert.ok(Object.keys(summary.rejectedByCause).some((cause) => /ROAMING_NOT_ALLOWED|roamingNotAllowed/.test(cause)));
  const csv = readFileSync(path.join(dir, 'run.csv'), 'utf8').trim().split('\n');
  assert.match(csv[0], /^elapsed_s,journeys,attempted,accepted,rejected,dead_lettered,retries,registrations_per_s,p50_ms/);
  assert.equal(Number(csv[csv.length - 1].split(',')[2]), summary.attempted, 'the last row has the final counts');

  writeFileSync(file, 'journeys: { teleport: 1 }\n');
  const bad = await cli((argv, io) => main(['load', ...argv], io), ['--subscribers', '10', '--mix', file]);
  assert.equal(bad.code, 2);
  assert.match(bad.err.join('\n'), /journeys\.teleport/);
});

test('bad flags exit 2 and name the flag', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--subscribers', 'lots'], /--subscribers/],
    [[], /--subscribers/],
    [['--subscribers', '10', '--fault-rate', '1.5'], /--fault-rate/],
    [['--subscribers', '10', '--shard', '2/2'], /--shard/],
    [['--subscribers', '10', '--mode', 'carrier-pigeon'], /--mode/],
    [['--subscribers', '10', '--concurrency', '0'], /--concurrency/],
    [['--subscribers', '10', '--duration', 'soon'], /--duration/],
    [['--subscribers', '10', '--rate', '-5'], /--rate/],
    [['--subscribers', '10', '--workers', '2', '--mode', 'intercept'], /--workers/],
    [['--subscribers', '10', '--mocks-url', 'http://127.0.0.1'], /--mocks-url/],
    [['--subscribers', '10', '--bogus'], /bogus/],
  ];
  for (const [argv, flag] of cases) {
    const result = await cli((args, io) => main(['load', ...args], io), argv);
    assert.equal(result.code, 2, `${argv.join(' ')} → exit 2`);
    assert.match(result.err.join('\n'), flag, `${argv.join(' ')} names the flag`);
    assert.equal(result.out.length, 0);
  }
});

test('--metrics-port 0 serves live /metrics during the run', async () => {
  let scraped: Promise<string> | undefined;
  // --linger keeps /metrics up after the run until a scrape came: a loaded machine that delays the scrape
  // past the run's end cannot turn it into a refused connection.
  const result = await cli(load, ['--subscribers', '400', '--duration', '1200ms', '--rate', '1000', '--metrics-port', '0', '--linger', '30s', '--json'], (line) => {
    const url = /metrics on (http:\/\/\S+)/.exec(line)?.[1];
    if (url) scraped = new Promise((resolve, reject) => setTimeout(() => fetch(url).then((response) => response.text()).then(resolve, reject), 600));
  });
  assert.equal(result.code, 0, result.err.join('\n'));
  const summary = onlyJson<LoadSummary>(result);
  balanced(summary);
  assert.ok(summary.metricsUrl);
  assert.ok(scraped, 'the metrics URL was announced on stderr');
  const body = await scraped;
  assert.match(body, /roamsim_registrations_total\{[^}]*outcome="accepted"[^}]*\} \d+/);
  assert.match(body, /roamsim_procedure_duration_seconds_bucket/);
});

test('worker threads split the shard and add up to the same journeys', async () => {
  const result = await cli(load, ['--subscribers', '1200', '--workers', '2', '--json']);
  assert.equal(result.code, 0, result.err.join('\n'));
  const summary = onlyJson<LoadSummary>(result);
  balanced(summary);
  assert.equal(summary.workers, 2);
  assert.equal(summary.journeys, 1200);
  const single = onlyJson<LoadSummary>(await cli(load, ['--subscribers', '1200', '--workers', '1', '--json']));
  assert.equal(summary.attempted, single.attempted);
  assert.equal(summary.accepted, single.accepted);
});

test('live mode: in-process live mocks on ephemeral ports, or running mocks through --mocks-url', async () => {
  const inProcess = await cli(load, ['--subscribers', '150', '--mode', 'live', '--json']);
  assert.equal(inProcess.code, 0, inProcess.err.join('\n'));
  const summary = onlyJson<LoadSummary>(inProcess);
  balanced(summary);
  assert.equal(summary.mode, 'live');
  assert.equal(summary.accepted, summary.attempted);

  const config = loadConfig({ announce: () => undefined });
  const network = standaloneNetwork(config);
  const mocks = await startLiveMocks({ config, networkFor: () => network, host: '127.0.0.1', ports: { 'hlr-hss': 0, 'vlr-mme': 0 } });
  try {
    const remote = await cli(load, ['--subscribers', '120', '--mode', 'live', '--mocks-url', `hlr-hss=${mocks.urls['hlr-hss']},vlr-mme=${mocks.urls['vlr-mme']}`, '--json']);
    assert.equal(remote.code, 0, remote.err.join('\n'));
    const body = onlyJson<LoadSummary>(remote);
    balanced(body);
    assert.equal(body.accepted, body.attempted);
    assert.equal(network.store.size, 120, 'the subscribers were provisioned through the admin endpoint');
  } finally {
    await mocks.close();
  }
});

interface RoamJson {
  command: string;
  outcome: string;
  asExpected: boolean;
  error?: { name: string; code: number };
  subscriber: { index: number; homePlmn: string; profile: string };
  ladder: Array<{ offsetMs: number; from: { kind: string; plmn: string }; to: { kind: string; plmn: string }; procedure: string; result: string; latencyMs: number }>;
}

test('roam: an accepted registration exits 0 and --json prints the outcome and the ladder', async () => {
  const result = await cli(roam, ['--home', '234-15', '--visited', '262-01', '--rat', 'LTE', '--json']);
  assert.equal(result.code, 0, result.err.join('\n'));
  const body = onlyJson<RoamJson>(result);
  assert.equal(body.command, 'roam');
  assert.equal(body.outcome, 'accepted');
  assert.equal(body.asExpected, true);
  assert.deepEqual(body.subscriber, { index: 0, homePlmn: '234-15', profile: 'postpaid' });
  assert.deepEqual(
    body.ladder.map((row) => row.procedure),
    ['Attach', 'Authentication-Information', 'Authentication', 'SecurityModeComplete', 'Update-Location'],
  );
  assert.deepEqual(body.ladder[1].from, { kind: 'MME', plmn: '262-01' });
  assert.deepEqual(body.ladder[1].to, { kind: 'HSS', plmn: '234-15' });
  assert.ok(body.ladder.every((row) => row.result === 'ok' && row.latencyMs > 0 && row.offsetMs >= 0));
  assert.doesNotMatch(result.out[0], /\b234159\d{9}\b/, 'no IMSI in the report');

  const text = await cli(roam, ['--home', '234-15', '--visited', '262-01', '--rat', 'UMTS']);
  assert.equal(text.code, 0);
  assert.match(text.out.join('\n'), /VLR 262-01 +→ HLR 234-15 +MAP SendAuthenticationInfo/);
});

test('roam: a rejection exits 1 unless --expect rejected[:NAME] says so', async () => {
  const argv = ['--home', '234-15', '--visited', '440-10', '--rat', 'GSM'];
  const rejected = await cli(roam, [...argv, '--json']);
  assert.equal(rejected.code, 1);
  const body = onlyJson<RoamJson>(rejected);
  assert.equal(body.outcome, 'rejected');
  assert.equal(body.asExpected, false);
  assert.equal(body.error?.name, 'roamingNotAllowed');
  assert.equal((await cli(roam, [...argv, '--expect', 'rejected'])).code, 0);
  assert.equal((await cli(roam, [...argv, '--expect', 'rejected:roamingNotAllowed'])).code, 0);
  assert.equal((await cli(roam, [...argv, '--expect', 'rejected:unknownSubscriber'])).code, 1);
  assert.equal((await cli(roam, ['--home', '234-15', '--visited', '262-01', '--rat', 'LTE', '--profile', 'domestic-only', '--expect', 'rejected:5004'])).code, 0);
  const notText = await cli(roam, argv);
  assert.match(notText.out.join('\n'), /NOT as expected/);
});

test('roam: bad flags exit 2 and name the flag', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--home', '234-15', '--visited', '262-01'], /--rat/],
    [['--home', '234-15', '--visited', '262-01', '--rat', '6G'], /--rat/],
    [['--home', '23415', '--visited', '262-01', '--rat', 'LTE'], /--home/],
    [['--home', '234-15', '--visited', '262-01', '--rat', 'LTE', '--profile', 'platinum'], /--profile/],
    [['--home', '234-15', '--visited', '262-01', '--rat', 'LTE', '--expect', 'maybe'], /--expect/],
    [['--home', '234-15', '--visited', '262-01', '--rat', 'LTE', '--expect', 'rejected:noSuchError'], /--expect/],
  ];
  for (const [argv, flag] of cases) {
    const result = await cli((args, io) => main(['roam', ...args], io), argv);
    assert.equal(result.code, 2, argv.join(' '));
    assert.match(result.err.join('\n'), flag, argv.join(' '));
  }
});

test('--help on both commands', async () => {
  for (const command of ['roam', 'load']) {
    const result = await cli((args, io) => main([command, ...args], io), ['--help']);
    assert.equal(result.code, 0);
    assert.match(result.out.join('\n'), new RegExp(`Usage: roamsim ${command}`));
  }
});
