import { existsSync } from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { decideUpdateLocation } from '../../mocks/hlr-hss/decisions';
import { MockNetwork } from '../../mocks/network';
import type { RoamingConfig } from '../config/load';
import { type Clock, RealClock } from '../roaming/clock';
import { EventBus } from '../roaming/events';
import { type ElementKind, FetchTransport, type Transport, type TransportMode } from '../roaming/transport';
import type { Target } from '../roaming/ue';
import { CompactSubscriberStore } from '../subscribers/compact-store';
import type { SubscriberIdentity } from '../subscribers/generator';
import { MachineDriver, type Registration, ZeroLatencyClock, runJourney } from './driver';
import { INJECTED_CAUSES, applyFaultRate } from './faults';
import { MetricBatch, type MetricBatchData } from './metrics';
import { JourneyPlanner, type Mix } from './mix';
import { type Population, Schedule } from './population';
import { LiveUnavailable, prepareRemote } from './remote';

export { LiveUnavailable };
import { type Shard, shardSize } from './shard';
import { type CountsData, LatencyHistogram, causeName, emptyCounts } from './stats';

export interface LoadOptions {
  readonly config: RoamingConfig;
  readonly population: Population;
  readonly mix: Mix;
  readonly mode: TransportMode;
  readonly seed: number;
  readonly shard: Shard;
  readonly concurrency: number;
  /** Journeys started per second (this thread's share); unlimited when absent. */
  readonly rate?: number;
  /** Keep going round the population until this much time has passed; one journey each when absent. */
  readonly durationMs?: number;
  readonly faultRate: number;
  /** `live` against servers already running (`roamsim mocks`), instead of starting them in this process. */
  readonly mocksUrls?: Readonly<Record<ElementKind, string>>;
  /** Count metric updates in a batch (drained by the caller); off when nobody scrapes. */
  readonly metrics?: boolean;
  /** Memoise the machine's pure transitions (default true; false runs the machine for every one). */
  readonly memo?: boolean;
}

/** A running load: counters readable at any time, a latency histogram for the whole run and one per interval. */
export class LoadRun {
  readonly counts: CountsData = emptyCounts();
  readonly latency = new LatencyHistogram();
  readonly interval = new LatencyHistogram();
  readonly batch?: MetricBatch;
  /** Journeys this run will do (one per subscriber of the shard) when it is not time-bounded. */
  readonly planned: number;
  startedAt = 0;
  endedAt = 0;
  private stopping = false;
  private closeHooks: Array<() => Promise<void> | void> = [];

  private constructor(
    private readonly options: LoadOptions,
    private readonly network: MockNetwork,
    private readonly store: CompactSubscriberStore,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly planner: JourneyPlanner,
  ) {
    this.planned = options.population.shares.reduce((sum, share) => sum + shardSize(share.count, options.shard), 0);
    if (options.metrics) {
      this.batch = new MetricBatch();
      this.batch.attach(bus);
    }
    bus.onSignalling((event) => {
      this.counts.exchanges++;
      if (event.attempt > 1) this.counts.retries++;
    });
  }

  /** Builds the network for the mode (starting in-process live mocks when needed) and provisions the shard. */
  static async prepare(options: LoadOptions): Promise<LoadRun> {
    const { config } = options.population;
    const clock: Clock = options.mode === 'direct' ? new ZeroLatencyClock() : new RealClock();
    const bus = new EventBus();
    // Subscribers in flight stay materialised while touched within the cache: keep it far above concurrency.
    const cacheSize = Math.max(16_384, options.concurrency * 8);
    const closeHooks: Array<() => Promise<void> | void> = [];
    try {
      let transport: ((network: MockNetwork) => Transport) | undefined;
      let networkRef: MockNetwork | undefined;
      if (options.mode === 'intercept') {
        const { closeIntercept, interceptTransport } = await import('../../mocks/intercept');
        transport = interceptTransport(config);
        closeHooks.push(closeIntercept);
      } else if (options.mode === 'live') {
        let urls = options.mocksUrls;
        if (!urls) {
          const live = await startInProcessMocks(config, () => networkRef);
          urls = live.urls;
          closeHooks.push(live.close);
        }
        const bound = urls;
        transport = (network) => new FetchTransport('live', (element) => bound[element], network.clock);
      }
      const network = new MockNetwork({
        config,
        // Running mocks derive identities and keys from their own config seed: the SIMs here must match them.
        seed: options.mocksUrls ? config.seed : options.seed,
        clock,
        bus,
        ...(transport ? { transport } : {}),
        store: (generatorFor) => new CompactSubscriberStore(generatorFor, { cacheSize }),
      });
      networkRef = network;
      const planner = new JourneyPlanner(options.mix, options.seed, config);
      const run = new LoadRun(options, network, network.store as CompactSubscriberStore, bus, clock, planner);
      run.closeHooks = closeHooks;
      for (const share of options.population.shares) {
        run.store.provision(share.home, {
          first: options.shard.index,
          step: options.shard.count,
          count: shardSize(share.count, options.shard),
          profile: (index) => planner.profileOf(share.home, index),
        });
      }
      if (options.mocksUrls) await prepareRemote(options.mocksUrls, config, options.population, options.shard, planner, options.faultRate);
      else if (options.faultRate > 0) applyFaultRate(network.faults, options.faultRate);
      return run;
    } catch (error) {
      // Nothing started for a run that cannot begin may keep the process alive.
      for (const hook of closeHooks.reverse()) await hook();
      throw error;
    }
  }

  /** Asks the run to start no further journey; the ones in flight finish. */
  stop(): void {
    this.stopping = true;
  }

  drainMetrics(): MetricBatchData | undefined {
    return this.batch?.drain();
  }

  async run(): Promise<void> {
    const { options, store, planner } = this;
    const driver = new MachineDriver({ memo: options.memo ?? true });
    const schedule = new Schedule(options.population.shares, options.shard);
    const timed = options.durationMs !== undefined;
    const concurrency = Math.max(1, Math.min(options.concurrency, schedule.total));
    const busy = new Set<string>();
    const expect = this.expectation();
    const deps = {
      driver,
      link: this.network.link,
      bus: this.bus,
      clock: this.clock,
      store,
      onRegistration: (registration: Registration, latencyMs: number, identity: SubscriberIdentity) => this.record(registration, latencyMs, identity, expect),
    };
    let round = 0;
    let started = 0;
    let sinceYield = 0;
    this.startedAt = performance.now();
    const deadline = timed ? this.startedAt + (options.durationMs as number) : Infinity;
    const interval = options.rate ? 1000 / options.rate : 0;

    const slot = async (): Promise<void> => {
      for (;;) {
        if (this.stopping || performance.now() >= deadline) return;
        if (interval > 0) {
          const due = this.startedAt + started * interval;
          started++;
          const wait = due - performance.now();
          if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
          if (this.stopping || performance.now() >= deadline) return;
        }
        let next = schedule.next();
        if (!next) {
          if (!timed) return;
          schedule.rewind();
          round++;
          next = schedule.next();
          if (!next) return;
        }
        const key = timed ? `${next.home}|${next.index}` : '';
        if (timed) {
          // Round two can reach a subscriber whose round-one journey is still running: skip it this time.
          if (busy.has(key)) continue;
          busy.add(key);
        }
        try {
          const identity = store.touch(next.home, next.index);
          if (!identity) throw new Error(`subscriber ${next.index} of ${next.home} is not provisioned in this shard`);
          await runJourney(deps, identity, planner.plan(next.home, next.index, round));
        } catch (error) {
          this.counts.crashed++;
          if (this.counts.surprises.length < 5) this.counts.surprises.push(`journey failed: ${(error as Error).message}`);
        } finally {
          if (timed) busy.delete(key);
        }
        this.counts.journeys++;
        // Direct mode never leaves the microtask queue on its own: let timers (progress, metrics) run.
        if (++sinceYield >= 128) {
          sinceYield = 0;
          await yieldToLoop();
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, slot));
    this.endedAt = performance.now();
  }

  async close(): Promise<void> {
    for (const hook of this.closeHooks.reverse()) await hook();
    this.closeHooks = [];
  }

  get elapsedMs(): number {
    return (this.endedAt || performance.now()) - this.startedAt;
  }

  /** What a registration should come to without faults: the HLR/HSS's own decision on the config's agreements. */
  private expectation(): (identity: SubscriberIdentity, target: Target) => 'accepted' | 'rejected' {
    const cache = new Map<string, 'accepted' | 'rejected'>();
    return (identity, target) => {
      const key = `${identity.homePlmn}|${target.plmn}|${target.rat}|${identity.profile}`;
      let expected = cache.get(key);
      if (!expected) {
        const decision = decideUpdateLocation({
          record: { identity, sqn: 0, barred: false },
          homePlmn: identity.homePlmn,
          visitedPlmn: target.plmn,
          rat: target.rat,
          agreement: this.network.agreements.find(identity.homePlmn, target.plmn),
          profileAllowsRoaming: this.network.profileAllowsRoaming(identity.profile),
        });
        expected = decision.ok ? 'accepted' : 'rejected';
        cache.set(key, expected);
      }
      return expected;
    };
  }

  private record(registration: Registration, latencyMs: number, identity: SubscriberIdentity, expect: (identity: SubscriberIdentity, target: Target) => 'accepted' | 'rejected'): void {
    const counts = this.counts;
    counts.attempted++;
    this.latency.recordMs(latencyMs);
    this.interval.recordMs(latencyMs);
    const cause = registration.error ? causeName(registration.error) : '';
    if (registration.outcome === 'accepted') counts.accepted++;
    else if (registration.outcome === 'rejected') {
      counts.rejected++;
      counts.rejectedByCause[cause] = (counts.rejectedByCause[cause] ?? 0) + 1;
    } else {
      counts.deadLettered++;
      counts.deadLetteredByCause[cause] = (counts.deadLetteredByCause[cause] ?? 0) + 1;
    }
    const expected = expect(identity, registration.target);
    const explained = this.options.faultRate > 0 && registration.error !== undefined && INJECTED_CAUSES.has(registration.error.name);
    const asExpected = registration.outcome === 'accepted' ? expected === 'accepted' : expected === 'rejected' || explained;
    if (!asExpected) {
      counts.unexpected++;
      if (counts.surprises.length < 5) {
        counts.surprises.push(`${identity.homePlmn} → ${registration.target.plmn} over ${registration.target.rat} (${identity.profile}): expected ${expected}, was ${registration.outcome}${cause ? ` with ${cause}` : ''}`);
      }
    }
  }
}

/** Starts mocks/live-server.ts in this process on ephemeral loopback ports, when that module is present. */
async function startInProcessMocks(config: RoamingConfig, networkFor: () => MockNetwork | undefined): Promise<{ urls: Record<ElementKind, string>; close: () => Promise<void> }> {
  const file = path.resolve(__dirname, '..', '..', 'mocks', 'live-server.ts');
  if (!existsSync(file) && !existsSync(file.replace(/\.ts$/, '.js'))) {
    throw new LiveUnavailable('live mode needs mocks/live-server.ts (the `roamsim mocks` servers), which this build does not have: use --mode direct or intercept, or point --mocks-url at running mocks');
  }
  const live = await import('../../mocks/live-server');
  return live.startLiveMocks({ config, networkFor, host: '127.0.0.1', ports: { 'hlr-hss': 0, 'vlr-mme': 0 } });
}
