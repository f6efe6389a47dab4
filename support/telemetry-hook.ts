import { AfterAll, Before, BeforeAll } from '@cucumber/cucumber';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../src/errors';
import { runPseudonymizer } from '../src/subscribers/run-pseudonymizer';
import { AuditTrail } from '../src/telemetry/audit';
import { WriteFailure, type WriteLedger, failFast, writeFailure } from '../src/telemetry/durable-write';
import { type MetricsServer, startMetricsServer } from '../src/telemetry/exporter';
import { type RoamsimLogger, createLogger } from '../src/telemetry/logger';
import { type MetricValues, RoamsimMetrics, deltaFor, parseSeriesKey } from '../src/telemetry/metrics';
import type { SuiteRun } from './suite';
import { type RoamingWorld, partKey } from './world';

/*
 * Telemetry of a feature run. Per process (each worker under --parallel): one RoamsimMetrics, one logger
 * (<log dir>/roamsim.log, Loki when LOKI_URL is set), one audit trail (<log dir>/audit/) and, with
 * ROAMSIM_METRICS_PORT, one /metrics exporter on 127.0.0.1. Every scenario's bus is attached to all three
 * and detached when the scenario ends; the scenario's metric delta and audit lines go into the report.
 * At the end of the run the snapshot is written to <reports dir>/metrics.prom (metrics-<worker>.prom per
 * worker under --parallel, merged by scripts/merge-metrics.js).
 */

export interface TelemetryPaths {
  readonly logDir: string;
  readonly logFile: string;
  readonly auditDir: string;
  readonly reportsDir: string;
  /** metrics.prom, or metrics-<worker id>.prom inside a parallel worker. */
  readonly metricsFile: string;
}

export function telemetryPaths(env: NodeJS.ProcessEnv = process.env): TelemetryPaths {
  const logDir = resolve(env.ROAMSIM_LOG_DIR?.trim() || 'logs');
  const reportsDir = resolve(env.ROAMSIM_REPORTS_DIR?.trim() || 'reports');
  const worker = env.CUCUMBER_WORKER_ID?.trim();
  return {
    logDir,
    logFile: join(logDir, 'roamsim.log'),
    auditDir: join(logDir, 'audit'),
    reportsDir,
    metricsFile: join(reportsDir, worker ? `metrics-${worker}.prom` : 'metrics.prom'),
  };
}

/** ROAMSIM_METRICS_PORT: unset or empty means no exporter; 0 picks a free port. */
export function metricsPort(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env.ROAMSIM_METRICS_PORT?.trim();
  if (!text) return undefined;
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw new InputError(text, 'ROAMSIM_METRICS_PORT', 'a TCP port from 0 to 65535 (0 picks a free one)');
  const port = Number(text);
  // Parallel workers are separate processes: worker N serves on port + N so they do not collide.
  const worker = Number(env.CUCUMBER_WORKER_ID ?? '0');
  return port === 0 || !Number.isInteger(worker) ? port : port + worker;
}

interface RunTelemetry {
  readonly metrics: RoamsimMetrics;
  readonly logger: RoamsimLogger;
  readonly audit: AuditTrail;
  readonly paths: TelemetryPaths;
  /** Records the run could not write (audit, dead letters, logs, reports): summarised at the end. */
  readonly ledger: WriteLedger;
  server?: MetricsServer;
}

/** The process's telemetry (its install creates it on first use: BeforeAll, or the first scenario). */
function createRunTelemetry(suite: SuiteRun): RunTelemetry {
  const config = suite.config();
  const pseudonymizer = runPseudonymizer(config);
  const environment = process.env.ROAMSIM_ENV?.trim() || 'local';
  const paths = telemetryPaths();
  const ledger = suite.ledger;
  // A run that cannot write its logs, audit or reports ends within seconds, saying what was lost.
  failFast(ledger, (line) => process.stderr.write(`${line}\n`));
  process.once('exit', () => {
    if (!ledger.failed) return;
    const summary = ledger.takeSummary();
    if (summary) process.stderr.write(`roamsim: ${summary}\n`);
    process.exitCode = 1;
  });
  const logger = createLogger({ file: paths.logFile, env: environment, pseudonymizer, ledger });
  try {
    const audit = new AuditTrail({
      dir: paths.auditDir,
      retentionDays: config.audit.retentionDays,
      mode: suite.mode(),
      environment,
      pseudonymizer,
      key: config.secrets.auditKey,
      ledger,
      log: (message) => logger.log.info({ component: 'audit', event_type: 'audit-retention' }, message),
    });
    if (!audit.mac.keyed) process.stderr.write(`roamsim: the audit trail is ${audit.mac.describe()}\n`);
    audit.applyRetention();
    const metrics = new RoamsimMetrics();
    return { metrics, logger, audit, paths, ledger };
  } catch (error) {
    void logger.close();
    throw error;
  }
}

/** One metric family the step may name: its exported series names and their labels. */
interface KnownSeries {
  readonly name: string;
  readonly labels: readonly string[];
  readonly family: string;
  readonly type: string;
}

function knownSeries(metrics: RoamsimMetrics): KnownSeries[] {
  return metrics.registry.getMetricsAsArray().flatMap((metric) => {
    const { name, type } = metric as unknown as { name: string; type: string };
    const labels = [...((metric as unknown as { labelNames?: readonly string[] }).labelNames ?? [])];
    if (type !== 'histogram') return [{ name, labels, family: name, type }];
    return [
      { name: `${name}_count`, labels, family: name, type },
      { name: `${name}_sum`, labels, family: name, type },
      { name: `${name}_bucket`, labels: [...labels, 'le'], family: name, type },
    ];
  });
}

/**
 * Parses the step's label text, `result=accepted,visited_plmn=262-01` (empty text: no label filter).
 * Refuses anything else with a message naming the text.
 */
export function parseLabelText(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  if (text.trim() === '') return labels;
  const expected = 'comma-separated name=value pairs, e.g. "result=accepted,visited_plmn=262-01" (or "" for none)';
  for (const part of text.split(',')) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(\S(?:.*\S)?)\s*$/.exec(part);
    if (!match) throw new InputError(text, 'labels in the step', `${expected}; ${JSON.stringify(part.trim())} is not name=value`);
    if (match[1] in labels) throw new InputError(text, 'labels in the step', `${expected}; label ${match[1]} is given twice`);
    labels[match[1]] = match[2];
  }
  return labels;
}

/** One scenario's view of the run's telemetry: attached at the start, detached and reported in finish. */
export class ScenarioTelemetry {
  /** values() when the scenario started; every delta is measured from here. */
  readonly baseline: Promise<MetricValues>;
  private readonly detach: Array<() => void>;
  private readonly auditLinesBefore: number;

  constructor(
    private readonly world: RoamingWorld,
    private readonly run: RunTelemetry,
  ) {
    this.baseline = run.metrics.values();
    this.auditLinesBefore = run.audit.linesFor(world.scenarioName).length;
    const audited = world.bus.onJourney((event) => run.audit.record(event));
    // Captures and billing report on the bus; the run's registry counts what they say.
    const billed = world.bus.onBillingTrigger((trigger) => run.metrics.billingTrigger(trigger.type));
    const failed = world.bus.onSinkFailure((failure) => {
      if (failure.sink === 'capture') run.metrics.captureFailed();
    });
    this.detach = [run.metrics.attach(world.bus), run.logger.attach(world.bus), audited, billed, failed];
  }

  /** Every series that changed since the scenario started → its change (rounded off float noise). */
  async delta(): Promise<Record<string, number>> {
    const [before, after] = [await this.baseline, await this.run.metrics.values()];
    const out: Record<string, number> = {};
    for (const key of [...new Set([...before.keys(), ...after.keys()])].sort()) {
      const change = Math.round(((after.get(key) ?? 0) - (before.get(key) ?? 0)) * 1e9) / 1e9;
      if (change !== 0) out[key] = change;
    }
    return out;
  }

  /** This scenario's audit lines, exactly as written to the audit file. */
  auditLines(): string[] {
    return this.run.audit.linesFor(this.world.scenarioName).slice(this.auditLinesBefore);
  }

  /** The step: `name` summed over the series matching `labelText` grew by `expected` in this scenario. */
  async expectIncrease(name: string, labelText: string, expected: number): Promise<void> {
    const known = knownSeries(this.run.metrics);
    const series = known.find((candidate) => candidate.name === name);
    if (!series) {
      const family = known.find((candidate) => candidate.family === name);
      const hint = family
        ? `; ${name} is a ${family.type}: name its ${name}_count, ${name}_sum or ${name}_bucket series`
        : known.some((candidate) => candidate.name === `roamsim_${name}`)
          ? `; did you mean roamsim_${name}?`
          : '';
      throw new InputError(name, 'metric name in the step', `one of the roamsim metrics: ${known.map((candidate) => candidate.name).join(', ')}${hint}`);
    }
    const labels = parseLabelText(labelText);
    for (const label of Object.keys(labels)) {
      if (!series.labels.includes(label)) {
        throw new InputError(labelText, `labels of ${name} in the step`, series.labels.length ? `labels among ${series.labels.join(', ')} (${label} is not one of them)` : `"" (${name} has no labels)`);
      }
    }
    const before = await this.baseline;
    const after = await this.run.metrics.values();
    const actual = Math.round(deltaFor(before, after, name, labels) * 1e9) / 1e9;
    if (actual === expected) return;
    const wanted = Object.entries(labels);
    const moved = [...new Set([...before.keys(), ...after.keys()])]
      .filter((key) => {
        const parsed = parseSeriesKey(key);
        return parsed.name === name && (after.get(key) ?? 0) !== (before.get(key) ?? 0);
      })
      .sort()
      .map((key) => `${key} ${signed((after.get(key) ?? 0) - (before.get(key) ?? 0))}`);
    const filter = wanted.length ? `{${wanted.map(([label, value]) => `${label}="${value}"`).join(',')}}` : '';
    throw new Error(
      `expected ${name}${filter} to increase by ${expected} in this scenario, but it changed by ${signed(actual)}; ` +
        (moved.length ? `series of ${name} that changed: ${moved.join('; ')}` : `no series of ${name} changed in this scenario`),
    );
  }

  /** Detaches from the bus and attaches the metric delta and the audit lines to the scenario's report. */
  async finish(result: { status: string }): Promise<void> {
    for (const off of this.detach.splice(0)) off();
    const delta = await this.delta();
    this.world.attach(JSON.stringify(delta, null, 2), { mediaType: 'application/json', fileName: 'metrics-delta.json' });
    const lines = this.auditLines();
    if (lines.length > 0) this.world.attach(lines.map((line) => `${line}\n`).join(''), { mediaType: 'application/x-ndjson', fileName: 'audit.ndjson' });
    this.run.logger.log.info(
      { component: 'scenario', event_type: 'scenario', scenario: this.world.scenarioName, feature: this.world.featureName, result: result.status.toLowerCase() },
      `scenario ${result.status.toLowerCase()}`,
    );
  }
}

function signed(value: number): string {
  const rounded = Math.round(value * 1e9) / 1e9;
  return rounded > 0 ? `+${rounded}` : String(rounded);
}

const TELEMETRY = partKey<ScenarioTelemetry>('telemetry');

/** The telemetry of the world's scenario (for steps). */
export function scenarioTelemetry(world: RoamingWorld): ScenarioTelemetry {
  const telemetry = world.part(TELEMETRY);
  if (!telemetry) throw new Error('telemetry is not attached to this scenario (support/telemetry-hook.ts did not see it start)');
  return telemetry;
}

/** Metrics, logs and the audit trail of the run; each scenario's bus attached to all three. */
export function installTelemetry(suite: SuiteRun): void {
  let current: RunTelemetry | undefined;
  const runTelemetry = (): RunTelemetry => (current ??= createRunTelemetry(suite));

  suite.onScenario((world) => world.setPart(TELEMETRY, new ScenarioTelemetry(world, runTelemetry())));

  BeforeAll(async function () {
    const run = runTelemetry();
    const port = metricsPort();
    if (port === undefined) return;
    try {
      run.server = await startMetricsServer({ port, metrics: run.metrics });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new Error(`ROAMSIM_METRICS_PORT: cannot serve metrics on 127.0.0.1:${port} (${code}); choose a free port, or 0 for any`);
    }
    process.stderr.write(`roamsim: serving metrics at ${run.server.url}\n`);
  });

  // The values() baseline resolves before the first step can emit (support/index.ts installs this after the
  // scenario lifecycle, so the scenario has started by now).
  Before(async function (this: RoamingWorld) {
    await this.part(TELEMETRY)?.baseline;
  });

  AfterAll(async function () {
    const run = current;
    if (!run) return;
    current = undefined;
    try {
      // The run's digest seals the trail: `roamsim audit verify` vouches for what it covers. A digest or
      // report that cannot be written is counted in the ledger, whose summary ends the run non-zero.
      try {
        run.audit.seal();
      } catch (error) {
        if (!(error instanceof WriteFailure)) throw error;
      }
      const partial = `${run.paths.metricsFile}.partial`;
      try {
        mkdirSync(run.paths.reportsDir, { recursive: true });
        writeFileSync(partial, await run.metrics.snapshot());
        renameSync(partial, run.paths.metricsFile);
      } catch (error) {
        rmSync(partial, { force: true });
        run.ledger.notWritten(writeFailure(run.paths.metricsFile, 'metrics report', error));
      }
    } finally {
      await run.server?.close();
      await run.logger.close();
    }
  });
}
