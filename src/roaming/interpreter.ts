import { type AnyTransitionDefinition, getNextTransitions, initialTransition, transition } from 'xstate';
import { type ProtocolError, localError } from '../protocol/codes';
import type { AttemptRecord } from './link';
import { type RoamingCommand, type RoamingEvent, type RoamingSnapshot, STEPS, type StepEvent, type StepName, roamingMachine } from './machine';
import type { StepResult, Target } from './ue';

/** What runs the machine's steps for one subscriber (the UserEquipment; a test may pass its own). */
export interface StepRunner {
  /** `from`: the network the UE is moving from (a MOVE), absent for an attach. */
  authenticate(target: Target, from?: Target): Promise<StepResult>;
  updateLocation(target: Target, from?: Target): Promise<StepResult>;
  detach(serving: Target): Promise<StepResult>;
}

/** One transition the machine took: source and target state ids (`roaming.attaching.authenticating`). */
export interface TakenTransition {
  readonly from: string;
  readonly event: string;
  readonly to: string;
}

export type RegistrationOutcome =
  | { readonly outcome: 'accepted'; readonly target: Target }
  | { readonly outcome: 'rejected'; readonly target: Target; readonly error: ProtocolError }
  | { readonly outcome: 'dead-lettered'; readonly target: Target; readonly error: ProtocolError; readonly attempts: readonly AttemptRecord[] };

interface Memoised {
  readonly next: RoamingSnapshot;
  readonly taken: readonly TakenTransition[];
}

const STEP_OK: StepEvent = Object.freeze({ type: 'STEP_OK' });

/**
 * The one interpreter of the roaming machine, used by the engine (scenarios, `roamsim roam`) and by load runs.
 * A subscriber's life is a snapshot; a command runs the machine's pure `transition()` (xstate's public API),
 * then, while the resting state carries a step tag, runs that step on the subscriber's StepRunner and sends
 * its outcome back as a STEP_* event. Nothing is spawned, nothing waits on an actor.
 *
 * `transition()` is a pure function of (snapshot, event): commands carry interned targets and a successful
 * step is one shared event, so the same pairs recur at load and their results are memoised (computed by the
 * machine the first time, looked up after). Failures carry their own error objects and always run the
 * machine. `memo: false` runs every transition (a test compares both).
 */
export class RoamingInterpreter {
  readonly machine = roamingMachine;
  private readonly initial: RoamingSnapshot;
  private readonly memo = new WeakMap<RoamingSnapshot, Map<string, Memoised>>();
  private readonly targets = new Map<string, Target>();
  private readonly memoise: boolean;
  transitions = 0;
  memoHits = 0;

  constructor(options: { memo?: boolean; onTransition?: (taken: TakenTransition) => void } = {}) {
    this.memoise = options.memo ?? true;
    if (options.onTransition) this.onTransition = options.onTransition;
    this.initial = initialTransition(this.machine)[0];
  }

  /** Sees every transition taken (state coverage); undefined keeps load runs from working the list out. */
  private readonly onTransition: ((taken: TakenTransition) => void) | undefined = undefined;

  /** Every subscriber starts here: `idle`, nothing serving. */
  start(): RoamingSnapshot {
    return this.initial;
  }

  /** The one Target object for a network and RAT (interned, so transitions on it can be memoised). */
  target(target: Target): Target {
    const key = `${target.plmn}|${target.rat}${target.combined ? '|combined' : ''}`;
    let known = this.targets.get(key);
    if (!known) this.targets.set(key, (known = target.combined ? { plmn: target.plmn, rat: target.rat, combined: true } : { plmn: target.plmn, rat: target.rat }));
    return known;
  }

  /** The top-level state (`registered`, `attaching`, …). */
  state(snapshot: RoamingSnapshot): string {
    const value = snapshot.value;
    return typeof value === 'string' ? value : Object.keys(value)[0];
  }

  /** Whether the machine accepts the command in this state. */
  can(snapshot: RoamingSnapshot, command: RoamingCommand): boolean {
    return snapshot.can(command);
  }

  /**
   * Sends one command and runs the machine's steps on `steps` until it rests in a settled state; `observe`
   * sees every snapshot on the way (the first one before the first step starts).
   */
  async send(snapshot: RoamingSnapshot, command: RoamingCommand, steps: StepRunner, observe?: (snapshot: RoamingSnapshot) => void): Promise<RoamingSnapshot> {
    const interned: RoamingCommand = command.type === 'DETACH' ? command : { type: command.type, target: this.target(command.target) };
    const key = command.type === 'DETACH' ? 'DETACH' : `${command.type}|${command.target.plmn}|${command.target.rat}${command.target.combined ? '|combined' : ''}`;
    let next = this.step(snapshot, interned, key);
    for (;;) {
      observe?.(next);
      const pending = pendingStep(next);
      if (!pending) return next;
      const event = await runStep(steps, pending, next);
      next = this.step(next, event, event === STEP_OK ? 'STEP_OK' : undefined);
    }
  }

  /** How a settled registration came out. */
  registration(snapshot: RoamingSnapshot, target: Target): RegistrationOutcome {
    const { lastError, deadLetterAttempts } = snapshot.context;
    if (snapshot.matches('registered')) return { outcome: 'accepted', target };
    if (snapshot.matches('deadLettered') && lastError) return { outcome: 'dead-lettered', target, error: lastError, attempts: deadLetterAttempts ?? [] };
    return { outcome: 'rejected', target, error: lastError ?? localError('transportError', 'rejected without a cause') };
  }

  private step(snapshot: RoamingSnapshot, event: RoamingEvent, key: string | undefined): RoamingSnapshot {
    if (!this.memoise || key === undefined) return this.apply(snapshot, event).next;
    let known = this.memo.get(snapshot);
    if (!known) this.memo.set(snapshot, (known = new Map()));
    let result = known.get(key);
    if (result) {
      this.memoHits++;
      if (this.onTransition) for (const taken of result.taken) this.onTransition(taken);
    } else {
      result = this.apply(snapshot, event);
      known.set(key, result);
    }
    return result.next;
  }

  private apply(snapshot: RoamingSnapshot, event: RoamingEvent): Memoised {
    this.transitions++;
    const next = transition(this.machine, snapshot, event)[0];
    const taken = this.onTransition || this.memoise ? takenTransitions(snapshot, event, next) : [];
    if (this.onTransition) for (const one of taken) this.onTransition(one);
    return { next, taken };
  }
}

/**
 * Which of the machine's transitions an event took, read from `getNextTransitions` (what the state offered
 * for that event type) and the state the machine is in afterwards (a guarded one that did not pass left no trace).
 */
function takenTransitions(before: RoamingSnapshot, event: RoamingEvent, after: RoamingSnapshot): TakenTransition[] {
  const active = activeIds(after.value, 'roaming');
  const candidates = getNextTransitions(before).filter((t: AnyTransitionDefinition) => t.eventType === event.type);
  for (const candidate of candidates) {
    const targets = candidate.target ?? [];
    if (targets.length > 0 && targets.every((node) => active.has(node.id))) {
      return targets.map((node) => ({ from: candidate.source.id, event: event.type, to: node.id }));
    }
  }
  return [];
}

function activeIds(value: unknown, prefix: string, into = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    into.add(`${prefix}.${value}`);
  } else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      into.add(`${prefix}.${key}`);
      activeIds(child, `${prefix}.${key}`, into);
    }
  }
  return into;
}

function pendingStep(snapshot: RoamingSnapshot): StepName | undefined {
  for (const step of STEPS) if (snapshot.hasTag(step)) return step;
  return undefined;
}

async function runStep(steps: StepRunner, step: StepName, snapshot: RoamingSnapshot): Promise<StepEvent> {
  const { target, serving } = snapshot.context;
  let result: StepResult;
  try {
    if (step === 'detach') {
      if (!serving) return { type: 'STEP_CRASHED', detail: 'detach without a serving network' };
      result = await steps.detach(serving);
    } else {
      if (!target) return { type: 'STEP_CRASHED', detail: `${step} without a target network` };
      const from = snapshot.matches('moving') ? serving : undefined;
      result = step === 'authenticate' ? await steps.authenticate(target, from) : await steps.updateLocation(target, from);
    }
  } catch (error) {
    return { type: 'STEP_CRASHED', detail: String(error) };
  }
  if (result.status === 'ok') return STEP_OK;
  if (result.status === 'rejected') return { type: 'STEP_REJECTED', error: result.error };
  return { type: 'STEP_DEAD_LETTERED', error: result.error, attempts: result.attempts };
}
