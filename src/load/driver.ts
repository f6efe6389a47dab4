import { type AnyActorScope, type EventObject, createActor } from 'xstate';
import { recordUsage } from '../billing/usage';
import { type ProtocolError, localError } from '../protocol/codes';
import type { Clock } from '../roaming/clock';
import type { EventBus, JourneyEvent } from '../roaming/events';
import type { AttemptRecord, Link } from '../roaming/link';
import { type RoamingMachine, createRoamingMachine } from '../roaming/machine';
import { type StepResult, type Target, UserEquipment } from '../roaming/ue';
import type { SubscriberIdentity } from '../subscribers/generator';
import type { SubscriberStore } from '../subscribers/store';
import type { JourneyPlan } from './mix';

type Snapshot = ReturnType<RoamingMachine['getInitialSnapshot']>;
type RoamingEventObject = Parameters<RoamingMachine['transition']>[1];

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

export type Outcome = 'accepted' | 'rejected' | 'dead-lettered';

export interface Registration {
  readonly outcome: Outcome;
  readonly target: Target;
  readonly error?: ProtocolError;
  readonly attempts?: readonly AttemptRecord[];
}

interface Child {
  readonly id: string;
  readonly src: string;
  readonly target: Target;
}

/** The context's imsi and homePlmn: the driver binds the subscriber itself, so every journey starts alike. */
const UNBOUND = { imsi: '', homePlmn: '' } as const;
const OK: StepResult = { status: 'ok' };

/**
 * Runs subscribers through the roaming machine (the same definition the engine and the steps use) without
 * an xstate actor per subscriber: a journey is a chain of the machine's own pure transitions
 * (`machine.transition` on an inert scope); the driver runs each invoked step (authenticate, updateLocation,
 * detach) on the journey's UserEquipment and feeds the done or error event back. The machine decides every
 * state, guard and context update.
 *
 * `machine.transition` is a pure function of (snapshot, event). Journeys start from one shared initial
 * snapshot (the subscriber is bound by the driver, not the context), targets are interned and a successful
 * step's output is one shared object, so the same (snapshot, event) pairs recur: their results are memoised,
 * computed by the machine the first time and looked up after. Failures carry their own error objects and
 * always run the machine. `memo: false` runs every transition (the test compares both).
 */
export class MachineDriver {
  readonly machine: RoamingMachine;
  private readonly scope: AnyActorScope;
  private readonly initial: Snapshot;
  private readonly memo = new WeakMap<Snapshot, Map<string, Snapshot>>();
  private readonly targets = new Map<string, Target>();
  private readonly memoise: boolean;
  transitions = 0;
  memoHits = 0;

  constructor(options: { memo?: boolean } = {}) {
    this.memoise = options.memo ?? true;
    // The provided step actors are never started here: runStep calls the journey's UE directly.
    this.machine = createRoamingMachine(() => {
      throw new Error('load driver: the step actors of the roaming machine are run by the driver');
    });
    // Never started: it only lends its actor system to the inert scope the pure transitions run in.
    const host = createActor(this.machine, { input: { ...UNBOUND } });
    this.scope = {
      self: host,
      id: '',
      sessionId: '',
      logger: () => undefined,
      defer: () => undefined,
      system: host.system,
      stopChild: () => undefined,
      emit: () => undefined,
      // Built-in actions (spawn and stop of the invoked steps) are the driver's job; any other action runs.
      actionExecutor: (action: { type: string; exec?: (info: unknown, params: unknown) => void; info: unknown; params: unknown }) => {
        if (!action.type.startsWith('xstate.') && action.exec) action.exec(action.info, action.params);
      },
    } as unknown as AnyActorScope;
    this.initial = this.machine.getInitialSnapshot(this.scope, { ...UNBOUND });
  }

  /** Every journey starts here: `idle`, nothing serving. */
  start(): Snapshot {
    return this.initial;
  }

  /** The one Target object for a network and RAT (interned, so transitions on it can be memoised). */
  target(target: Target): Target {
    const key = `${target.plmn}|${target.rat}`;
    let known = this.targets.get(key);
    if (!known) this.targets.set(key, (known = { plmn: target.plmn, rat: target.rat }));
    return known;
  }

  /** Sends one command for the journey's UE and runs the machine until it settles (no step left running). */
  async send(snapshot: Snapshot, event: RoamingEventObject, ue: UserEquipment): Promise<Snapshot> {
    const key = event.type === 'DETACH' ? 'DETACH' : `${event.type}|${event.target.plmn}|${event.target.rat}`;
    const command = event.type === 'DETACH' ? event : { type: event.type, target: this.target(event.target) };
    let next = this.transition(snapshot, command, key);
    for (;;) {
      const child = pendingStep(next);
      if (!child) return next;
      let settled: EventObject;
      let settledKey: string | undefined;
      try {
        const output = await runStep(ue, child);
        const shared = output.status === 'ok' ? OK : output;
        settled = { type: `xstate.done.actor.${child.id}`, output: shared, actorId: child.id } as EventObject;
        if (shared === OK) settledKey = `done|${child.id}`;
      } catch (error) {
        settled = { type: `xstate.error.actor.${child.id}`, error, actorId: child.id } as EventObject;
      }
      next = this.transition(next, settled as RoamingEventObject, settledKey);
    }
  }

  /** The engine's reading of a settled registration (RoamingEngine.register). */
  registration(snapshot: Snapshot, target: Target): Registration {
    const { lastError, deadLetterAttempts } = snapshot.context;
    if (snapshot.matches('registered')) return { outcome: 'accepted', target };
    if (snapshot.matches('deadLettered') && lastError) return { outcome: 'dead-lettered', target, error: lastError, attempts: deadLetterAttempts ?? [] };
    return { outcome: 'rejected', target, error: lastError ?? localError('transportError', 'rejected without a cause') };
  }

  private transition(snapshot: Snapshot, event: RoamingEventObject, key: string | undefined): Snapshot {
    if (!this.memoise || key === undefined) {
      this.transitions++;
      return this.machine.transition(snapshot, event, this.scope);
    }
    let known = this.memo.get(snapshot);
    if (!known) this.memo.set(snapshot, (known = new Map()));
    let next = known.get(key);
    if (next) {
      this.memoHits++;
      return next;
    }
    this.transitions++;
    next = this.machine.transition(snapshot, event, this.scope);
    known.set(key, next);
    return next;
  }
}

function runStep(ue: UserEquipment, child: Child): Promise<StepResult> {
  switch (child.src) {
    case 'authenticate':
      return ue.authenticate(child.target);
    case 'updateLocation':
      return ue.updateLocation(child.target);
    case 'detach':
      return ue.detach(child.target);
    default:
      return Promise.reject(new Error(`roaming machine invoked "${child.src}", which the load driver does not know`));
  }
}

function pendingStep(snapshot: Snapshot): Child | undefined {
  const children = snapshot.children as Record<string, { src: unknown; options?: { input?: { target?: Target } } } | undefined>;
  for (const id in children) {
    const child = children[id];
    if (child) return { id, src: String(child.src), target: child.options?.input?.target as Target };
  }
  return undefined;
}

export interface JourneyDeps {
  readonly driver: MachineDriver;
  readonly link: Link;
  readonly bus: EventBus;
  readonly clock: Clock;
  readonly store: SubscriberStore;
  /** Sees each registration as it settles (attach and move), with its latency. */
  readonly onRegistration: (registration: Registration, latencyMs: number, identity: SubscriberIdentity, kind: 'attach' | 'move') => void;
}

/**
 * One journey: attach, optional data usage, optional move, detach while registered. Emits the same journey
 * events as RoamingEngine (registration, dead-letter, move, detach) and usage the way recordUsage does.
 */
export async function runJourney(deps: JourneyDeps, identity: SubscriberIdentity, plan: JourneyPlan): Promise<void> {
  const { driver } = deps;
  const ue = new UserEquipment(identity.imsi, deps.link, deps.store);
  let snapshot = driver.start();

  let started = performance.now();
  snapshot = await driver.send(snapshot, { type: 'ATTACH', target: plan.attach }, ue);
  const attached = driver.registration(snapshot, plan.attach);
  deps.onRegistration(attached, performance.now() - started, identity, 'attach');
  emitRegistration(deps, identity, attached);

  if (attached.outcome === 'accepted' && plan.usageMb !== undefined) {
    const serving = snapshot.context.serving;
    recordUsage({ bus: deps.bus, engine: { servingOf: () => serving }, store: deps.store, clock: deps.clock }, identity.imsi, 'data', plan.usageMb);
  }

  if (attached.outcome === 'accepted' && plan.move) {
    const from = snapshot.context.serving;
    started = performance.now();
    snapshot = await driver.send(snapshot, { type: 'MOVE', target: plan.move }, ue);
    const moved = driver.registration(snapshot, plan.move);
    deps.onRegistration(moved, performance.now() - started, identity, 'move');
    emitRegistration(deps, identity, moved);
    emit(deps, identity, 'move', plan.move, moved.outcome, undefined, from ? { from: from.plmn, fromRat: from.rat } : undefined);
  }

  const serving = snapshot.context.serving;
  if (serving) {
    snapshot = await driver.send(snapshot, { type: 'DETACH' }, ue);
    emit(deps, identity, 'detach', serving, 'ok');
  }
}

function emitRegistration(deps: JourneyDeps, identity: SubscriberIdentity, registration: Registration): void {
  emit(deps, identity, 'registration', registration.target, registration.outcome, registration.error);
  if (registration.outcome === 'dead-lettered') emit(deps, identity, 'dead-letter', registration.target, 'dead-lettered', registration.error, { attempts: registration.attempts });
}

function emit(
  deps: JourneyDeps,
  identity: SubscriberIdentity,
  type: JourneyEvent['type'],
  target: Target,
  outcome: JourneyEvent['outcome'],
  error?: ProtocolError,
  detail?: Record<string, unknown>,
): void {
  // Built field by field (no spreads of optional fields): load runs emit millions of these.
  const event: { -readonly [K in keyof JourneyEvent]: JourneyEvent[K] } = {
    type,
    at: deps.clock.now(),
    subscriber: { imsi: identity.imsi, msisdn: identity.msisdn },
    homePlmn: identity.homePlmn,
    visitedPlmn: target.plmn,
    rat: target.rat,
  };
  if (outcome !== undefined) event.outcome = outcome;
  if (error !== undefined) event.error = error;
  if (detail !== undefined) event.detail = detail;
  deps.bus.emitJourney(event);
}
