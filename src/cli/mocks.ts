import { Counter } from 'prom-client';
import { ELEMENT_NAMES, standaloneNetwork, startLiveMocks, waitForReady } from '../../mocks/live-server';
import { DEFAULT_SECRETS, loadConfig } from '../config/load';
import { InputError } from '../errors';
import { DiameterHssServer } from '../../mocks/diameter/hss-server';
import { HssSideTransport, homeNetworksOf } from '../../mocks/diameter/network-ports';
import { MockNetwork } from '../../mocks/network';
import { RealClock } from '../roaming/clock';
import { EventBus } from '../roaming/events';
import type { Transport } from '../roaming/transport';
import { startMetricsServer } from '../telemetry/exporter';
import { RoamsimMetrics } from '../telemetry/metrics';
import { type CliIo, EXIT, defaultIo, parseFlags } from './io';

const USAGE = `Usage: roamsim mocks [--host H] [--hlr-port N] [--vlr-port N] [--metrics-port N|off] [--diameter-port N]

Serves the HLR/HSS and the VLR/MME as real HTTP servers until Ctrl-C (SIGINT) or SIGTERM:
  POST /<hlr-hss|vlr-mme>/<plmn>/<operation>   the elements (same handlers as intercept mode)
  GET  /health, GET /ready                     liveness and readiness, on each server
  POST|DELETE /admin/faults, POST /admin/subscribers   on the HLR/HSS, Authorization: Bearer <ROAMSIM_ADMIN_TOKEN>
  GET  /metrics                                Prometheus, on the metrics port
  Diameter S6a (RFC 6733 over TCP)             with --diameter-port: the HSS of every configured home network
                                               (AIR, ULR, PUR; CLR/IDR to the MMEs that registered)

Defaults: host and ports from config endpoints (127.0.0.1, 7401, 7402; ROAMSIM_MOCK_HOST, ROAMSIM_HLR_PORT,
ROAMSIM_VLR_PORT), metrics port 9464 (ROAMSIM_METRICS_PORT). Port 0 picks a free port. Binding another
address than loopback needs a ROAMSIM_ADMIN_TOKEN of your own.`;

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export async function run(argv: string[], io: CliIo = defaultIo, options: { signal?: AbortSignal } = {}): Promise<number> {
  const parsed = parseFlags(
    'mocks',
    argv,
    {
      host: { type: 'string' },
      'hlr-port': { type: 'string' },
      'vlr-port': { type: 'string' },
      'metrics-port': { type: 'string' },
      'diameter-port': { type: 'string' },
    },
    USAGE,
    io,
  );
  if ('exit' in parsed) return parsed.exit;
  const { values } = parsed;
  const config = loadConfig();
  const host = values.host ?? config.endpoints.host;
  const hlrPort = port(values['hlr-port'], '--hlr-port') ?? config.endpoints.hlrHssPort;
  const vlrPort = port(values['vlr-port'], '--vlr-port') ?? config.endpoints.vlrMmePort;
  const metricsText = values['metrics-port'] ?? process.env.ROAMSIM_METRICS_PORT ?? '9464';
  const diameterPort = port(values['diameter-port'], '--diameter-port');
  const metricsPort = metricsText === 'off' ? undefined : port(metricsText, values['metrics-port'] === undefined ? 'ROAMSIM_METRICS_PORT' : '--metrics-port');
  if (!LOOPBACK.has(host) && config.secrets.adminToken === DEFAULT_SECRETS.ROAMSIM_ADMIN_TOKEN) {
    throw new InputError(host, '--host / endpoints.host', 'a loopback address (127.0.0.1) while ROAMSIM_ADMIN_TOKEN is the documented default: set a token of your own in .env to serve other machines');
  }

  const bus = new EventBus((error) => io.err(`roamsim mocks: event sink failed: ${String(error)}`));
  // With Diameter, the HSS reaches MMEs that registered over Diameter with CLR/IDR on the wire.
  let hssSide: HssSideTransport | undefined;
  const network =
    diameterPort === undefined
      ? standaloneNetwork(config, bus)
      : new MockNetwork({ config, seed: config.seed, clock: new RealClock(), bus, transport: (inner: Transport) => (hssSide = new HssSideTransport(inner)) });
  const metrics = new RoamsimMetrics();
  metrics.attach(bus);
  const requests = new Counter({
    name: 'roamsim_mock_requests_total',
    help: 'HTTP requests the live mocks answered, by element, route and status.',
    labelNames: ['element', 'route', 'status'],
    registers: [metrics.registry],
  });

  let mocks;
  try {
    mocks = await startLiveMocks({
      config,
      networkFor: () => network,
      host,
      ports: { 'hlr-hss': hlrPort, 'vlr-mme': vlrPort },
      onRequest: ({ element, route, status }) => requests.inc({ element, route, status: String(status) }),
    });
  } catch (error) {
    io.err(`roamsim mocks: ${(error as Error).message}`);
    return EXIT.failed;
  }
  let metricsServer;
  let diameter: DiameterHssServer | undefined;
  let diameterBound: number | undefined;
  try {
    metricsServer = metricsPort === undefined ? undefined : await startMetricsServer({ port: metricsPort, host, metrics });
    await waitForReady(mocks.urls, config.endpoints.readyTimeoutMs);
    if (diameterPort !== undefined) {
      diameter = new DiameterHssServer({ homes: homeNetworksOf(network), listen: { host, port: diameterPort }, log: (text) => io.err(`roamsim mocks: ${text}`) });
      diameterBound = (await diameter.start()).port;
      if (hssSide) hssSide.server = diameter;
    }
  } catch (error) {
    await Promise.all([mocks.close(), metricsServer?.close(), diameter?.close()]);
    io.err(`roamsim mocks: ${(error as Error).message}`);
    return EXIT.failed;
  }

  io.out(
    `roamsim mocks: ${ELEMENT_NAMES['hlr-hss']} ${mocks.urls['hlr-hss']} · ${ELEMENT_NAMES['vlr-mme']} ${mocks.urls['vlr-mme']}` +
      (metricsServer ? ` · metrics ${metricsServer.url}` : '') +
      (diameter ? ` · Diameter HSS ${host}:${diameterBound} (${diameter.node.local.host})` : ''),
  );
  io.out('roamsim mocks: ready (GET /ready on each server); admin endpoint on the HLR/HSS; Ctrl-C stops');

  await stopRequested(options.signal);
  await Promise.all([mocks.close(), metricsServer?.close(), diameter?.close()]);
  io.out('roamsim mocks: stopped');
  return EXIT.ok;
}

function port(text: string | undefined, source: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,5}$/.test(text.trim()) || Number(text) > 65535) throw new InputError(text, source, 'a TCP port from 0 to 65535 (0 picks a free one)');
  return Number(text);
}

/** Resolves on SIGINT, SIGTERM or the caller's abort signal, and removes its listeners. */
function stopRequested(signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    if (signal?.aborted) return done();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    signal?.addEventListener('abort', done, { once: true });
  });
}
