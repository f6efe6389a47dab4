import { type Actor, createActor, waitFor } from 'xstate';
import type { ProtocolError } from '../protocol/codes';
import type { Rat } from '../protocol/rat';
import type { SubscriberStore } from '../subscribers/store';
import type { Clock } from './clock';
import type { EventBus, JourneyEvent } from './events';
import type { AttemptRecord, Link } from './link';
import { type RoamingMachine, SETTLED_STATES, createRoamingMachine } from './machine';
import { type Target, UserEquipment } from './ue';

export type RegistrationOutcome =
  | { readonly outcome: 'accepted'; readonly target: Target }
  | { readonly outcome: 'rejected'; readonly target: Target; readonly error: ProtocolError }
  | { readonly outcome: 'dead-lettered'; readonly target: Target; readonly error: ProtocolError; readonly attempts: readonly AttemptRecord[] };

export interface EngineDeps {
  readonly link: Link;
  readonly store: SubscriberStore;
  readonly bus: EventBus;
  readonly clock: Clock;
  readonly scenario?: string;
  /** Sees every state-machine transition (state coverage). */
  readonly onTransition?: (from: string, event: string, to: string) => void;
}

/**
 * Drives one actor per subscriber. Used by the Cucumber steps, the CLI and load runs alike; it knows
 * nothing of any of them. Each command waits until the actor settles and reports the journey outcome on the
 * bus (`registration`, `move`, `detach`, `dead-letter`).
 */
export class RoamingEngine {
  private readonly actors = new Map<string, Actor<RoamingMachine>>();
  private readonly machine: RoamingMachine;

  constructor(private readonly deps: EngineDeps) {
    this.machine = createRoamingMachine((imsi) => new UserEquipment(imsi, deps.link, deps.store));
  }

  actor(imsi: string): Actor<RoamingMachine> {
    let actor = this.actors.get(imsi);
    if (!actor) {
      const sim = this.deps.store.sim(imsi);
      if (!sim) throw new Error('no such subscriber in this scenario');
      const onTransition = this.deps.onTransition;
      actor = createActor(this.machine, {
        input: { imsi, homePlmn: sim.identity.homePlmn },
        ...(onTransition
          ? {
              inspect: (inspection) => {
                if (inspection.type !== '@xstate.microstep') return;
                const step = inspection as unknown as { event: { type: string }; _transitions: Array<{ source: { id: string }; target?: Array<{ id: string }> }> };
                for (const transition of step._transitions) {
                  for (const target of transition.target ?? []) onTransition(transition.source.id, step.event.type, target.id);
                }
              },
            }
          : {}),
      });
      actor.start();
      this.actors.set(imsi, actor);
    }
    return actor;
  }

  state(imsi: string): string {
    const value = this.actor(imsi).getSnapshot().value;
    return typeof value === 'string' ? value : Object.keys(value)[0];
  }

  servingOf(imsi: string): Target | undefined {
    return this.actor(imsi).getSnapshot().context.serving;
  }

  async attach(imsi: string, plmn: string, rat: Rat): Promise<RegistrationOutcome> {
    return this.register(imsi, { type: 'ATTACH', target: { plmn, rat } });
  }

  async move(imsi: string, plmn: string, rat: Rat): Promise<RegistrationOutcome> {
    const from = this.servingOf(imsi);
    const outcome = await this.register(imsi, { type: 'MOVE', target: { plmn, rat } });
    this.journey({ type: 'move', imsi, target: { plmn, rat }, outcome: outcome.outcome, ...(from ? { detail: { from: from.plmn, fromRat: from.rat } } : {}) });
    return outcome;
  }

  async detach(imsi: string): Promise<void> {
    const actor = this.actor(imsi);
    const serving = actor.getSnapshot().context.serving;
    if (!serving) throw new Error('the subscriber is not registered anywhere, so it cannot detach');
    actor.send({ type: 'DETACH' });
    await this.settle(actor);
    this.journey({ type: 'detach', imsi, target: serving, outcome: 'ok' });
  }

  stop(): void {
    for (const actor of this.actors.values()) actor.stop();
    this.actors.clear();
  }

  private async register(imsi: string, event: { type: 'ATTACH' | 'MOVE'; target: Target }): Promise<RegistrationOutcome> {
    const actor = this.actor(imsi);
    if (event.type === 'MOVE' && !actor.getSnapshot().can(event)) {
      throw new Error(`the subscriber cannot move while ${this.state(imsi)}: attach it first`);
    }
    actor.send(event);
    const snapshot = await this.settle(actor);
    const target = event.target;
    const { lastError, deadLetterAttempts } = snapshot.context;
    let outcome: RegistrationOutcome;
    if (snapshot.matches('registered')) outcome = { outcome: 'accepted', target };
    else if (snapshot.matches('deadLettered') && lastError) outcome = { outcome: 'dead-lettered', target, error: lastError, attempts: deadLetterAttempts ?? [] };
    else outcome = { outcome: 'rejected', target, error: lastError ?? { kind: 'local', name: 'transportError', detail: 'rejected without a cause' } };
    this.journey({
      type: 'registration',
      imsi,
      target,
      outcome: outcome.outcome,
      ...(outcome.outcome === 'accepted' ? {} : { error: outcome.error }),
    });
    if (outcome.outcome === 'dead-lettered') {
      this.journey({ type: 'dead-letter', imsi, target, outcome: 'dead-lettered', error: outcome.error, detail: { attempts: outcome.attempts } });
    }
    return outcome;
  }

  private settle(actor: Actor<RoamingMachine>) {
    return waitFor(actor, (snapshot) => SETTLED_STATES.some((state) => snapshot.matches(state)), { timeout: Infinity });
  }

  private journey(input: { type: JourneyEvent['type']; imsi: string; target: Target; outcome: JourneyEvent['outcome']; error?: ProtocolError; detail?: Record<string, unknown> }): void {
    const sim = this.deps.store.sim(input.imsi);
    this.deps.bus.emitJourney({
      type: input.type,
      ...(this.deps.scenario === undefined ? {} : { scenario: this.deps.scenario }),
      at: this.deps.clock.now(),
      subscriber: { imsi: input.imsi, ...(sim ? { msisdn: sim.identity.msisdn } : {}) },
      homePlmn: sim?.identity.homePlmn ?? '',
      visitedPlmn: input.target.plmn,
      rat: input.target.rat,
      ...(input.outcome === undefined ? {} : { outcome: input.outcome }),
      ...(input.error === undefined ? {} : { error: input.error }),
      ...(input.detail === undefined ? {} : { detail: input.detail }),
    });
  }
}
