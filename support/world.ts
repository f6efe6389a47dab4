import { type IWorldOptions, World } from '@cucumber/cucumber';
import type { RoamingConfig } from '../src/config/load';
import { describeOutcome, expectAccepted, expectDeadLettered, expectRefusedWith, expectRejected, requireRegistered } from '../src/expectations/registration';
import type { ProtocolError } from '../src/protocol/codes';
import type { Rat } from '../src/protocol/rat';
import { SimulatedClock } from '../src/roaming/clock';
import type { RoamingEngine, RegistrationOutcome } from '../src/roaming/engine';
import type { EventBus, JourneyEvent, Procedure, SignallingEvent } from '../src/roaming/events';
import { type Simulation, buildSimulation } from '../src/simulation/root';
import type { SubscriberIdentity } from '../src/subscribers/generator';
import { hash32 } from '../src/subscribers/random';
import { putUsimAhead } from '../src/subscribers/store';
import { WriteFailure } from '../src/telemetry/durable-write';
import { RoamingApi } from './roaming-api';
import type { ScenarioSink, SuiteRun } from './suite';

/** A per-scenario value an adapter keeps on the World (billing, dead letters, telemetry), by a typed key. */
export interface PartKey<T> {
  readonly name: string;
  /** Never set: carries T. */
  readonly type?: T;
}

export function partKey<T>(name: string): PartKey<T> {
  return Object.freeze({ name });
}

/**
 * One scenario's state: its simulation (built by the composition root), the subscriber the steps talk about,
 * and the last registration outcome. Steps are one-liners over these methods and the src/ expectations.
 */
export class RoamingWorld extends World {
  readonly suite: SuiteRun;
  simulation!: Simulation;
  config!: RoamingConfig;
  clock!: SimulatedClock;
  bus!: EventBus;
  engine!: RoamingEngine;
  scenarioName = '';
  featureName = '';
  readonly signalling: SignallingEvent[] = [];
  readonly journeys: JourneyEvent[] = [];
  /** State-machine transitions this scenario exercised (for state coverage). */
  readonly transitions: Array<{ from: string; event: string; to: string }> = [];
  private readonly parts = new Map<string, unknown>();
  private sinks: ScenarioSink[] = [];
  private current?: SubscriberIdentity;
  private subscriberCount = 0;
  lastOutcome?: RegistrationOutcome;
  /** The first audit or dead-letter record of this scenario that could not be written. */
  writeFailure?: WriteFailure;
  /** Set when a Then step looked at the last outcome; an unexamined rejection fails the scenario. */
  outcomeExamined = true;

  constructor(options: IWorldOptions, suite: SuiteRun) {
    super(options);
    this.suite = suite;
  }

  /** The typed API for custom step definitions (support/roaming-api.ts). */
  get roaming(): RoamingApi {
    return new RoamingApi(this);
  }

  part<T>(key: PartKey<T>): T | undefined {
    return this.parts.get(key.name) as T | undefined;
  }

  setPart<T>(key: PartKey<T>, value: T): T {
    this.parts.set(key.name, value);
    return value;
  }

  /** Builds the scenario's simulation on the run's mode and elements. Called by the Before hook. */
  startScenario(feature: string, scenario: string, seed: number): void {
    this.config = this.suite.config();
    this.featureName = feature;
    this.scenarioName = scenario;
    this.clock = new SimulatedClock(Date.now());
    this.simulation = buildSimulation({
      config: this.config,
      mode: this.suite.mode(),
      clock: this.clock,
      seed,
      scenario,
      elements: this.suite.providers,
      onSinkError: (error) => {
        // A compliance record (audit, dead letter) that did not reach its file fails the attempt: fail closed.
        if (error instanceof WriteFailure) this.writeFailure ??= error;
        this.log(`event sink failed: ${String(error)}`);
      },
      sinks: [
        (bus) => bus.onSignalling((event) => this.signalling.push(event)),
        (bus) => bus.onJourney((event) => this.journeys.push(event)),
        (bus) => bus.onTransition(({ from, event, to }) => this.transitions.push({ from, event, to })),
      ],
    });
    this.bus = this.simulation.bus;
    this.engine = this.simulation.engine;
    this.sinks = this.suite.sinksFor(this);
  }

  /** Runs every sink's finish; a sink that fails is reported and never changes the scenario's result. */
  async endScenario(result: { status: string; failed: boolean }): Promise<void> {
    for (const sink of this.sinks) {
      try {
        await sink.finish?.(result);
      } catch (error) {
        this.log(`scenario sink failed: ${String(error)}`);
      }
    }
    await this.simulation?.close();
  }

  get subscriber(): SubscriberIdentity {
    if (!this.current) throw new Error('no subscriber yet: start the scenario with "Given a \\"postpaid\\" subscriber from home network 234-15"');
    return this.current;
  }

  async addSubscriber(profile: string, homePlmn: string): Promise<SubscriberIdentity> {
    this.simulation.subscribers.requireProfile(profile, 'subscriber profile in the step');
    const generator = this.simulation.subscribers.generator(homePlmn);
    // Scenarios draw different subscribers (by name), so pseudonyms and ladders differ between scenarios.
    const index = (hash32(this.scenarioName) + this.subscriberCount++) % generator.capacity;
    const identity = { ...generator.identity(index), profile };
    await this.simulation.addSubscriber(identity);
    this.current = identity;
    return identity;
  }

  /** The subscriber's home element (HLR/HSS): provisioning and inspection. */
  get home() {
    return this.simulation.home(this.subscriber.homePlmn);
  }

  /**
   * Requests for these procedures the subscriber's home element received: its own count when it keeps one (the
   * embedded elements, faulted requests included), else the requests seen sent to it on the signalling link (a
   * real HLR such as osmo-hlr, which counts nothing a scenario can read).
   */
  homeReceived(procedures: readonly Procedure[]): number {
    const home = this.current?.homePlmn;
    const faults = home === undefined ? undefined : this.simulation.networkFor(home).faults;
    if (home === undefined || faults) return this.simulation.faults().receivedCount(procedures);
    return this.signalling.filter((e) => (procedures as readonly string[]).includes(e.procedure) && (e.to.kind === 'HLR' || e.to.kind === 'HSS') && e.to.plmn === home).length;
  }

  /** The USIM's SQN ahead of the home AuC's: the next challenge ends in a synch failure and a resynchronisation. */
  putUsimAhead(): void {
    putUsimAhead(this.simulation.store, this.subscriber.imsi);
  }

  async attachTo(plmn: string, rat: Rat, combined = false): Promise<RegistrationOutcome> {
    return this.remember(await this.engine.attach(this.subscriber.imsi, plmn, rat, combined));
  }

  async moveTo(plmn: string, rat: Rat, combined = false): Promise<RegistrationOutcome> {
    return this.remember(await this.engine.move(this.subscriber.imsi, plmn, rat, combined));
  }

  async detachSubscriber(): Promise<void> {
    await this.engine.detach(this.subscriber.imsi);
  }

  /** For Given steps: the registration must succeed, or the scenario's premise is broken. */
  async ensureRegistered(plmn: string, rat: Rat): Promise<void> {
    const state = this.engine.state(this.subscriber.imsi);
    requireRegistered(state === 'registered' ? await this.engine.move(this.subscriber.imsi, plmn, rat) : await this.engine.attach(this.subscriber.imsi, plmn, rat));
  }

  expectAccepted(): void {
    expectAccepted(this.examineOutcome());
  }

  expectRejected(expected: ProtocolError, written: string): void {
    expectRejected(this.examineOutcome(), expected, written);
  }

  expectRefusedWith(written: string): void {
    expectRefusedWith(this.examineOutcome(), written);
  }

  expectDeadLettered(): void {
    expectDeadLettered(this.examineOutcome());
  }

  describeOutcome(outcome: RegistrationOutcome): string {
    return describeOutcome(outcome);
  }

  private examineOutcome(): RegistrationOutcome {
    if (!this.lastOutcome) throw new Error('no registration was attempted in this scenario yet');
    this.outcomeExamined = true;
    return this.lastOutcome;
  }

  private remember(outcome: RegistrationOutcome): RegistrationOutcome {
    if (this.writeFailure) throw this.writeFailure;
    this.lastOutcome = outcome;
    this.outcomeExamined = outcome.outcome === 'accepted';
    return outcome;
  }
}
