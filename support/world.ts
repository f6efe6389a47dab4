import { type IWorldOptions, World, setWorldConstructor } from '@cucumber/cucumber';
import { closeIntercept, interceptTransport } from '../mocks/intercept';
import { wireTransport } from '../mocks/diameter/wire';
import { liveTransport } from '../mocks/live-server';
import { MockNetwork } from '../mocks/network';
import { type RoamingConfig, loadConfig } from '../src/config/load';
import { type ProtocolError, describeError, errorMatches } from '../src/protocol/codes';
import type { Rat } from '../src/protocol/rat';
import { SimulatedClock } from '../src/roaming/clock';
import { type RoamingEngine as Engine, RoamingEngine, type RegistrationOutcome } from '../src/roaming/engine';
import { EventBus, type JourneyEvent, type SignallingEvent } from '../src/roaming/events';
import { type TransportMode, parseTransportMode } from '../src/roaming/transport';
import type { SubscriberIdentity } from '../src/subscribers/generator';
import { hash32 } from '../src/subscribers/random';

let sharedConfig: RoamingConfig | undefined;

/** Something that follows one scenario (capture, metrics delta, audit excerpt, billing reconciliation). */
export interface ScenarioSink {
  /** Called after the scenario's steps, before the world is torn down; may attach to the report. */
  finish?(result: { status: string; failed: boolean }): void | Promise<void>;
}
export type ScenarioSinkFactory = (world: RoamingWorld) => ScenarioSink | undefined;
const sinkFactories: ScenarioSinkFactory[] = [];

/**
 * Support files register their per-scenario sinks here (support/*-hook.ts); each subscribes to the world's
 * bus when the scenario starts. The order of registration is the order of `finish` calls.
 */
export function onScenario(factory: ScenarioSinkFactory): void {
  sinkFactories.push(factory);
}

/** The run's configuration, loaded once per process (and per worker under --parallel). */
export function runConfig(): RoamingConfig {
  return (sharedConfig ??= loadConfig());
}

export function runMode(): TransportMode {
  return parseTransportMode((process.env.ROAMSIM_MODE ?? 'intercept').trim(), 'ROAMSIM_MODE');
}

export { closeIntercept };

/**
 * One scenario's state: its clock, event stream, mock core network and engine, the subscriber the steps talk
 * about, and the last registration outcome. Steps are one-liners over these methods.
 */
export class RoamingWorld extends World {
  config!: RoamingConfig;
  clock!: SimulatedClock;
  bus!: EventBus;
  network!: MockNetwork;
  engine!: Engine;
  scenarioName = '';
  featureName = '';
  readonly signalling: SignallingEvent[] = [];
  readonly journeys: JourneyEvent[] = [];
  /** State-machine transitions this scenario exercised (for state coverage). */
  readonly transitions: Array<{ from: string; event: string; to: string }> = [];
  private sinks: ScenarioSink[] = [];
  private current?: SubscriberIdentity;
  private subscriberCount = 0;
  lastOutcome?: RegistrationOutcome;
  /** Set when a Then step looked at the last outcome; an unexamined rejection fails the scenario. */
  outcomeExamined = true;

  constructor(options: IWorldOptions) {
    super(options);
  }

  /** Builds the scenario's network on the configured transport. Called by the Before hook. */
  startScenario(feature: string, scenario: string, seed: number): void {
    this.config = runConfig();
    this.featureName = feature;
    this.scenarioName = scenario;
    this.clock = new SimulatedClock(Date.now());
    this.bus = new EventBus((error) => this.log(`event sink failed: ${String(error)}`));
    this.bus.onSignalling((event) => this.signalling.push(event));
    this.bus.onJourney((event) => this.journeys.push(event));
    const mode = runMode();
    this.network = new MockNetwork({
      config: this.config,
      seed,
      clock: this.clock,
      bus: this.bus,
      scenario,
      ...(mode === 'intercept'
        ? { transport: interceptTransport(this.config) }
        : mode === 'live'
          ? { transport: liveTransport() }
          : mode === 'wire'
            ? { transport: wireTransport(this.config) }
            : {}),
    });
    this.engine = new RoamingEngine({
      link: this.network.link,
      store: this.network.store,
      bus: this.bus,
      clock: this.clock,
      scenario,
      onTransition: (from, event, to) => this.transitions.push({ from, event, to }),
    });
    this.sinks = sinkFactories.map((factory) => factory(this)).filter((sink): sink is ScenarioSink => sink !== undefined);
  }

  /** Runs every sink's finish; a sink that fails is reported and never changes the scenario's result. */
  async endScenario(result: { status: string; failed: boolean }): Promise<void> {
    this.engine?.stop();
    for (const sink of this.sinks) {
      try {
        await sink.finish?.(result);
      } catch (error) {
        this.log(`scenario sink failed: ${String(error)}`);
      }
    }
  }

  get subscriber(): SubscriberIdentity {
    if (!this.current) throw new Error('no subscriber yet: start the scenario with "Given a \\"postpaid\\" subscriber from home network 234-15"');
    return this.current;
  }

  addSubscriber(profile: string, homePlmn: string): SubscriberIdentity {
    this.network.requireProfile(profile, 'subscriber profile in the step');
    const generator = this.network.generator(homePlmn);
    // Scenarios draw different subscribers (by name), so pseudonyms and ladders differ between scenarios.
    const index = (hash32(this.scenarioName) + this.subscriberCount++) % generator.capacity;
    const identity = { ...generator.identity(index), profile };
    this.network.store.add(identity);
    this.current = identity;
    return identity;
  }

  hlrRecord() {
    return this.network.store.record(this.subscriber.imsi);
  }

  async attachTo(plmn: string, rat: Rat): Promise<RegistrationOutcome> {
    return this.remember(await this.engine.attach(this.subscriber.imsi, plmn, rat));
  }

  async moveTo(plmn: string, rat: Rat): Promise<RegistrationOutcome> {
    return this.remember(await this.engine.move(this.subscriber.imsi, plmn, rat));
  }

  async detachSubscriber(): Promise<void> {
    await this.engine.detach(this.subscriber.imsi);
  }

  /** For Given steps: the registration must succeed, or the scenario's premise is broken. */
  async ensureRegistered(plmn: string, rat: Rat): Promise<void> {
    const state = this.engine.state(this.subscriber.imsi);
    const outcome = state === 'registered' ? await this.engine.move(this.subscriber.imsi, plmn, rat) : await this.engine.attach(this.subscriber.imsi, plmn, rat);
    if (outcome.outcome !== 'accepted') {
      throw new Error(`could not register the subscriber in ${plmn} over ${rat} as the step requires: ${this.describeOutcome(outcome)}`);
    }
  }

  expectAccepted(): void {
    const outcome = this.examineOutcome();
    if (outcome.outcome !== 'accepted') throw new Error(`expected the registration in ${outcome.target.plmn} over ${outcome.target.rat} to be accepted, but it was ${this.describeOutcome(outcome)}`);
  }

  expectRejected(expected: ProtocolError, written: string): void {
    const outcome = this.examineOutcome();
    if (outcome.outcome === 'accepted') throw new Error(`expected the registration in ${outcome.target.plmn} over ${outcome.target.rat} to be rejected with ${written}, but it was accepted`);
    if (!errorMatches(outcome.error, expected)) {
      throw new Error(`expected rejection with ${written} (${describeError(expected)}), but it was ${this.describeOutcome(outcome)}`);
    }
  }

  expectDeadLettered(): void {
    const outcome = this.examineOutcome();
    if (outcome.outcome !== 'dead-lettered') throw new Error(`expected the attempt to be dead-lettered, but it was ${this.describeOutcome(outcome)}`);
  }

  describeOutcome(outcome: RegistrationOutcome): string {
    return outcome.outcome === 'accepted' ? 'accepted' : `${outcome.outcome} with ${describeError(outcome.error)}`;
  }

  private examineOutcome(): RegistrationOutcome {
    if (!this.lastOutcome) throw new Error('no registration was attempted in this scenario yet');
    this.outcomeExamined = true;
    return this.lastOutcome;
  }

  private remember(outcome: RegistrationOutcome): RegistrationOutcome {
    this.lastOutcome = outcome;
    this.outcomeExamined = outcome.outcome === 'accepted';
    return outcome;
  }
}

setWorldConstructor(RoamingWorld);
