import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RoamsimMetrics } from './metrics';

export interface MetricsServer {
  /** The scrape URL, with the port actually bound (`http://127.0.0.1:40123/metrics`). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface MetricsServerOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  metrics: RoamsimMetrics;
}

/** Serves GET /metrics for a Prometheus scrape; every other path is a 404. */
export function startMetricsServer({ port, host = '127.0.0.1', metrics }: MetricsServerOptions): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: try GET /metrics\n');
      return;
    }
    metrics.snapshot().then(
      (body) => {
        res.writeHead(200, { 'content-type': metrics.contentType, 'content-length': Buffer.byteLength(body) });
        res.end(req.method === 'HEAD' ? undefined : body);
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
        close: () =>
          (closing ??= new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            server.closeAllConnections();
          })),
      });
    });
  });
}
