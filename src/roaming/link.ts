import type { RetryPolicy } from '../config/load';
import { type ProtocolError, isTransient, localError } from '../protocol/codes';
import { hash32, type SeededRandom } from '../subscribers/random';
import type { Clock } from './clock';
import type { RequestOf, ResultOf } from '../elements/procedures';
import type { EventBus, Outcome, Procedure, SignallingEvent } from './events';
import type { Route, Transport } from './transport';

/**
 * What one transaction is: the event's identifying fields, plus where it goes and how patiently. The request
 * is the procedure's own type (src/elements/procedures.ts), so a caller cannot send an S6a ULR without its
 * `ulrFlags`, and the answer's result comes back typed.
 */
export type TransactionSpec<P extends Procedure = Procedure> = Pick<SignallingEvent, 'protocol' | 'from' | 'to' | 'rat' | 'subscriber' | 'homePlmn' | 'visitedPlmn' | 'parentId'> & {
  readonly procedure: P;
  readonly request: RequestOf<P>;
  readonly route: Route;
  /** Retry transient failures by the retry policy (core-network transactions); NAS exchanges do not. */
  readonly retry?: boolean;
  /** How long the caller waits for this transaction; defaults to the policy's per-request timeout. */
  readonly timeoutMs?: number;
};

export interface AttemptRecord {
  readonly attempt: number;
  readonly at: number;
  readonly error: ProtocolError;
}

export type TransactionResult<R = Readonly<Record<string, unknown>>> =
  | { readonly ok: true; readonly response: R; readonly attempts: number }
  | {
      readonly ok: false;
      readonly error: ProtocolError;
      readonly failures: readonly AttemptRecord[];
      /** Transient failures until the last allowed attempt: the transaction belongs in the dead-letter log. */
      readonly exhausted: boolean;
      /** What the element said beside the error (a VLR relays `deadLettered` and the home attempts). */
      readonly detail?: Readonly<Record<string, unknown>>;
    };

export interface LinkOptions {
  readonly bus: EventBus;
  readonly clock: Clock;
  readonly transport: Transport;
  readonly retry: RetryPolicy;
  readonly random: SeededRandom;
  /** One-way transit added on a simulated clock (a real clock measures transit itself). */
  readonly linkLatencyMs: number;
  /**
   * Each one-way transit is drawn uniformly from linkLatencyMs × (1 ± latencyJitter/2), keyed by the
   * transaction id and leg (deterministic, and independent of the retry jitter's random stream); 0 keeps it constant.
   */
  readonly latencyJitter?: number;
  readonly scenario?: string;
}

/**
 * The signalling client every element and the UE use: it times each attempt on the scenario clock, applies
 * the retry policy (exponential backoff with full jitter, only for transient failures) and emits exactly one
 * SignallingEvent per attempt on the bus.
 */
export class Link {
  private transport: Transport;

  constructor(private readonly options: LinkOptions) {
    this.transport = options.transport;
  }

  /** The composition root binds the elements' transport once they are built (they need the link first). */
  useTransport(transport: Transport): void {
    this.transport = transport;
  }

  get clock(): Clock {
    return this.options.clock;
  }

  async transact<P extends Procedure>(spec: TransactionSpec<P>): Promise<TransactionResult<ResultOf<P>>> {
    const { retry } = this.options;
    const failures: AttemptRecord[] = [];
    for (let attempt = 1; ; attempt++) {
      const { outcome, contractFailure, connectionLost } = await this.attempt(spec, attempt);
      // The element answered this procedure: its result is the procedure's (a codec or the element validated it).
      if (outcome.status === 'ok') return { ok: true, response: outcome.response as ResultOf<P>, attempts: attempt };
      failures.push({ attempt, at: this.options.clock.now(), error: outcome.error });
      // A request the element refused as malformed (or an element that crashed) fails the same way every time.
      const transient = isTransient(outcome.error) && !contractFailure;
      // A lost, refused or reset connection is transient on every leg (NAS included): retried by the policy,
      // and dead-lettered with its cause when the attempts run out.
      const retried = spec.retry === true || connectionLost;
      const maxAttempts = retried ? retry.maxAttempts : 1;
      if (!transient || attempt >= maxAttempts) {
        return { ok: false, error: outcome.error, failures, exhausted: transient && retried, ...(outcome.detail ? { detail: outcome.detail } : {}) };
      }
      await this.options.clock.sleep(this.backoff(attempt));
    }
  }

  /** Full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): uniform in [0, min(cap, base·factor^(n-1))]. */
  backoff(attempt: number): number {
    const { initialBackoffMs, backoffFactor, maxBackoffMs, jitter } = this.options.retry;
    const ceiling = Math.min(maxBackoffMs, initialBackoffMs * backoffFactor ** (attempt - 1));
    return jitter === 'full' ? Math.round(this.options.random.next() * ceiling) : ceiling;
  }

  /** One leg's transit on the simulated clock, whole milliseconds. */
  private transit(linkLatencyMs: number, id: number, leg: number): number {
    const jitter = this.options.latencyJitter ?? 0;
    if (jitter === 0 || linkLatencyMs === 0) return linkLatencyMs;
    const u = hash32(`latency|${id}|${leg}`) / 0x100000000;
    return Math.max(0, Math.round(linkLatencyMs * (1 + jitter * (u - 0.5))));
  }

  private async attempt(spec: TransactionSpec<Procedure>, attempt: number): Promise<{ outcome: Outcome; contractFailure: boolean; connectionLost: boolean }> {
    const { bus, clock, linkLatencyMs } = this.options;
    const transport = this.transport;
    const id = bus.newTransactionId();
    const startTick = bus.nextTick();
    const startedAt = clock.now();
    const deadline = startedAt + (spec.timeoutMs ?? this.options.retry.requestTimeoutMs);
    clock.elapse(this.transit(linkLatencyMs, id, 0));
    let outcome: Outcome;
    let contractFailure = false;
    let connectionLost = false;
    try {
      const reply = await transport.send(spec.route, spec.request, {
        deadline,
        transactionId: id,
        ...(this.options.scenario === undefined ? {} : { scenario: this.options.scenario }),
      });
      if (reply.kind === 'answer') {
        clock.elapse(this.transit(linkLatencyMs, id, 1));
        outcome = readAnswer(reply.body);
      } else if (reply.kind === 'no-answer') {
        clock.elapseUntil(deadline);
        outcome = { status: 'error', error: localError('timeout', `no answer within ${deadline - startedAt} ms`) };
      } else {
        connectionLost = true;
        outcome = { status: 'error', error: localError('transportError', reply.detail) };
      }
    } catch (error) {
      // Transports throw for answers outside the contract (HTTP 4xx/5xx, a body that is not JSON); a lost
      // connection comes back as a `transport-error` reply instead and stays retryable.
      contractFailure = true;
      outcome = { status: 'error', error: localError('transportError', (error as Error).message) };
    }
    const endedAt = clock.now();
    bus.emitSignalling({
      id,
      ...(spec.parentId === undefined ? {} : { parentId: spec.parentId }),
      ...(this.options.scenario === undefined ? {} : { scenario: this.options.scenario }),
      protocol: spec.protocol,
      procedure: spec.procedure,
      from: spec.from,
      to: spec.to,
      rat: spec.rat,
      subscriber: spec.subscriber,
      homePlmn: spec.homePlmn,
      visitedPlmn: spec.visitedPlmn,
      request: spec.request,
      outcome,
      attempt,
      startedAt,
      endedAt,
      startTick,
      endTick: bus.nextTick(),
      latencyMs: endedAt - startedAt,
    });
    return { outcome, contractFailure, connectionLost };
  }
}

/** Elements answer `{ result: {...} }` or `{ error: ProtocolError }` (a protocol error is a valid answer). */
function readAnswer(body: unknown): Outcome {
  const answer = body as { result?: Record<string, unknown>; error?: ProtocolError } | null;
  if (answer && typeof answer === 'object' && answer.error && typeof answer.error === 'object') {
    const { error, ...detail } = answer;
    return Object.keys(detail).length > 0 ? { status: 'error', error, detail } : { status: 'error', error };
  }
  if (answer && typeof answer === 'object' && answer.result && typeof answer.result === 'object') return { status: 'ok', response: answer.result };
  return { status: 'error', error: localError('transportError', `unexpected answer body ${JSON.stringify(body).slice(0, 200)}`) };
}
