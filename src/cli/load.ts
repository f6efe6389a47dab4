import { closeSync, openSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { type RoamingConfig, loadConfig, parseSeed } from '../config/load';
import { InputError } from '../errors';
import { renderGsupSummary, runGsupLoad } from '../gsup/load';
import { parseOsmoCtrlUrl } from '../gsup/osmo-ctrl';
import { probeDiameterPeer } from '../protocol/diameter-probe';
import { LoadMetrics } from '../load/metrics';
import { defaultMix, loadMix, type Mix } from '../load/mix';
import { planPopulation } from '../load/population';
import { Progress } from '../load/progress';
import { LiveUnavailable, type LoadOptions } from '../load/run';
import { formatShard, parseShard, type Shard, WHOLE } from '../load/shard';
import { type CountsData, type LatencySummary, sortedCauses } from '../load/stats';
import { startThreads, type Threads } from '../load/threads';
import { type ElementKind, type TransportMode, parseTransportMode } from '../roaming/transport';
import { diameterHost, diameterRealm } from '../roaming/addresses';
import { runPseudonymizer } from '../subscribers/run-pseudonymizer';
import { AuditTrail } from '../telemetry/audit';
import { WriteFailure, appendWholeFd, writeFailure } from '../telemetry/durable-write';
import { type MetricsServer, startMetricsServer } from '../telemetry/exporter';
import { recordsSpec } from '../telemetry/run-records';
import type { CliDeps } from './main';
import { type CliIo, EXIT, defaultIo, parseFlags } from './io';

const USAGE = `Usage: roamsim load --subscribers N [--rate R] [--concurrency C] [--duration D] [--mode direct|intercept|live|wire]
                    [--mix FILE] [--fault-rate F] [--seed S] [--shard I/N] [--workers W|auto] [--json] [--csv FILE]
                    [--metrics-port N|off] [--metrics-host H] [--linger D] [--mocks-url URL [--reset-faults]]
                    [--hss HOST:PORT [--mocks-url URL] (with --mode wire)]
       roamsim load --mode wire --hlr HOST:PORT --provision osmo-ctrl://HOST:PORT --subscribers N [--concurrency C]
                    [--seed S] [--json]

Runs many journeys (attach, optional data usage, optional move, detach) of N synthetic subscribers and prints
a summary: registrations attempted, accepted, rejected by cause, dead-lettered, retries, throughput and
latency p50/p95/p99/max.

  --subscribers N   the population (all shards together); each subscriber does one journey
  --rate R          journeys started per second (default: as fast as the concurrency allows)
  --concurrency C   journeys in flight (default 64)
  --duration D      go round the population until D has passed (90, 90s, 5m, 1h) instead of once
  --mode M          direct (handler calls, no HTTP; default), intercept (fetch through MSW), live (HTTP),
                    wire (S6a over Diameter/TCP on 127.0.0.1 to an HSS server in this process)
  --mix FILE        YAML weights of journey kinds, profiles, homes and visited networks (default: every
                    agreement of config/roaming.yaml, every roaming profile, evenly)
  --fault-rate F    0..1: that share of HLR/HSS authentication and location requests fails (60 % transient,
                    retried; 40 % permanent), drawn from the seed
  --seed S          journeys, faults and subscribers replay from the seed (default ROAMSIM_SEED / config)
  --shard I/N       run the I-th of N disjoint slices: generator index i of each home belongs to shard i mod N
  --workers W       worker threads for direct mode (default auto: one per core, up to 4, for 20,000+
                    journeys; 1 otherwise); counts replay for the same seed, workers and concurrency
  --json            print exactly one JSON object instead of the text summary
  --csv FILE        write one row per second: journeys, registrations, outcomes, rate and latency
  --metrics-port N  serve Prometheus /metrics during the run (0: any free port; default ROAMSIM_METRICS_PORT, else off)
  --metrics-host H  address for /metrics (default 127.0.0.1; 0.0.0.0 in a pod, ROAMSIM_METRICS_HOST)
  --linger D        after the summary, keep /metrics up until one scrape has read the final values, at
                    most D (60s, 2m; ROAMSIM_METRICS_LINGER): a run shorter than the scrape interval is not lost
  --mocks-url URL   live mode (or wire mode with --hss) against running \`roamsim mocks\`: http://HOST (ports
                    from config) or hlr-hss=URL,vlr-mme=URL; the mocks must share ROAMSIM_SEED and the .env
                    secrets.
                    Fault rules already set on the mocks (POST /admin/faults) are kept; every admin
                    call has a 10 s deadline
  --reset-faults    with --mocks-url: delete the mocks' fault rules before the run adds --fault-rate's
  --hss HOST:PORT   wire mode: the MMEs speak S6a to the HSS at that address instead of one in this process
                    (its identity and realm read from its CEA); it must hold the run's subscribers: for
                    \`roamsim mocks --diameter-port\`, the same ROAMSIM_SEED and .env secrets, and
                    --mocks-url naming those mocks, through which the run provisions them
  --hlr HOST:PORT   wire mode: a real HLR's GSUP server (osmo-hlr: 4222). Provisions N subscribers of the
                    first configured home network through --provision, drives SendAuthInfo + UpdateLocation
                    (with its InsertSubscriberData) per subscriber, prints the SUT's CPU share when it runs on
                    this machine (/proc/<pid>/stat), and deletes the subscribers at the end
  --provision URL   wire mode: osmo-ctrl://HOST:PORT, the HLR's CTRL interface (osmo-hlr: 4259)

Direct mode runs on a zero-latency clock (nothing waits; retry backoffs return at once). Intercept, live and
wire run on the real clock: retries back off in real time, and there are no simulated link latencies.
Progress goes to stderr (a bar on a terminal, a line every 5 s otherwise).
Every registration attempt and detach is audited (ROAMSIM_LOG_DIR/audit, sealed by a digest at the end) and
every dead-lettered attempt written to ROAMSIM_LOG_DIR/dead-letter.jsonl; a record that cannot be written
stops the run and fails it. SIGINT/SIGTERM stop the run: journeys in flight finish, the summary says
"stopped": true, exit status 130/143.
Exit status: 0 every registration ended as expected (accepted where an agreement covers the RAT and the
profile roams, rejected otherwise; with --fault-rate also failed with an injected cause), 1 some did not,
2 usage or configuration error.`;

export interface LoadSummary {
  readonly command: 'load';
  readonly mode: TransportMode;
  readonly seed: number;
  readonly shard: string;
  readonly workers: number;
  readonly concurrency: number;
  readonly subscribers: number;
  readonly shardSubscribers: number;
  readonly mix: string;
  readonly faultRate: number;
  readonly journeys: number;
  readonly attempted: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly rejectedByCause: Record<string, number>;
  readonly deadLettered: number;
  readonly deadLetteredByCause: Record<string, number>;
  readonly retries: number;
  readonly exchanges: number;
  readonly unexpected: number;
  readonly crashed: number;
  readonly durationS: number;
  readonly throughput: { readonly registrationsPerS: number; readonly journeysPerS: number };
  readonly latencyMs: LatencySummary;
  readonly metricsUrl?: string;
  readonly surprises?: readonly string[];
  /** Ended by SIGINT/SIGTERM before its planned end: the counts cover the journeys that ran. */
  readonly stopped: boolean;
  /** Audit and dead-letter records that could not be written; the run then fails. */
  readonly notWritten: number;
  readonly writeFailures?: readonly string[];
  /** Where the audit trail and dead-letter log went. */
  readonly records: { readonly auditDir: string; readonly deadLetterFile: string; readonly keyed: boolean };
}

export async function run(argv: string[], io: CliIo = defaultIo, deps: Pick<CliDeps, 'elementSource'>): Promise<number> {
  const parsed = parseFlags(
    'load',
    argv,
    {
      subscribers: { type: 'string' },
      rate: { type: 'string' },
      concurrency: { type: 'string', default: '64' },
      duration: { type: 'string' },
      mode: { type: 'string', default: 'direct' },
      mix: { type: 'string' },
      'fault-rate': { type: 'string', default: '0' },
      seed: { type: 'string' },
      shard: { type: 'string' },
      workers: { type: 'string', default: 'auto' },
      json: { type: 'boolean', default: false },
      csv: { type: 'string' },
      'metrics-port': { type: 'string' },
      'metrics-host': { type: 'string' },
      linger: { type: 'string' },
      'mocks-url': { type: 'string' },
      'reset-faults': { type: 'boolean', default: false },
      hlr: { type: 'string' },
      provision: { type: 'string' },
      hss: { type: 'string' },
    },
    USAGE,
    io,
  );
  if ('exit' in parsed) return parsed.exit;
  const { values } = parsed;
  // A real HLR named by --hlr/--provision: load on it over GSUP. Plain --mode wire runs the journeys over the
  // embedded elements' own sockets (GSUP for GSM/UMTS, Diameter for LTE) like any other mode.
  if (values.hlr !== undefined || values.provision !== undefined) return runWire(values, io);
  if (values.subscribers === undefined) throw new InputError('', '--subscribers', 'the number of subscribers, e.g. --subscribers 100000');
  const subscribers = wholeNumber(values.subscribers, '--subscribers', 1, 100_000_000);
  const concurrency = wholeNumber(values.concurrency, '--concurrency', 1, 4096);
  const rate = values.rate === undefined ? undefined : journeyRate(values.rate, '--rate');
  const durationMs = values.duration === undefined ? undefined : parseDuration(values.duration);
  const mode = parseTransportMode(values.mode, '--mode');
  const faultRate = fraction(values['fault-rate'], '--fault-rate');
  const shard: Shard = values.shard === undefined ? WHOLE : parseShard(values.shard);
  const metricsText = values['metrics-port'] ?? process.env.ROAMSIM_METRICS_PORT;
  const metricsPort = metricsText === undefined || metricsText === 'off' ? undefined : wholeNumber(metricsText, values['metrics-port'] === undefined ? 'ROAMSIM_METRICS_PORT' : '--metrics-port', 0, 65535);
  const metricsHost = values['metrics-host'] ?? process.env.ROAMSIM_METRICS_HOST ?? '127.0.0.1';
  const lingerText = values.linger ?? process.env.ROAMSIM_METRICS_LINGER;
  const lingerMs = lingerText === undefined ? 0 : parseDuration(lingerText, values.linger === undefined ? 'ROAMSIM_METRICS_LINGER' : '--linger');
  // With --hss, --mocks-url names the admin endpoint of the same `roamsim mocks` that serves that HSS: the run
  // provisions its subscribers there, as in live mode.
  if (values['mocks-url'] !== undefined && mode !== 'live' && !(mode === 'wire' && values.hss !== undefined)) {
    throw new InputError(values['mocks-url'], '--mocks-url', 'only with --mode live, or with --mode wire --hss (the mocks that serve that HSS)');
  }
  if (values['reset-faults'] && values['mocks-url'] === undefined) throw new InputError('--reset-faults', '--reset-faults', 'only with --mocks-url (it clears the fault rules of running mocks)');

  if (values.hss !== undefined && mode !== 'wire') throw new InputError(values.hss, '--hss', 'only with --mode wire (the MMEs speak S6a over Diameter/TCP to that HSS)');
  const hssAddress = values.hss === undefined ? undefined : parseHostPort(values.hss, '--hss', "an HSS's Diameter address as HOST:PORT, e.g. --hss 127.0.0.1:3868");

  let config = loadConfig();
  if (hssAddress) {
    try {
      config = await withExternalHss(config, hssAddress);
    } catch (error) {
      io.err(`roamsim load: --hss ${values.hss}: ${(error as Error).message} (is the HSS running there and does it accept MMEs of 3gppnetwork.org realms?)`);
      return EXIT.usage;
    }
    io.err(`roamsim load: --hss ${values.hss}: HSS ${config.networks[0]?.hss?.host} (${config.networks[0]?.hss?.realm}) serves every home network`);
  }
  const seed = values.seed === undefined ? config.seed : parseSeed(values.seed, '--seed');
  const mocksUrls = values['mocks-url'] === undefined ? undefined : parseMocksUrl(values['mocks-url'], config);
  const mix: Mix = values.mix === undefined ? defaultMix(config) : loadMix(values.mix, config);
  const population = planPopulation(subscribers, mix, config, { widen: mocksUrls === undefined && hssAddress === undefined });
  const widened = population.shares.filter((share) => share.widened).map((share) => `${share.home} (${share.count})`);
  if (widened.length > 0) io.err(`roamsim load: the configured number ranges are too small for ${widened.join(', ')}: those homes use the synthetic ranges (MSIN 99…, MSISDN <cc>999…)`);
  const workers = workerCount(values.workers, mode, subscribers, shard, mocksUrls !== undefined);

  // The run's records: retention first (whole days, recorded in a digest), then each thread appends.
  const records = recordsSpec('load');
  const retention = new AuditTrail({ dir: records.paths.auditDir, retentionDays: config.audit.retentionDays, mode: 'load', environment: records.environment, pseudonymizer: runPseudonymizer(config), key: config.secrets.auditKey });
  try {
    retention.applyRetention();
  } catch (error) {
    if (error instanceof WriteFailure) {
      io.err(`roamsim load: ${error.message}: the audit trail cannot be written, so the run does not start`);
      return EXIT.failed;
    }
    throw error;
  }
  if (!retention.mac.keyed) io.err(`roamsim load: the audit trail is ${retention.mac.describe()}`);

  const options: LoadOptions = {
    records,
    ...(values['reset-faults'] ? { resetFaults: true } : {}),
    config,
    elements: deps.elementSource,
    population,
    mix,
    mode,
    seed,
    shard,
    concurrency,
    faultRate,
    metrics: metricsPort !== undefined,
    ...(rate === undefined ? {} : { rate }),
    ...(durationMs === undefined ? {} : { durationMs }),
    ...(mocksUrls ? { mocksUrls } : {}),
  };

  const metrics = metricsPort === undefined ? undefined : new LoadMetrics();
  let server: MetricsServer | undefined;
  let threads: Threads | undefined;
  let csv: number | undefined;
  const progressIo = io === defaultIo && process.stderr.isTTY ? (text: string) => void process.stderr.write(text) : (text: string) => io.err(text.replace(/\n$/, ''));
  const timers: NodeJS.Timeout[] = [];
  try {
    if (metrics && metricsPort !== undefined) {
      server = await startMetricsServer({ port: metricsPort, host: metricsHost, metrics });
      io.err(`roamsim load: metrics on ${server.url}`);
    }
    if (values.csv !== undefined) {
      try {
        csv = openSync(values.csv, 'w');
      } catch (error) {
        throw new InputError(values.csv, '--csv', `a file that can be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      }
      try {
        appendWholeFd(csv, values.csv, Buffer.from('elapsed_s,journeys,attempted,accepted,rejected,dead_lettered,retries,registrations_per_s,p50_ms,p95_ms,p99_ms,max_ms\n'), 'CSV header');
      } catch (error) {
        throw new InputError(values.csv, '--csv', `a file that can be written (${(error as WriteFailure).code}: ${(error as WriteFailure).reason})`);
      }
    }
    try {
      threads = await startThreads(options, workers);
    } catch (error) {
      if (error instanceof LiveUnavailable) {
        io.err(`roamsim load: ${error.message}`);
        return EXIT.usage;
      }
      throw error;
    }
    const active = threads;
    const tty = io === defaultIo && process.stderr.isTTY === true;
    const progress = new Progress(progressIo, tty, { journeys: active.planned, ...(durationMs === undefined ? {} : { durationMs }) });
    // SIGINT/SIGTERM: start no further journey, let the ones in flight end, report with "stopped": true and
    // exit 128+signal. A second signal ends the process at once.
    let stoppedBy: NodeJS.Signals | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stoppedBy) {
        io.err(`roamsim load: ${signal} again: ending now, without a summary`);
        process.exit(SIGNAL_EXIT[signal] ?? EXIT.failed);
      }
      stoppedBy = signal;
      io.err(`roamsim load: ${signal}: stopping (journeys in flight finish; ${signal} again to end now)`);
      active.stop();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    if (metrics) {
      metrics.pullFrom((apply) => active.drainMetrics(apply));
      timers.push(setInterval(() => metrics.flush(), 1000));
    }
    timers.push(setInterval(() => progress.update(active.sample()), tty ? 250 : 5000));
    let lastCsv = { at: 0, attempted: 0 };
    let csvFailure: WriteFailure | undefined;
    let csvNotWritten = 0;
    const csvRow = (fd: number) => {
      const sample = active.sample();
      const window = active.takeInterval();
      const seconds = (sample.elapsedMs - lastCsv.at) / 1000;
      const rateNow = seconds > 0 ? (sample.attempted - lastCsv.attempted) / seconds : 0;
      lastCsv = { at: sample.elapsedMs, attempted: sample.attempted };
      const row = `${(sample.elapsedMs / 1000).toFixed(3)},${sample.journeys},${sample.attempted},${sample.accepted},${sample.rejected},${sample.deadLettered},${sample.retries},${rateNow.toFixed(0)},${window.p50},${window.p95},${window.p99},${window.max}\n`;
      if (csvFailure) {
        csvNotWritten++;
        return;
      }
      try {
        // One whole row per write; a full disk stops the run (fail closed) instead of crashing a timer.
        appendWholeFd(fd, values.csv as string, Buffer.from(row), 'CSV row');
      } catch (error) {
        csvFailure = writeFailure(values.csv as string, 'CSV row', error);
        csvNotWritten++;
        io.err(`roamsim load: ${csvFailure.message}: stopping the run`);
        active.stop();
      }
    };
    if (csv !== undefined) {
      const fd = csv;
      timers.push(setInterval(() => csvRow(fd), 1000));
    }
    const result = await active.done;
    if (csv !== undefined) csvRow(csv);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    for (const timer of timers) clearInterval(timer);
    timers.length = 0;
    metrics?.flush();
    progress.finish();
    const summary = summarise(result.counts, result.latency, result.elapsedMs, {
      mode,
      seed,
      shard,
      workers: active.workers,
      concurrency,
      subscribers,
      shardSubscribers: active.planned,
      mix: mix.source,
      faultRate,
      stopped: stoppedBy !== undefined,
      records: { auditDir: records.paths.auditDir, deadLetterFile: records.paths.deadLetterFile, keyed: retention.mac.keyed },
      ...(server ? { metricsUrl: server.url } : {}),
    });
    if (values.json) io.out(JSON.stringify(summary));
    else io.out(renderSummary(summary));
    if (summary.notWritten > 0) io.err(`roamsim load: NOT WRITTEN: ${summary.notWritten} audit/dead-letter record(s): ${summary.writeFailures?.join('; ')}`);
    if (csvFailure) io.err(`roamsim load: NOT WRITTEN: ${csvNotWritten} CSV row(s) to ${csvFailure.file} (${csvFailure.code}: ${csvFailure.reason})`);
    if (stoppedBy) return SIGNAL_EXIT[stoppedBy] ?? EXIT.failed;
    if (server && lingerMs > 0) {
      io.err(`roamsim load: waiting for a scrape of ${server.url} (at most ${lingerMs / 1000} s, --linger)`);
      const scraped = await server.nextScrape(lingerMs);
      io.err(scraped ? 'roamsim load: final metrics scraped' : `roamsim load: no scrape within ${lingerMs / 1000} s; the final values were not read`);
    }
    return summary.unexpected === 0 && summary.crashed === 0 && summary.notWritten === 0 && !csvFailure ? EXIT.ok : EXIT.failed;
  } finally {
    for (const timer of timers) clearInterval(timer);
    await threads?.close();
    await server?.close();
    if (csv !== undefined) closeSync(csv);
  }
}

function summarise(
  counts: CountsData,
  latency: LatencySummary,
  elapsedMs: number,
  run: {
    mode: TransportMode;
    seed: number;
    shard: Shard;
    workers: number;
    concurrency: number;
    subscribers: number;
    shardSubscribers: number;
    mix: string;
    faultRate: number;
    stopped: boolean;
    records: LoadSummary['records'];
    metricsUrl?: string;
  },
): LoadSummary {
  const seconds = Math.max(elapsedMs, 1e-3) / 1000;
  return {
    command: 'load',
    mode: run.mode,
    seed: run.seed,
    shard: formatShard(run.shard),
    workers: run.workers,
    concurrency: run.concurrency,
    subscribers: run.subscribers,
    shardSubscribers: run.shardSubscribers,
    mix: run.mix,
    faultRate: run.faultRate,
    journeys: counts.journeys,
    attempted: counts.attempted,
    accepted: counts.accepted,
    rejected: counts.rejected,
    rejectedByCause: sortedCauses(counts.rejectedByCause),
    deadLettered: counts.deadLettered,
    deadLetteredByCause: sortedCauses(counts.deadLetteredByCause),
    retries: counts.retries,
    exchanges: counts.exchanges,
    unexpected: counts.unexpected,
    crashed: counts.crashed,
    durationS: Math.round(seconds * 1000) / 1000,
    throughput: { registrationsPerS: Math.round(counts.attempted / seconds), journeysPerS: Math.round(counts.journeys / seconds) },
    latencyMs: latency,
    ...(run.metricsUrl ? { metricsUrl: run.metricsUrl } : {}),
    ...(counts.surprises.length > 0 ? { surprises: counts.surprises } : {}),
    stopped: run.stopped,
    notWritten: counts.notWritten,
    ...(counts.writeFailures.length > 0 ? { writeFailures: counts.writeFailures } : {}),
    records: run.records,
  };
}

export function renderSummary(summary: LoadSummary): string {
  const n = (value: number) => value.toLocaleString('en-GB');
  const causes = (by: Record<string, number>) =>
    Object.entries(by)
      .map(([cause, count]) => `\n${n(count).padStart(29)}  ${cause}`)
      .join('');
  const lines = [
    `roamsim load: ${summary.mode} mode, shard ${summary.shard}, ${n(summary.shardSubscribers)} of ${n(summary.subscribers)} subscribers, seed ${summary.seed}, ${summary.workers} worker${summary.workers === 1 ? '' : 's'} × concurrency ${summary.concurrency}`,
    `  mix: ${summary.mix}${summary.faultRate > 0 ? `, fault rate ${summary.faultRate}` : ''}`,
    `  journeys       ${n(summary.journeys).padStart(12)}`,
    `  registrations  ${n(summary.attempted).padStart(12)} attempted`,
    `    accepted     ${n(summary.accepted).padStart(12)}`,
    `    rejected     ${n(summary.rejected).padStart(12)}${causes(summary.rejectedByCause)}`,
    `    dead-lettered${n(summary.deadLettered).padStart(12)}${causes(summary.deadLetteredByCause)}`,
    `  retries        ${n(summary.retries).padStart(12)}`,
    `  exchanges      ${n(summary.exchanges).padStart(12)}`,
    `  throughput     ${n(summary.throughput.registrationsPerS).padStart(12)} registrations/s, ${n(summary.throughput.journeysPerS)} journeys/s over ${summary.durationS} s`,
    `  latency (ms)   p50 ${summary.latencyMs.p50}  p95 ${summary.latencyMs.p95}  p99 ${summary.latencyMs.p99}  max ${summary.latencyMs.max}`,
  ];
  if (summary.metricsUrl) lines.push(`  metrics        ${summary.metricsUrl}`);
  lines.push(`  records        ${summary.records.auditDir} (${summary.records.keyed ? 'keyed' : 'UNKEYED'}), ${summary.records.deadLetterFile}`);
  if (summary.stopped) lines.push(`  STOPPED by a signal: the counts cover the ${n(summary.journeys)} journey(s) that ran`);
  if (summary.notWritten > 0) lines.push(`  NOT WRITTEN: ${n(summary.notWritten)} audit/dead-letter record(s): ${(summary.writeFailures ?? []).join('; ')}`);
  if (summary.unexpected > 0 || summary.crashed > 0) {
    lines.push(`  NOT AS EXPECTED: ${summary.unexpected} registration(s) ended otherwise than expected, ${summary.crashed} journey(s) failed`);
    for (const surprise of summary.surprises ?? []) lines.push(`    e.g. ${surprise}`);
  } else {
    lines.push('  every registration ended as expected');
  }
  return lines.join('\n');
}

/** Exit status of a run stopped by a signal: 128 + the signal's number, as a shell reports it. */
const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

function workerCount(text: string, mode: TransportMode, subscribers: number, shard: Shard, remote: boolean): number {
  if (text === 'auto') {
    if (mode !== 'direct' || remote) return 1;
    const journeys = Math.ceil(subscribers / shard.count);
    return journeys >= 20_000 ? Math.max(1, Math.min(4, availableParallelism())) : 1;
  }
  const workers = wholeNumber(text, '--workers', 1, 64);
  if (workers > 1 && mode !== 'direct') throw new InputError(text, '--workers', `1 in ${mode} mode (worker threads are for direct mode; run more shards instead)`);
  return workers;
}

/** HOST:PORT with a port 1..65535. */
function parseHostPort(text: string, flag: string, expected: string): { host: string; port: number } {
  const match = /^([^\s:]+):(\d{1,5})$/.exec(text);
  const port = match ? Number(match[2]) : 0;
  if (!match || port < 1 || port > 65535) throw new InputError(text, flag, expected);
  return { host: match[1] as string, port };
}

/**
 * `--hss HOST:PORT`: the HSS at that address serves every home network of the run. Its Diameter identity and
 * realm are read from its CEA (the probe connects as the MME of the first visited network); the MMEs route
 * its realm to it, and every other home realm too (their default route).
 */
async function withExternalHss(config: RoamingConfig, address: { host: string; port: number }): Promise<RoamingConfig> {
  const visited = config.agreements[0]?.visited ?? config.networks[0]?.plmn;
  if (visited === undefined) throw new Error('the configuration has no network');
  const peer = await probeDiameterPeer(address.host, address.port, { host: diameterHost(visited, 'mme'), realm: diameterRealm(visited) }, config.endpoints.readyTimeoutMs, config.diameter.watchdogMs);
  const hss = { host: peer.host, realm: peer.realm, address: address.host, port: address.port };
  return { ...config, networks: config.networks.map((n) => ({ ...n, hss })) };
}

/** `--mode wire --hlr … --provision …`: load on a real HLR over GSUP (src/gsup/load.ts). */
async function runWire(values: Record<string, string | boolean | undefined>, io: CliIo): Promise<number> {
  const text = (key: string) => (typeof values[key] === 'string' ? (values[key] as string) : undefined);
  if (text('mode') !== 'wire') throw new InputError(text('mode') ?? '', '--mode', 'wire together with --hlr and --provision');
  const hlrText = text('hlr');
  if (hlrText === undefined || !/^[^\s:]+:\d{1,5}$/.test(hlrText)) throw new InputError(hlrText ?? '', '--hlr', "the real HLR's GSUP address as HOST:PORT, e.g. --hlr 127.0.0.1:4222");
  const provision = parseOsmoCtrlUrl(text('provision') ?? '', '--provision');
  const subscribers = wholeNumber(text('subscribers') ?? '', '--subscribers', 1, 1_000_000);
  const concurrency = wholeNumber(text('concurrency') ?? '64', '--concurrency', 1, 4096);
  const config = loadConfig();
  const seed = text('seed') === undefined ? config.seed : parseSeed(text('seed') as string, '--seed');
  const colon = hlrText.lastIndexOf(':');
  try {
    const summary = await runGsupLoad({
      config,
      seed,
      hlr: { host: hlrText.slice(0, colon), port: Number(hlrText.slice(colon + 1)) },
      provision,
      subscribers,
      concurrency,
      progress: (line) => io.err(line),
    });
    io.out(values.json === true ? JSON.stringify(summary) : renderGsupSummary(summary));
    return summary.deadLettered === 0 ? EXIT.ok : EXIT.failed;
  } catch (error) {
    io.err(`roamsim load: ${(error as Error).message}`);
    return EXIT.failed;
  }
}

function wholeNumber(text: string, flag: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new InputError(text, flag, `a whole number from ${min} to ${max}`);
  return Number(text);
}

/** Journeys per second: at least one per 100 s (a start interval a timer can wait), at most 10 million. */
const RATE_MIN = 0.01;
const RATE_MAX = 10_000_000;

function journeyRate(text: string, flag: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < RATE_MIN || value > RATE_MAX) {
    throw new InputError(text, flag, `journeys per second from ${RATE_MIN} to ${RATE_MAX.toLocaleString('en-GB')}, e.g. 500 (below ${RATE_MIN} the start interval would overflow a timer)`);
  }
  return value;
}

function fraction(text: string, flag: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) throw new InputError(text, flag, 'a fraction from 0 to 1, e.g. 0.05 for 5 %');
  return value;
}

/** `90`, `90s`, `1500ms`, `5m`, `1h`. */
export function parseDuration(text: string, flag = '--duration'): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  const value = match ? Number(match[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'] : NaN;
  if (!match || !(value > 0) || value > 7 * 24 * 3_600_000) throw new InputError(text, flag, 'a duration above 0 such as 90, 90s, 5m or 1h (at most a week)');
  return Math.round(value);
}

/** `http://host` (ports from config endpoints) or `hlr-hss=URL,vlr-mme=URL`. */
function parseMocksUrl(text: string, config: RoamingConfig): Record<ElementKind, string> {
  const expected = 'http://HOST (the ports of config endpoints) or hlr-hss=http://HOST:PORT,vlr-mme=http://HOST:PORT';
  const origin = (value: string): URL => {
    try {
      const url = new URL(value.trim());
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
      return url;
    } catch {
      throw new InputError(text, '--mocks-url', expected);
    }
  };
  if (text.includes('=')) {
    const parts = Object.fromEntries(text.split(',').map((part) => part.split('=', 2).map((piece) => piece.trim())));
    const hlr = parts['hlr-hss'];
    const vlr = parts['vlr-mme'];
    if (!hlr || !vlr || Object.keys(parts).length !== 2) throw new InputError(text, '--mocks-url', expected);
    return { 'hlr-hss': origin(hlr).origin, 'vlr-mme': origin(vlr).origin };
  }
  const url = origin(text);
  if (url.port !== '') throw new InputError(text, '--mocks-url', `${expected}: one URL takes no port, the two servers listen on ${config.endpoints.hlrHssPort} and ${config.endpoints.vlrMmePort}`);
  const base = `${url.protocol}//${url.hostname.includes(':') ? `[${url.hostname}]` : url.hostname}`;
  return { 'hlr-hss': `${base}:${config.endpoints.hlrHssPort}`, 'vlr-mme': `${base}:${config.endpoints.vlrMmePort}` };
}
