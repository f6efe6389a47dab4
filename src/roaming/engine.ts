import type { Rat } from '../protocol/rat';
import type { SubscriberStore } from '../subscribers/store';
import type { Clock } from './clock';
import type { EventBus } from './events';
import { type RegistrationOutcome, RoamingInterpreter } from './interpreter';
import { JourneyReporter, type JourneySubject } from './journey';
import type { Link } from './link';
import type { RoamingCommand, RoamingSnapshot } from './machine';
import { type Target, UserEquipment } from './ue';

export type { RegistrationOutcome };

export interface EngineDeps {
  readonly link: Link;
  readonly store: SubscriberStore;
  readonly bus: EventBus;
  readonly clock: Clock;
  readonly scenario?: string;
}

/**
 * Drives each subscriber of a scenario (or of `roamsim roam`) through the roaming machine on the one
 * interpreter, and reports journey outcomes on the bus (`registration`, `move`, `detach`, `dead-letter`) and
 * every machine transition (`transition` events: state coverage subscribes to them).
 */
export class RoamingEngine {
  private readonly snapshots = new Map<string, RoamingSnapshot>();
  private readonly interpreter: RoamingInterpreter;
  private readonly journeys: JourneyReporter;

  constructor(private readonly deps: EngineDeps) {
    const scenario = deps.scenario;
    this.interpreter = new RoamingInterpreter({
      onTransition: (taken) => deps.bus.emitTransition(scenario === undefined ? { ...taken } : { ...taken, scenario }),
    });
    this.journeys = new JourneyReporter(deps.bus, deps.clock, deps.scenario);
  }

  state(imsi: string): string {
    return this.interpreter.state(this.snapshot(imsi));
  }

  servingOf(imsi: string): Target | undefined {
    return this.snapshot(imsi).context.serving;
  }

  /** `combined`: an LTE combined EPS/IMSI attach (TS 24.301 §5.5.1.3), registering the CS domain too over SGs. */
  async attach(imsi: string, plmn: string, rat: Rat, combined = false): Promise<RegistrationOutcome> {
    return this.register(imsi, { type: 'ATTACH', target: combined ? { plmn, rat, combined } : { plmn, rat } });
  }

  async move(imsi: string, plmn: string, rat: Rat, combined = false): Promise<RegistrationOutcome> {
    const from = this.servingOf(imsi);
    const outcome = await this.register(imsi, { type: 'MOVE', target: combined ? { plmn, rat, combined } : { plmn, rat } });
    this.journeys.move(this.subject(imsi), outcome, from);
    return outcome;
  }

  async detach(imsi: string): Promise<void> {
    const serving = this.servingOf(imsi);
    if (!serving) throw new Error('the subscriber is not registered anywhere, so it cannot detach');
    await this.run(imsi, { type: 'DETACH' });
    this.journeys.detach(this.subject(imsi), serving);
  }

  stop(): void {
    this.snapshots.clear();
  }

  private async register(imsi: string, command: { type: 'ATTACH' | 'MOVE'; target: Target }): Promise<RegistrationOutcome> {
    if (command.type === 'MOVE' && !this.interpreter.can(this.snapshot(imsi), command)) {
      throw new Error(`the subscriber cannot move while ${this.state(imsi)}: attach it first`);
    }
    const snapshot = await this.run(imsi, command);
    const outcome = this.interpreter.registration(snapshot, command.target);
    this.journeys.registration(this.subject(imsi), outcome);
    return outcome;
  }

  private async run(imsi: string, command: RoamingCommand): Promise<RoamingSnapshot> {
    const ue = new UserEquipment(imsi, this.deps.link, this.deps.store);
    const snapshot = await this.interpreter.send(this.snapshot(imsi), command, ue);
    this.snapshots.set(imsi, snapshot);
    return snapshot;
  }

  private snapshot(imsi: string): RoamingSnapshot {
    const known = this.snapshots.get(imsi);
    if (known) return known;
    if (!this.deps.store.sim(imsi)) throw new Error('no such subscriber in this scenario');
    const initial = this.interpreter.start();
    this.snapshots.set(imsi, initial);
    return initial;
  }

  private subject(imsi: string): JourneySubject {
    const sim = this.deps.store.sim(imsi);
    return { imsi, homePlmn: sim?.identity.homePlmn ?? '', ...(sim ? { msisdn: sim.identity.msisdn } : {}) };
  }
}
