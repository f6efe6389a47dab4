import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker, parentPort, workerData } from 'node:worker_threads';
import type { RoamingConfig } from '../src/config/load';
import type { ServedCounts } from '../src/elements/seam';
import type { ElementKind } from '../src/roaming/transport';

export interface ElementThreadOptions {
  /** The run's config (the population's, with widened homes): the thread's network is built from it. */
  readonly config: RoamingConfig;
  readonly seed: number;
  /** The element this thread serves. */
  readonly element: ElementKind;
  /** Where the other element's server is: the element's own requests (VLR → HLR) go there over HTTP. */
  readonly peers: Partial<Record<ElementKind, string>>;
  /** Connections per server for the element's own requests (sized from the run's concurrency). */
  readonly maxSockets: number;
  /** Count metric updates for the run's --metrics-port. */
  readonly metrics: boolean;
}

/** The signalling the thread's element originated (its own requests), since the last `take()`. */
export type ElementThreadCounts = ServedCounts;

export interface ElementThread {
  /** Base URL of the element's server, on an ephemeral 127.0.0.1 port. */
  readonly url: string;
  take(): Promise<ElementThreadCounts>;
  /**
   * While a run is in flight (`on`), the thread polls its sockets without sleeping between requests: a
   * request to a sleeping thread costs its sender a wake-up (an inter-processor interrupt, dear on a virtual
   * machine) on every write. Only with a core to spare for it (2 or more); off again when the run ends.
   */
  busy(on: boolean): void;
  /** Stops the server and the thread. Safe to call twice. */
  close(): Promise<void>;
}

type ToThread = { readonly type: 'take'; readonly id: number } | { readonly type: 'busy'; readonly on: boolean } | { readonly type: 'close' };
type FromThread =
  | { readonly type: 'ready'; readonly url: string }
  | { readonly type: 'failed'; readonly message: string }
  | ({ readonly type: 'counts'; readonly id: number } & ElementThreadCounts);

/**
 * One element's live mock on a worker thread of its own, for in-process live load runs: the load run's
 * thread keeps the UE, the engine and the HLR/HSS (with the subscriber store), this thread serves the VLR/MME
 * over real HTTP, and the exchanges between them cross 127.0.0.1 sockets as before, now using both cores.
 * The element's own network (same config and seed) emits the signalling it originates (VLR → HLR) on the
 * thread's bus; the thread counts it, and the run adds it to its counts and metrics (take()).
 */
export function startElementThread(options: ElementThreadOptions): Promise<ElementThread> {
  const register = path.resolve(__dirname, '..', 'support', 'register.js');
  const here = __filename;
  // TypeScript sources load through the same ts-node/swc hook as the run's thread (as threads.ts does).
  const load = `require(${JSON.stringify(here)}).runElementThread();`;
  const code = here.endsWith('.ts') ? `require(${JSON.stringify(register)}); ${load}` : load;
  const worker = new Worker(code, { eval: true, workerData: options });
  const pending = new Map<number, (counts: ElementThreadCounts) => void>();
  let nextId = 0;
  let exited = false;
  let closing: Promise<void> | undefined;
  const exit = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      exited = true;
      for (const resolveTake of pending.values()) resolveTake({ exchanges: 0, retries: 0 });
      pending.clear();
      resolve();
    }),
  );
  return new Promise<ElementThread>((resolve, reject) => {
    const fail = (error: Error) => {
      reject(error);
      void worker.terminate();
    };
    worker.once('error', fail);
    worker.on('message', (message: FromThread) => {
      if (message.type === 'failed') return fail(new Error(`the ${options.element} mock thread failed: ${message.message}`));
      if (message.type === 'counts') {
        const { id: _id, type: _type, ...counts } = message;
        pending.get(message.id)?.(counts);
        pending.delete(message.id);
        return;
      }
      worker.off('error', fail);
      // Past start-up, a thread that fails has nothing left to count: its exit resolves what waits.
      worker.on('error', () => undefined);
      resolve({
        url: message.url,
        take: () =>
          exited
            ? Promise.resolve({ exchanges: 0, retries: 0 })
            : new Promise<ElementThreadCounts>((done) => {
                const id = nextId++;
                pending.set(id, done);
                worker.postMessage({ type: 'take', id } satisfies ToThread);
              }),
        busy: (on) => {
          if (!exited) worker.postMessage({ type: 'busy', on } satisfies ToThread);
        },
        close: () =>
          (closing ??= (async () => {
            if (!exited) worker.postMessage({ type: 'close' } satisfies ToThread);
            const timer = setTimeout(() => void worker.terminate(), 5_000);
            await exit;
            clearTimeout(timer);
          })()),
      });
    });
  });
}

/** The worker's side (the eval code above calls it): build the network, serve the element, count, answer. */
export function runElementThread(): void {
  const port = parentPort;
  if (!port) throw new Error('element thread: started outside a worker thread');
  const post = (message: FromThread) => port.postMessage(message);
  void (async () => {
    const options = revive(workerData as ElementThreadOptions);
    const [{ MockNetwork }, { startElementMocks }, { RealClock }, { EventBus }, { HttpTransport }, { MetricBatch }] = await Promise.all([
      import('./network'),
      import('./live-server'),
      import('../src/roaming/clock'),
      import('../src/roaming/events'),
      import('../src/roaming/transport'),
      import('../src/load/metrics'),
    ]);
    let exchanges = 0;
    let retries = 0;
    // Transaction ids from 2^40 up: the run's thread numbers its own from 1, and an HLR/HSS answer names the
    // VLR/MME's transaction as its parent, so the ids of one run stay distinct across both threads.
    const bus = new (class extends EventBus {
      override newTransactionId(): number {
        return THREAD_ID_BASE + super.newTransactionId();
      }
    })();
    bus.onSignalling((event) => {
      exchanges++;
      if (event.attempt > 1) retries++;
    });
    const batch = options.metrics ? new MetricBatch() : undefined;
    batch?.attach(bus);
    const urls: Partial<Record<ElementKind, string>> = { ...options.peers };
    const transports: Array<{ close(): void }> = [];
    const network = new MockNetwork({
      config: options.config,
      seed: options.seed,
      clock: new RealClock(),
      bus,
      transport: (built) => {
        const transport = new HttpTransport('live', (element) => urls[element] as string, built.clock, { maxSockets: options.maxSockets });
        transports.push(transport);
        return transport;
      },
    });
    const mocks = await startElementMocks({ config: options.config, networkFor: () => network, host: '127.0.0.1', ports: { [options.element]: 0 } }, [options.element]);
    const url = mocks.urls[options.element] as string;
    urls[options.element] = url;
    let polling = false;
    let scheduled = false;
    const poll = () => {
      // A pending immediate makes each turn of the event loop poll with a zero timeout instead of sleeping.
      scheduled = polling;
      if (polling) setImmediate(poll);
    };
    const spare = availableParallelism() >= 2;
    port.on('message', (message: ToThread) => {
      if (message.type === 'take') {
        post({ type: 'counts', id: message.id, exchanges, retries, ...(batch ? { metrics: batch.drain() } : {}) });
        exchanges = 0;
        retries = 0;
      } else if (message.type === 'busy') {
        polling = message.on && spare;
        if (polling && !scheduled) poll();
      } else {
        polling = false;
        void mocks.close().then(() => {
          for (const transport of transports) transport.close();
          port.close();
        });
      }
    });
    post({ type: 'ready', url });
  })().catch((error: unknown) => post({ type: 'failed', message: (error as Error)?.message ?? String(error) }));
}

const THREAD_ID_BASE = 2 ** 40;

/** Structured clone turns Buffers into Uint8Arrays: give the config its Buffer back. */
function revive(options: ElementThreadOptions): ElementThreadOptions {
  const { config } = options;
  return { ...options, config: { ...config, secrets: { ...config.secrets, op: Buffer.from(config.secrets.op) } } };
}
