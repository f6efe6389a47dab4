import { parentPort, workerData } from 'node:worker_threads';
import type { RoamingConfig } from '../config/load';
import type { Population } from './population';
import { LoadRun, type LoadOptions } from './run';
import type { WorkerMessage } from './threads';

/** Worker-thread entry of a load run (threads.ts): prepare, report ready, run on `start`, report progress. */
async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('load worker: started outside a worker thread');
  const options = revive(workerData as LoadOptions);
  const post = (message: WorkerMessage) => port.postMessage(message);
  let run: LoadRun | undefined;
  let started = false;
  port.on('message', (message: { type: 'start' | 'stop' }) => {
    if (message.type === 'stop') run?.stop();
    if (message.type === 'start' && run && !started) {
      started = true;
      void go(run);
    }
  });

  const go = async (active: LoadRun) => {
    const timer = setInterval(() => {
      post({ type: 'progress', counts: active.counts, interval: take(active), ...metrics(active) });
    }, 250);
    try {
      await active.run();
      clearInterval(timer);
      post({ type: 'done', counts: active.counts, latency: active.latency, interval: take(active), elapsedMs: active.elapsedMs, ...metrics(active) });
      await active.close();
      port.close();
    } catch (error) {
      clearInterval(timer);
      post({ type: 'failed', message: (error as Error).message, name: (error as Error).name });
    }
  };

  try {
    run = await LoadRun.prepare(options);
    post({ type: 'ready', planned: run.planned });
  } catch (error) {
    post({ type: 'failed', message: (error as Error).message, name: (error as Error).name });
  }
}

function take(run: LoadRun) {
  const data = { counts: Float64Array.from(run.interval.counts), count: run.interval.count, maxUs: run.interval.maxUs };
  run.interval.reset();
  return data;
}

function metrics(run: LoadRun) {
  const batch = run.drainMetrics();
  return batch ? { metrics: batch } : {};
}

/** Structured clone turns Buffers into Uint8Arrays: give the config its Buffer back. */
function revive(options: LoadOptions): LoadOptions {
  const fix = (config: RoamingConfig): RoamingConfig => ({ ...config, secrets: { ...config.secrets, op: Buffer.from(config.secrets.op) } });
  const population: Population = { ...options.population, config: fix(options.population.config) };
  return { ...options, config: fix(options.config), population };
}

void main();
