import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { MetricBatchData } from './metrics';
import type { ProgressSample } from './progress';
import { LoadRun, type LoadOptions } from './run';
import { subShard } from './shard';
import { type CountsData, LatencyHistogram, type LatencySummary, addCounts, emptyCounts } from './stats';

export interface ThreadsResult {
  readonly counts: CountsData;
  readonly latency: LatencySummary;
  readonly elapsedMs: number;
}

/** One load run on this thread, or split over worker threads; the CLI sees the same surface either way. */
export interface Threads {
  readonly workers: number;
  /** Journeys of a run that is not time-bounded (one per subscriber of the shard). */
  readonly planned: number;
  readonly done: Promise<ThreadsResult>;
  sample(): ProgressSample;
  /** Latency of the registrations since the last call. */
  takeInterval(): LatencySummary;
  drainMetrics(apply: (batch: MetricBatchData) => void): void;
  stop(): void;
  close(): Promise<void>;
}

/** Messages a worker posts (worker.ts). */
export type WorkerMessage =
  | { readonly type: 'ready'; readonly planned: number }
  | { readonly type: 'progress'; readonly counts: CountsData; readonly interval: HistogramData; readonly metrics?: MetricBatchData }
  | { readonly type: 'done'; readonly counts: CountsData; readonly latency: HistogramData; readonly interval: HistogramData; readonly elapsedMs: number; readonly metrics?: MetricBatchData }
  | { readonly type: 'failed'; readonly message: string; readonly name: string };

export interface HistogramData {
  readonly counts: Float64Array;
  readonly count: number;
  readonly maxUs: number;
}

export async function startThreads(options: LoadOptions, workers: number): Promise<Threads> {
  return workers <= 1 ? startHere(options) : startWorkers(options, workers);
}

async function startHere(options: LoadOptions): Promise<Threads> {
  const run = await LoadRun.prepare(options);
  const done = run
    .run()
    .then(() => ({ counts: run.counts, latency: run.latency.summary(), elapsedMs: run.elapsedMs }))
    .finally(() => run.close());
  return {
    workers: 1,
    planned: run.planned,
    done,
    sample: () => ({ ...run.counts, elapsedMs: run.elapsedMs }),
    takeInterval: () => {
      const summary = run.interval.summary();
      run.interval.reset();
      return summary;
    },
    drainMetrics: (apply) => {
      const batch = run.drainMetrics();
      if (batch) apply(batch);
    },
    stop: () => run.stop(),
    close: async () => {
      run.stop();
      await done.catch(() => undefined);
    },
  };
}

/**
 * W worker threads, each a sub-shard (worker w of shard I/N runs shard I+w·N / N·W) with its own network,
 * C/W journeys in flight and R/W of the rate. Every worker provisions first; the clock starts when all are
 * ready, so the throughput covers journeys only.
 */
async function startWorkers(options: LoadOptions, workers: number): Promise<Threads> {
  const threads: Worker[] = [];
  const live = new Map<number, { counts: CountsData; interval: LatencyHistogram; done?: Extract<WorkerMessage, { type: 'done' }> }>();
  const pendingMetrics: MetricBatchData[] = [];
  const interval = new LatencyHistogram();
  let planned = 0;
  let startedAt = 0;
  let endedAt = 0;
  let settle!: { resolve: (result: ThreadsResult) => void; reject: (error: Error) => void };
  const done = new Promise<ThreadsResult>((resolve, reject) => (settle = { resolve, reject }));
  const ready = new Promise<void>((resolve, reject) => {
    let readyCount = 0;
    for (let w = 0; w < workers; w++) {
      const worker = spawn({
        ...options,
        shard: subShard(options.shard, w, workers),
        concurrency: Math.max(1, Math.ceil(options.concurrency / workers)),
        ...(options.rate === undefined ? {} : { rate: options.rate / workers }),
      });
      threads.push(worker);
      live.set(w, { counts: emptyCounts(), interval: new LatencyHistogram() });
      worker.on('message', (message: WorkerMessage) => {
        const state = live.get(w);
        if (!state) return;
        if (message.type === 'ready') {
          planned += message.planned;
          if (++readyCount === workers) resolve();
        } else if (message.type === 'progress' || message.type === 'done') {
          state.counts = message.counts;
          interval.merge(message.interval);
          if (message.metrics) pendingMetrics.push(message.metrics);
          if (message.type === 'done') {
            state.done = message;
            if ([...live.values()].every((candidate) => candidate.done)) finish();
          }
        } else if (message.type === 'failed') {
          const error = new Error(message.message);
          error.name = message.name;
          reject(error);
          settle.reject(error);
        }
      });
      worker.on('error', (error) => {
        reject(error);
        settle.reject(error);
      });
      worker.on('exit', (code) => {
        if (code !== 0 && !live.get(w)?.done) {
          const error = new Error(`load worker ${w} exited with code ${code}`);
          reject(error);
          settle.reject(error);
        }
      });
    }
  });
  const finish = () => {
    endedAt = performance.now();
    const counts = emptyCounts();
    const latency = new LatencyHistogram();
    for (const state of live.values()) {
      addCounts(counts, state.done?.counts ?? state.counts);
      if (state.done) latency.merge(state.done.latency);
    }
    settle.resolve({ counts, latency: latency.summary(), elapsedMs: endedAt - startedAt });
  };
  try {
    await ready;
  } catch (error) {
    await Promise.all(threads.map((worker) => worker.terminate()));
    throw error;
  }
  done.catch(() => undefined);
  startedAt = performance.now();
  for (const worker of threads) worker.postMessage({ type: 'start' });
  const total = (): CountsData => {
    const counts = emptyCounts();
    for (const state of live.values()) addCounts(counts, state.counts);
    return counts;
  };
  return {
    workers,
    planned,
    done,
    sample: () => ({ ...total(), elapsedMs: (endedAt || performance.now()) - startedAt }),
    takeInterval: () => {
      const summary = interval.summary();
      interval.reset();
      return summary;
    },
    drainMetrics: (apply) => {
      for (const batch of pendingMetrics.splice(0)) apply(batch);
    },
    stop: () => {
      for (const worker of threads) worker.postMessage({ type: 'stop' });
    },
    close: async () => {
      for (const worker of threads) worker.postMessage({ type: 'stop' });
      await done.catch(() => undefined);
      await Promise.all(threads.map((worker) => worker.terminate()));
    },
  };
}

function spawn(options: LoadOptions): Worker {
  const here = __filename;
  const entry = path.join(path.dirname(here), `worker${path.extname(here)}`);
  const register = path.resolve(__dirname, '..', '..', 'support', 'register.js');
  // TypeScript sources load through the same ts-node/swc hook as the main thread.
  const code = here.endsWith('.ts') ? `require(${JSON.stringify(register)}); require(${JSON.stringify(entry)});` : `require(${JSON.stringify(entry)});`;
  return new Worker(code, { eval: true, workerData: options });
}
