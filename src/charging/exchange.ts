import type { Clock } from '../roaming/clock';
import type { ChargingProcedure, EventBus, NodeRef, Outcome, SignallingEvent } from '../roaming/events';
import type { Rat } from '../protocol/rat';

/** Who an exchange of the data path or the messaging path is about. */
export interface ExchangeSubject {
  readonly imsi: string;
  readonly msisdn?: string;
  readonly homePlmn: string;
  readonly visitedPlmn: string;
  readonly rat: Rat;
}

/**
 * One request and its answer between two elements as one SignallingEvent on the bus: `latencyMs` each way
 * on the scenario's clock, the answer computed in between (an exchange it triggers is emitted inside, so the
 * capture nests it by time).
 */
export function emitExchange(
  deps: { readonly bus: EventBus; readonly clock: Clock; readonly scenario?: string },
  subject: ExchangeSubject,
  spec: { protocol: SignallingEvent['protocol']; procedure: ChargingProcedure; from: NodeRef; to: NodeRef; request: Readonly<Record<string, unknown>>; latencyMs: number; parentId?: number },
  answer: () => Outcome,
): Outcome & { readonly id: number } {
  const { bus, clock } = deps;
  const id = bus.newTransactionId();
  const startTick = bus.nextTick();
  const startedAt = clock.now();
  clock.elapse(spec.latencyMs);
  const outcome = answer();
  clock.elapse(spec.latencyMs);
  const endedAt = clock.now();
  bus.emitSignalling({
    id,
    ...(spec.parentId === undefined ? {} : { parentId: spec.parentId }),
    ...(deps.scenario === undefined ? {} : { scenario: deps.scenario }),
    protocol: spec.protocol,
    procedure: spec.procedure,
    from: spec.from,
    to: spec.to,
    rat: subject.rat,
    subscriber: subject.msisdn ? { imsi: subject.imsi, msisdn: subject.msisdn } : { imsi: subject.imsi },
    homePlmn: subject.homePlmn,
    visitedPlmn: subject.visitedPlmn,
    request: spec.request,
    outcome,
    attempt: 1,
    startedAt,
    endedAt,
    startTick,
    endTick: bus.nextTick(),
    latencyMs: endedAt - startedAt,
  });
  return { ...outcome, id };
}
