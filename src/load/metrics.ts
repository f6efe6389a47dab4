import type { Counter, Gauge, Histogram } from 'prom-client';
import type { EventBus, JourneyEvent, SignallingEvent } from '../roaming/events';
import { RoamsimMetrics } from '../telemetry/metrics';

const SEP = '\u0000';

/** Aggregated metric updates since the last drain: plain data, so a worker can post it to the main thread. */
export interface MetricBatchData {
  /** procedure, rat, home_plmn, visited_plmn, result joined by NUL → count. */
  readonly procedures: Array<[string, number]>;
  /** procedure NUL rat → latencies in seconds. */
  readonly durations: Array<[string, number[]]>;
  /** rat, visited_plmn, outcome joined by NUL → count. */
  readonly registrations: Array<[string, number]>;
  readonly retries: number;
  readonly deadLetters: number;
  readonly registeredDelta: number;
}

/**
 * Counts what RoamsimMetrics counts, in plain maps, so the hot path pays a string concatenation and a Map
 * update per event instead of prom-client's label hashing; `drain()` hands the batch to `applyBatch`.
 * Semantics are RoamsimMetrics': one registration per attempt (a dead-lettered one reported as
 * `registration` and `dead-letter` counts once), the registered gauge per subscriber.
 */
export class MetricBatch {
  private procedures = new Map<string, number>();
  private durations = new Map<string, number[]>();
  private registrations = new Map<string, number>();
  private retries = 0;
  private deadLetters = 0;
  private registeredDelta = 0;
  private readonly registered = new Set<string>();

  attach(bus: EventBus): () => void {
    return bus.subscribe(this);
  }

  signalling(event: SignallingEvent): void {
    const result = event.outcome.status === 'ok' ? 'ok' : event.outcome.error.name;
    const key = event.procedure + SEP + event.rat + SEP + event.homePlmn + SEP + event.visitedPlmn + SEP + result;
    this.procedures.set(key, (this.procedures.get(key) ?? 0) + 1);
    const durationKey = event.procedure + SEP + event.rat;
    const samples = this.durations.get(durationKey);
    const seconds = Math.max(0, event.latencyMs) / 1000;
    if (samples) samples.push(seconds);
    else this.durations.set(durationKey, [seconds]);
    if (event.attempt > 1) this.retries++;
  }

  journey(event: JourneyEvent): void {
    const imsi = event.subscriber.imsi;
    if (event.type === 'registration') {
      const outcome = event.outcome === 'accepted' || event.outcome === 'dead-lettered' ? event.outcome : 'rejected';
      const key = (event.rat ?? 'unknown') + SEP + (event.visitedPlmn ?? 'unknown') + SEP + outcome;
      this.registrations.set(key, (this.registrations.get(key) ?? 0) + 1);
      if (outcome === 'dead-lettered') this.deadLetters++;
      if (outcome === 'accepted' && !this.registered.has(imsi)) {
        this.registered.add(imsi);
        this.registeredDelta++;
      }
    } else if (event.type === 'detach' && this.registered.delete(imsi)) {
      this.registeredDelta--;
    }
  }

  drain(): MetricBatchData {
    const data: MetricBatchData = {
      procedures: [...this.procedures],
      durations: [...this.durations],
      registrations: [...this.registrations],
      retries: this.retries,
      deadLetters: this.deadLetters,
      registeredDelta: this.registeredDelta,
    };
    this.procedures = new Map();
    this.durations = new Map();
    this.registrations = new Map();
    this.retries = 0;
    this.deadLetters = 0;
    this.registeredDelta = 0;
    return data;
  }
}

/** One batch holding several (applyBatch adds entries one by one, so a key may appear in more than one). */
export function combineBatches(batches: readonly MetricBatchData[]): MetricBatchData {
  return {
    procedures: batches.flatMap((batch) => batch.procedures),
    durations: batches.flatMap((batch) => batch.durations),
    registrations: batches.flatMap((batch) => batch.registrations),
    retries: batches.reduce((sum, batch) => sum + batch.retries, 0),
    deadLetters: batches.reduce((sum, batch) => sum + batch.deadLetters, 0),
    registeredDelta: batches.reduce((sum, batch) => sum + batch.registeredDelta, 0),
  };
}

/** Adds a batch to a RoamsimMetrics registry (the same series RoamsimMetrics.signalling/journey update). */
export function applyBatch(metrics: RoamsimMetrics, data: MetricBatchData): void {
  const get = <T>(name: string): T => {
    const metric = metrics.registry.getSingleMetric(name);
    if (!metric) throw new Error(`metrics: ${name} is not in the RoamsimMetrics registry`);
    return metric as unknown as T;
  };
  const procedures = get<Counter<string>>('roamsim_procedures_total');
  for (const [key, count] of data.procedures) {
    const [procedure, rat, home_plmn, visited_plmn, result] = key.split(SEP);
    procedures.inc({ procedure, rat, home_plmn, visited_plmn, result }, count);
  }
  const duration = get<Histogram<string>>('roamsim_procedure_duration_seconds');
  for (const [key, samples] of data.durations) {
    const [procedure, rat] = key.split(SEP);
    const labels = { procedure, rat };
    for (const seconds of samples) duration.observe(labels, seconds);
  }
  const registrations = get<Counter<string>>('roamsim_registrations_total');
  for (const [key, count] of data.registrations) {
    const [rat, visited_plmn, outcome] = key.split(SEP);
    registrations.inc({ rat, visited_plmn, outcome }, count);
  }
  if (data.retries > 0) get<Counter<string>>('roamsim_retries_total').inc(data.retries);
  if (data.deadLetters > 0) get<Counter<string>>('roamsim_dead_letters_total').inc(data.deadLetters);
  const registered = get<Gauge<string>>('roamsim_registered_subscribers');
  if (data.registeredDelta > 0) registered.inc(data.registeredDelta);
  if (data.registeredDelta < 0) registered.dec(-data.registeredDelta);
}

/** RoamsimMetrics for load runs: events are batched and applied on a timer and before every scrape. */
export class LoadMetrics extends RoamsimMetrics {
  readonly batch = new MetricBatch();
  private readonly sources: Array<(apply: (batch: MetricBatchData) => void) => void> = [];

  override attach(bus: EventBus): () => void {
    return this.batch.attach(bus);
  }

  /** Batches counted elsewhere (a run's own batch, worker threads): pulled on every flush. */
  pullFrom(source: (apply: (batch: MetricBatchData) => void) => void): void {
    this.sources.push(source);
  }

  flush(): void {
    applyBatch(this, this.batch.drain());
    for (const source of this.sources) source((batch) => applyBatch(this, batch));
  }

  override snapshot(): Promise<string> {
    this.flush();
    return super.snapshot();
  }

  override values(): ReturnType<RoamsimMetrics['values']> {
    this.flush();
    return super.values();
  }
}
