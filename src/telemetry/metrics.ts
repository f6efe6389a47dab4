import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EventBus, JourneyEvent, SignallingEvent } from '../roaming/events';

export const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export type MetricValues = Map<string, number>;

/**
 * A dead-lettered attempt may reach the bus twice: as a 'dead-letter' event and as a 'registration' with
 * outcome dead-lettered. Returns true for the first report of an attempt and false for its twin, so the
 * attempt is counted (and audited) once whichever of the two, or both, an emitter sends.
 */
export function deadLetterDeduper(): (event: JourneyEvent) => boolean {
  const pending = new Map<string, JourneyEvent['type']>();
  return (event) => {
    const key = `${event.scenario ?? ''}|${event.subscriber.imsi}|${event.visitedPlmn ?? ''}`;
    const seen = pending.get(key);
    if (seen !== undefined && seen !== event.type) {
      pending.delete(key);
      return false;
    }
    pending.set(key, event.type);
    return true;
  };
}

export function isDeadLettered(event: JourneyEvent): boolean {
  return event.type === 'dead-letter' || (event.type === 'registration' && event.outcome === 'dead-lettered');
}

/**
 * The run's Prometheus metrics, on a registry of its own so two runs in one process (tests, load workers)
 * never share counters. Node's default process metrics are left out on purpose.
 */
export class RoamsimMetrics {
  readonly registry = new Registry();

  private readonly procedures: Counter<'procedure' | 'rat' | 'home_plmn' | 'visited_plmn' | 'result'>;
  private readonly duration: Histogram<'procedure' | 'rat'>;
  private readonly registrations: Counter<'rat' | 'visited_plmn' | 'outcome'>;
  private readonly retries: Counter;
  private readonly deadLetters: Counter;
  private readonly captureFailures: Counter;
  private readonly registered: Gauge;
  private readonly billingTriggers: Counter<'type'>;
  private readonly registeredImsis = new Set<string>();
  private readonly firstDeadLetterReport = deadLetterDeduper();

  constructor() {
    const registers = [this.registry];
    this.procedures = new Counter({
      name: 'roamsim_procedures_total',
      help: 'Signalling procedures completed, by outcome (ok or the protocol error name).',
      labelNames: ['procedure', 'rat', 'home_plmn', 'visited_plmn', 'result'],
      registers,
    });
    this.duration = new Histogram({
      name: 'roamsim_procedure_duration_seconds',
      help: 'Signalling procedure latency from request to answer or failure.',
      labelNames: ['procedure', 'rat'],
      buckets: [...DURATION_BUCKETS],
      registers,
    });
    this.registrations = new Counter({
      name: 'roamsim_registrations_total',
      help: 'Registration attempts in a visited network, by outcome (accepted, rejected, dead-lettered).',
      labelNames: ['rat', 'visited_plmn', 'outcome'],
      registers,
    });
    this.retries = new Counter({ name: 'roamsim_retries_total', help: 'Signalling transactions retried (attempts after the first).', registers });
    this.deadLetters = new Counter({ name: 'roamsim_dead_letters_total', help: 'Journeys given up and dead-lettered.', registers });
    this.captureFailures = new Counter({ name: 'roamsim_capture_failures_total', help: 'Packet capture writes that failed.', registers });
    this.registered = new Gauge({ name: 'roamsim_registered_subscribers', help: 'Subscribers currently registered in a visited network.', registers });
    this.billingTriggers = new Counter({
      name: 'roamsim_billing_triggers_total',
      help: 'Billing records triggered, by type.',
      labelNames: ['type'],
      registers,
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  attach(bus: EventBus): () => void {
    return bus.subscribe(this);
  }

  signalling(event: SignallingEvent): void {
    const result = event.outcome.status === 'ok' ? 'ok' : event.outcome.error.name;
    this.procedures.inc({ procedure: event.procedure, rat: event.rat, home_plmn: event.homePlmn, visited_plmn: event.visitedPlmn, result });
    this.duration.observe({ procedure: event.procedure, rat: event.rat }, Math.max(0, event.latencyMs) / 1000);
    if (event.attempt > 1) this.retries.inc();
  }

  journey(event: JourneyEvent): void {
    const imsi = event.subscriber.imsi;
    if (isDeadLettered(event)) {
      if (!this.firstDeadLetterReport(event)) return;
      this.deadLetters.inc();
      this.registrations.inc({ rat: event.rat ?? 'unknown', visited_plmn: event.visitedPlmn ?? 'unknown', outcome: 'dead-lettered' });
      return;
    }
    switch (event.type) {
      case 'registration': {
        const outcome = event.outcome === 'accepted' ? 'accepted' : 'rejected';
        this.registrations.inc({ rat: event.rat ?? 'unknown', visited_plmn: event.visitedPlmn ?? 'unknown', outcome });
        if (outcome === 'accepted' && !this.registeredImsis.has(imsi)) {
          this.registeredImsis.add(imsi);
          this.registered.inc();
        }
        return;
      }
      case 'detach':
        if (this.registeredImsis.delete(imsi)) this.registered.dec();
        return;
      default:
        // 'move' keeps the subscriber registered; usage events are billing's business.
        return;
    }
  }

  captureFailed(): void {
    this.captureFailures.inc();
  }

  billingTrigger(type: string): void {
    this.billingTriggers.inc({ type });
  }

  /** Prometheus text exposition of every roamsim metric. */
  snapshot(): Promise<string> {
    return this.registry.metrics();
  }

  /** Every series as `name{a="x",b="y"}` (labels sorted; no braces when there are none) → value. */
  async values(): Promise<MetricValues> {
    const out: MetricValues = new Map();
    for (const metric of await this.registry.getMetricsAsJSON()) {
      for (const sample of metric.values as Array<{ value: number; labels: Record<string, string | number>; metricName?: string }>) {
        out.set(seriesKey(sample.metricName ?? metric.name, sample.labels), sample.value);
      }
    }
    return out;
  }
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function seriesKey(name: string, labels: Record<string, string | number | undefined> = {}): string {
  const parts = Object.keys(labels)
    .filter((key) => labels[key] !== undefined)
    .sort()
    .map((key) => `${key}="${escapeLabelValue(String(labels[key]))}"`);
  return parts.length === 0 ? name : `${name}{${parts.join(',')}}`;
}

/** Inverse of seriesKey. */
export function parseSeriesKey(key: string): { name: string; labels: Record<string, string> } {
  const brace = key.indexOf('{');
  if (brace < 0) return { name: key, labels: {} };
  const labels: Record<string, string> = {};
  const body = key.slice(brace + 1, key.endsWith('}') ? -1 : undefined);
  let i = 0;
  while (i < body.length) {
    const eq = body.indexOf('="', i);
    if (eq < 0) break;
    const label = body.slice(i, eq);
    let value = '';
    let j = eq + 2;
    for (; j < body.length && body[j] !== '"'; j++) {
      if (body[j] === '\\' && j + 1 < body.length) {
        j++;
        value += body[j] === 'n' ? '\n' : body[j];
      } else {
        value += body[j];
      }
    }
    labels[label] = value;
    i = j + 2; // past the closing quote and the comma
  }
  return { name: key.slice(0, brace), labels };
}

/**
 * How much `name` grew between two `values()` readings, summed over every series whose labels include
 * `labels` (so `{ result: 'ok' }` adds up all procedures and networks). Series absent on one side count as 0.
 */
export function deltaFor(before: MetricValues, after: MetricValues, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels);
  let delta = 0;
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const parsed = parseSeriesKey(key);
    if (parsed.name !== name) continue;
    if (!wanted.every(([label, value]) => parsed.labels[label] === value)) continue;
    delta += (after.get(key) ?? 0) - (before.get(key) ?? 0);
  }
  return delta;
}
