import { type ProtocolError } from '../protocol/codes';

const EXACT = 128;
const SUB_BITS = 6;
const SUB = 1 << SUB_BITS;
const BUCKETS = EXACT + 40 * SUB;

/**
 * Latency histogram in microseconds: exact below 128 µs, then 64 buckets per power of two (within 1.6 %),
 * up to ~12 days. Fixed size, mergeable across workers, cheap to record.
 */
export class LatencyHistogram {
  readonly counts = new Float64Array(BUCKETS);
  count = 0;
  maxUs = 0;

  recordMs(ms: number): void {
    const us = Math.max(0, Math.round(ms * 1000));
    this.counts[bucketOf(us)]++;
    this.count++;
    if (us > this.maxUs) this.maxUs = us;
  }

  merge(other: { counts: ArrayLike<number>; count: number; maxUs: number }): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i] += other.counts[i];
    this.count += other.count;
    if (other.maxUs > this.maxUs) this.maxUs = other.maxUs;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.maxUs = 0;
  }

  /** The q-quantile (0 < q ≤ 1) in ms: the upper edge of the bucket holding it, never above the maximum. */
  quantileMs(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(upperEdge(i), this.maxUs) / 1000;
    }
    return this.maxUs / 1000;
  }

  summary(): LatencySummary {
    return { p50: round3(this.quantileMs(0.5)), p95: round3(this.quantileMs(0.95)), p99: round3(this.quantileMs(0.99)), max: round3(this.maxUs / 1000) };
  }
}

export interface LatencySummary {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

function bucketOf(us: number): number {
  if (us < EXACT) return us;
  const exponent = Math.min(31 + 8, Math.floor(Math.log2(us)));
  const sub = Math.floor(us / 2 ** (exponent - SUB_BITS)) - SUB;
  return Math.min(BUCKETS - 1, EXACT + (exponent - 7) * SUB + sub);
}

function upperEdge(bucket: number): number {
  if (bucket < EXACT) return bucket;
  const exponent = Math.floor((bucket - EXACT) / SUB) + 7;
  const sub = (bucket - EXACT) % SUB;
  return (SUB + sub + 1) * 2 ** (exponent - SUB_BITS) - 1;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** A protocol error as a short cause name for the summary: `roamingNotAllowed(plmnRoamingNotAllowed)`, `DIAMETER_TOO_BUSY`. */
export function causeName(error: ProtocolError): string {
  return error.kind === 'map' && error.cause ? `${error.name}(${error.cause})` : error.name;
}

/** What one worker (or the whole run) counted; plain data so it crosses a worker boundary. */
export interface CountsData {
  journeys: number;
  attempted: number;
  accepted: number;
  rejected: number;
  deadLettered: number;
  unexpected: number;
  crashed: number;
  retries: number;
  exchanges: number;
  rejectedByCause: Record<string, number>;
  deadLetteredByCause: Record<string, number>;
  /** A few examples of outcomes that were not the expected one (no identities). */
  surprises: string[];
  /** Audit and dead-letter records that could not be written (disk full, read-only). */
  notWritten: number;
  /** Why, per file: `cannot write audit record to …: ENOSPC (…)`, at most a few. */
  writeFailures: string[];
}

export function emptyCounts(): CountsData {
  return { journeys: 0, attempted: 0, accepted: 0, rejected: 0, deadLettered: 0, unexpected: 0, crashed: 0, retries: 0, exchanges: 0, rejectedByCause: {}, deadLetteredByCause: {}, surprises: [], notWritten: 0, writeFailures: [] };
}

export function addCounts(into: CountsData, from: CountsData): void {
  for (const key of ['journeys', 'attempted', 'accepted', 'rejected', 'deadLettered', 'unexpected', 'crashed', 'retries', 'exchanges', 'notWritten'] as const) into[key] += from[key];
  for (const failure of from.writeFailures) if (into.writeFailures.length < 5 && !into.writeFailures.includes(failure)) into.writeFailures.push(failure);
  for (const [cause, count] of Object.entries(from.rejectedByCause)) into.rejectedByCause[cause] = (into.rejectedByCause[cause] ?? 0) + count;
  for (const [cause, count] of Object.entries(from.deadLetteredByCause)) into.deadLetteredByCause[cause] = (into.deadLetteredByCause[cause] ?? 0) + count;
  for (const surprise of from.surprises) if (into.surprises.length < 5) into.surprises.push(surprise);
}

/** Causes sorted by count, largest first (ties by name), for stable JSON. */
export function sortedCauses(causes: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(causes).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}
