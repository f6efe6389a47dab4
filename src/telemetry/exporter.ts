import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { RoamsimMetrics } from './metrics';

export interface MetricsServer {
  /** The scrape URL, with the port actually bound (`http://127.0.0.1:40123/metrics`). */
  readonly url: string;
  readonly port: number;
  /**
   * Resolves true once a scrape that starts after this call has been answered (it saw the final values), or
   * false after `timeoutMs`: a short run lingers until Prometheus has read it, never longer than that.
   */
  nextScrape(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface MetricsServerOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  metrics: RoamsimMetrics;
}

/**
 * Serves GET /metrics for a Prometheus scrape; every other path is a 404. Node's runtime metrics (heap, event
 * loop lag, GC, handles: prom-client's default set) are served from a registry of the server's own next to
 * the run's, so the run's registry stays what `promtool check metrics` lints clean.
 */
export function startMetricsServer({ port, host = '127.0.0.1', metrics }: MetricsServerOptions): Promise<MetricsServer> {
  const runtime = new Registry();
  collectDefaultMetrics({ register: runtime });
  const waiting = new Set<() => void>();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: try GET /metrics\n');
      return;
    }
    // Scrapes waited for are those that started after the wait did: they read the final values.
    const answered = [...waiting];
    // The run's snapshot first (a load run flushes its batches there), then the runtime families.
    Promise.all([metrics.snapshot(), runtime.metrics()]).then(
      ([own, node]) => {
        const body = own === '' || own.endsWith('\n') ? own + node : `${own}\n${node}`;
        res.writeHead(200, { 'content-type': metrics.contentType, 'content-length': Buffer.byteLength(body) });
        res.end(req.method === 'HEAD' ? undefined : body, () => {
          for (const done of answered) done();
        });
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`metrics collection failed: ${String(error)}\n`);
      },
    );
  });
  // Prometheus keeps its scrape connection open; a short idle timeout plus closeAllConnections on close
  // means no socket outlives the server and holds the process open.
  server.keepAliveTimeout = 5_000;

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const bound = (server.address() as AddressInfo).port;
      const hostPart = host.includes(':') ? `[${host}]` : host;
      let closing: Promise<void> | undefined;
      resolve({
        url: `http://${hostPart}:${bound}/metrics`,
        port: bound,
        nextScrape: (timeoutMs) =>
          new Promise<boolean>((done) => {
            const finish = (scraped: boolean) => {
              clearTimeout(timer);
              waiting.delete(onScrape);
              done(scraped);
            };
            const onScrape = () => finish(true);
            const timer = setTimeout(() => finish(false), timeoutMs);
            waiting.add(onScrape);
          }),
        close: () =>
          (closing ??= new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            server.closeAllConnections();
          })),
      });
    });
  });
}
