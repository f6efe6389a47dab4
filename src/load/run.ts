import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { RoamingConfig } from '../config/load';
import type { ElementProviders, ElementSource, ServedElements } from '../elements/seam';
import { loadElementProviders } from '../elements/source';
import { decideUpdateLocation } from '../roaming/decisions';
import { type Clock, RealClock } from '../roaming/clock';
import type { EventBus } from '../roaming/events';
import { type ElementKind, HttpPool, HttpTransport, type Transport, type TransportMode } from '../roaming/transport';
import { type Simulation, buildSimulation } from '../simulation/root';
import type { Target } from '../roaming/ue';
import { CompactSubscriberStore } from '../subscribers/compact-store';
import type { SubscriberIdentity } from '../subscribers/generator';
import { RoamingInterpreter } from '../roaming/interpreter';
import { JourneyReporter } from '../roaming/journey';
import { type Registration, ZeroLatencyClock, runJourney } from './driver';
import { INJECTED_CAUSES, applyFaultRate } from './faults';
import { MetricBatch, type MetricBatchData, combineBatches } from './metrics';
import { JourneyPlanner, type Mix } from './mix';
import { type Population, Schedule } from './population';
import { LiveUnavailable, prepareRemote } from './remote';

export { LiveUnavailable };
import { type Shard, shardSize } from './shard';
import { type CountsData, LatencyHistogram, causeName, emptyCounts } from './stats';
import { RunRecords, type RecordsSpec } from '../telemetry/run-records';

export interface LoadOptions {
  readonly config: RoamingConfig;
  /** Where this thread (and each worker thread) finds the element implementations. */
  readonly elements: ElementSource;
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
  /**
   * In-process live runs: throwaway journeys on a scratch network for this long before the clock starts, so
   * the run measures warmed-up servers and client rather than the JIT compiling them (default 3000; 0 skips).
   */
  readonly warmUpMs?: number;
  /** --mocks-url: delete the fault rules already set on the mocks before adding the --fault-rate mix. */
  readonly resetFaults?: boolean;
  /** Audit trail and dead-letter log (batched); absent: none (benchmarks, warm-up). */
  readonly records?: RecordsSpec;
}

const DEFAULT_WARM_UP_MS = 3000;
const WARM_UP_SUBSCRIBERS = 10_000;
/**
 * The warm-up runs on two scratch networks one after the other: what only a network's first requests do (its
 * first request to each PLMN, creating each element) then runs again after the compiler has seen it, so the
 * run's own first requests do not throw the hottest functions (dispatch, the link's attempt) back to the
 * interpreter.
 */
const WARM_UP_ROUNDS = 2;

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
  private records?: RunRecords;
  private closeHooks: Array<() => Promise<void> | void> = [];
  /** In-process live runs: the VLR/MME's thread, whose own signalling is added to the counts and metrics. */
  private elementThread?: ServedElements['thread'];
  private threadMetrics: MetricBatchData[] = [];
  /** The machine's transitions, memoised: pure, so a warm-up's memo serves the run as well. */
  private interpreter: RoamingInterpreter;

  private readonly bus: EventBus;
  private readonly clock: Clock;

  private constructor(
    private readonly options: LoadOptions,
    private readonly simulation: Simulation,
    private readonly store: CompactSubscriberStore,
    private readonly planner: JourneyPlanner,
  ) {
    this.bus = simulation.bus;
    this.clock = simulation.clock;
    const bus = this.bus;
    this.planned = options.population.shares.reduce((sum, share) => sum + shardSize(share.count, options.shard), 0);
    this.interpreter = new RoamingInterpreter({ memo: options.memo ?? true });
    if (options.metrics) {
      this.batch = new MetricBatch();
      this.batch.attach(bus);
    }
    bus.onSignalling((event) => {
      this.counts.exchanges++;
      if (event.attempt > 1) this.counts.retries++;
    });
    if (options.records) {
      // Fail closed: the first record that cannot be written stops the run (no journey starts after it).
      const records = new RunRecords(options.records, options.config, {
        batched: true,
        onFailure: (failure) => {
          this.counts.notWritten = records.ledger.count;
          if (!this.counts.writeFailures.includes(failure.message) && this.counts.writeFailures.length < 5) this.counts.writeFailures.push(failure.message);
          this.stop();
        },
      });
      records.attach(bus);
      this.records = records;
    }
  }

  /**
   * Builds the network for the mode (starting in-process live mocks when needed) and provisions the shard. An
   * in-process live run then warms up (warmUpMs) before it returns: the clock starts in run().
   */
  static async prepare(options: LoadOptions): Promise<LoadRun> {
    const { config } = options.population;
    const clock: Clock = options.mode === 'direct' ? new ZeroLatencyClock() : new RealClock();
    const elements: ElementProviders = loadElementProviders(options.elements);
    const closeHooks: Array<() => Promise<void> | void> = [() => elements.embedded.close?.()];
    try {
      let transport: Transport | undefined;
      let current: Simulation | undefined;
      let served: ServedElements | undefined;
      if (options.mode === 'live') {
        // A request holds its connection while the element it reached makes its own (UE → VLR → HLR → VLR).
        const maxSockets = 2 * options.concurrency + 16;
        let urls = options.mocksUrls;
        if (!urls) {
          const serving = elements.embedded.serving;
          if (!serving) throw new LiveUnavailable(`live mode needs elements that can be served over HTTP, which the ${elements.embedded.name} elements cannot: use --mode direct or intercept, or point --mocks-url at running mocks`);
          served = await serving.serveForLoad({ config, seed: options.seed, maxSockets, metrics: options.metrics === true, networkFor: () => current?.networkFor(config.networks[0]?.plmn ?? '') });
          urls = served.urls;
          closeHooks.push(() => served?.close());
        }
        const bound = urls;
        const pool = new HttpPool({ maxSockets });
        closeHooks.push(() => pool.close());
        transport = new HttpTransport('live', (element) => bound[element], clock, { pool });
      }
      const build = (runOptions: LoadOptions): LoadRun => {
        // Subscribers in flight stay materialised while touched within the cache: keep it far above concurrency.
        const cacheSize = Math.max(16_384, runOptions.concurrency * 8);
        const simulation = buildSimulation({
          config,
          mode: runOptions.mode,
          clock,
          // Running mocks derive identities and keys from their own config seed: the SIMs here must match them.
          seed: runOptions.mocksUrls ? config.seed : runOptions.seed,
          elements,
          store: (generatorFor) => new CompactSubscriberStore(generatorFor, { cacheSize }),
          ...(transport ? { transport } : {}),
        });
        const planner = new JourneyPlanner(runOptions.mix, runOptions.seed, config);
        const run = new LoadRun(runOptions, simulation, simulation.store as CompactSubscriberStore, planner);
        for (const share of runOptions.population.shares) {
          run.store.provision(share.home, {
            first: runOptions.shard.index,
            step: runOptions.shard.count,
            count: shardSize(share.count, runOptions.shard),
            profile: (index) => planner.profileOf(share.home, index),
          });
        }
        return run;
      };
      const run = build(options);
      current = run.simulation;
      closeHooks.push(() => run.simulation.close());
      run.closeHooks = closeHooks;
      const elementThread = served?.thread;
      if (elementThread) run.elementThread = elementThread;
      if (options.mocksUrls) {
        await prepareRemote(options.mocksUrls, config, options.population, options.shard, run.planner, options.faultRate, {
          resetFaults: options.resetFaults === true,
          note: (message) => process.stderr.write(`roamsim load: ${message}\n`),
        });
      } else if (options.faultRate > 0) applyFaultRate(run.simulation.faults(), options.faultRate);
      const warmUpMs = options.warmUpMs ?? DEFAULT_WARM_UP_MS;
      if (elementThread && warmUpMs > 0) {
        // Throwaway journeys on a scratch simulation (its own store, bus, counts and no faults) over the run's
        // servers and connection pool: compiled code, open connections and the machine's memo carry over,
        // nothing else. Each of its journeys ends (detached) before the run's simulation takes the HLR/HSS
        // server back; what the VLR/MME's thread counted meanwhile is dropped. It reaches a few thousand
        // subscribers, so its store holds at most WARM_UP_SUBSCRIBERS of each home.
        const population = { ...options.population, shares: options.population.shares.map((share) => ({ ...share, count: Math.min(share.count, WARM_UP_SUBSCRIBERS) })) };
        for (let round = 0; round < WARM_UP_ROUNDS; round++) {
          const scratch = build({ ...options, population, durationMs: warmUpMs / WARM_UP_ROUNDS, rate: undefined, faultRate: 0, metrics: false, records: undefined });
          scratch.interpreter = run.interpreter;
          current = scratch.simulation;
          await scratch.run();
          await scratch.simulation.close();
        }
        current = run.simulation;
        await elementThread.take();
      }
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
    const own = this.batch?.drain();
    if (!own || this.threadMetrics.length === 0) return own;
    return combineBatches([own, ...this.threadMetrics.splice(0)]);
  }

  /** Adds what the VLR/MME's thread counted since the last call (its own VLR → HLR signalling). */
  private async takeThreadCounts(): Promise<void> {
    if (!this.elementThread) return;
    const counts = await this.elementThread.take();
    this.counts.exchanges += counts.exchanges;
    this.counts.retries += counts.retries;
    if (counts.metrics) this.threadMetrics.push(counts.metrics);
  }

  async run(): Promise<void> {
    const { options, store, planner } = this;
    const schedule = new Schedule(options.population.shares, options.shard);
    const timed = options.durationMs !== undefined;
    const concurrency = Math.max(1, Math.min(options.concurrency, schedule.total));
    const busy = new Set<string>();
    const expect = this.expectation();
    const deps = {
      interpreter: this.interpreter,
      journeys: new JourneyReporter(this.bus, this.clock),
      link: this.simulation.link,
      bus: this.bus,
      clock: this.clock,
      store,
      onRegistration: (registration: Registration, latencyMs: number, identity: SubscriberIdentity) => this.record(registration, latencyMs, identity, expect),
    };
    let round = 0;
    let started = 0;
    let sinceYield = 0;
    let gate: Promise<void> | undefined;
    const realClock = options.mode !== 'direct';
    let nextBreath = performance.now() + 50;
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
        // Direct and intercept modes never leave the microtask queue on their own: every 128 journeys (and on
        // the real clock every 50 ms) all slots wait for one turn of the event loop, so timers (progress,
        // metrics) and signals (SIGINT/SIGTERM) are handled. One slot yielding alone would not do: the others
        // keep the microtask queue busy. Counting journeys keeps direct mode's interleaving replayable.
        if (++sinceYield >= 128 || (realClock && performance.now() >= nextBreath)) {
          sinceYield = 0;
          gate ??= yieldToLoop().then(() => {
            gate = undefined;
            nextBreath = performance.now() + 50;
          });
        }
        if (gate) await gate;
      }
    };
    const taking = this.elementThread ? setInterval(() => void this.takeThreadCounts(), 250) : undefined;
    this.elementThread?.busy(true);
    try {
      await Promise.all(Array.from({ length: concurrency }, slot));
    } finally {
      this.endedAt = performance.now();
      this.elementThread?.busy(false);
      if (taking) clearInterval(taking);
    }
    // Every exchange of a journey has ended by the time the journey has: this take has them all.
    await this.takeThreadCounts();
    // The batched tail of the audit trail and dead-letter log, and this run's digest.
    this.records?.finish();
    if (this.records) this.counts.notWritten = this.records.ledger.count;
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
          agreement: this.simulation.agreements.find(identity.homePlmn, target.plmn),
          profileAllowsRoaming: this.simulation.subscribers.profileAllowsRoaming(identity.profile),
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
    const error = registration.outcome === 'accepted' ? undefined : registration.error;
    const cause = error ? causeName(error) : '';
    if (registration.outcome === 'accepted') counts.accepted++;
    else if (registration.outcome === 'rejected') {
      counts.rejected++;
      counts.rejectedByCause[cause] = (counts.rejectedByCause[cause] ?? 0) + 1;
    } else {
      counts.deadLettered++;
      counts.deadLetteredByCause[cause] = (counts.deadLetteredByCause[cause] ?? 0) + 1;
    }
    const expected = expect(identity, registration.target);
    const explained = this.options.faultRate > 0 && error !== undefined && INJECTED_CAUSES.has(error.name);
    const asExpected = registration.outcome === 'accepted' ? expected === 'accepted' : expected === 'rejected' || explained;
    if (!asExpected) {
      counts.unexpected++;
      if (counts.surprises.length < 5) {
        counts.surprises.push(`${identity.homePlmn} → ${registration.target.plmn} over ${registration.target.rat} (${identity.profile}): expected ${expected}, was ${registration.outcome}${cause ? ` with ${cause}` : ''}`);
      }
    }
  }
}
