import { recordUsage } from '../billing/usage';
import type { Clock } from '../roaming/clock';
import type { EventBus } from '../roaming/events';
import { type RegistrationOutcome, RoamingInterpreter } from '../roaming/interpreter';
import { JourneyReporter } from '../roaming/journey';
import type { Link } from '../roaming/link';
import { UserEquipment } from '../roaming/ue';
import type { SubscriberIdentity } from '../subscribers/generator';
import type { SubscriberStore } from '../subscribers/store';
import type { JourneyPlan } from './mix';

/**
 * A clock for direct-mode load runs: real wall time for timestamps and latencies, but nothing waits (retry
 * backoffs and element delays return at once), so a run is CPU-bound and its interleaving deterministic.
 */
export class ZeroLatencyClock implements Clock {
  readonly simulated = false;

  now(): number {
    return Date.now();
  }

  elapse(): void {}

  elapseUntil(): void {}

  sleep(_ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    return Promise.resolve();
  }
}

export type Outcome = RegistrationOutcome['outcome'];
export type Registration = RegistrationOutcome;

export interface JourneyDeps {
  readonly interpreter: RoamingInterpreter;
  readonly journeys: JourneyReporter;
  readonly link: Link;
  readonly bus: EventBus;
  readonly clock: Clock;
  readonly store: SubscriberStore;
  /** Sees each registration as it settles (attach and move), with its latency. */
  readonly onRegistration: (registration: Registration, latencyMs: number, identity: SubscriberIdentity, kind: 'attach' | 'move') => void;
}

/**
 * One journey: attach, optional data usage, optional move, detach while registered, on the same interpreter
 * and journey reporter as the engine (the subscriber's snapshot lives only as long as its journey).
 */
export async function runJourney(deps: JourneyDeps, identity: SubscriberIdentity, plan: JourneyPlan): Promise<void> {
  const { interpreter, journeys } = deps;
  const ue = new UserEquipment(identity.imsi, deps.link, deps.store);
  let snapshot = interpreter.start();

  let started = performance.now();
  snapshot = await interpreter.send(snapshot, { type: 'ATTACH', target: plan.attach }, ue);
  const attached = interpreter.registration(snapshot, plan.attach);
  deps.onRegistration(attached, performance.now() - started, identity, 'attach');
  journeys.registration(identity, attached);

  if (attached.outcome === 'accepted' && plan.usageMb !== undefined) {
    const serving = snapshot.context.serving;
    recordUsage({ bus: deps.bus, engine: { servingOf: () => serving }, store: deps.store, clock: deps.clock }, identity.imsi, 'data', plan.usageMb);
  }

  if (attached.outcome === 'accepted' && plan.move) {
    const from = snapshot.context.serving;
    started = performance.now();
    snapshot = await interpreter.send(snapshot, { type: 'MOVE', target: plan.move }, ue);
    const moved = interpreter.registration(snapshot, plan.move);
    deps.onRegistration(moved, performance.now() - started, identity, 'move');
    journeys.registration(identity, moved);
    journeys.move(identity, moved, from);
  }

  const serving = snapshot.context.serving;
  if (serving) {
    snapshot = await interpreter.send(snapshot, { type: 'DETACH' }, ue);
    journeys.detach(identity, serving);
  }
}
