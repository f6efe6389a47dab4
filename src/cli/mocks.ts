import { Counter } from 'prom-client';
import { ELEMENT_NAMES, standaloneNetwork, startLiveMocks, waitForReady } from '../../mocks/live-server';
import { DEFAULT_SECRETS, loadConfig } from '../config/load';
import { InputError } from '../errors';
import { GsupHlr } from '../gsup/hlr';
import { mockHome } from '../gsup/mock-home';
import { PeerProblems } from '../gsup/problems';
import { WireTransport } from '../gsup/wire-transport';
import { MockNetwork } from '../../mocks/network';
import { RealClock } from '../roaming/clock';
import { EventBus } from '../roaming/events';
import { startMetricsServer } from '../telemetry/exporter';
import { RoamsimMetrics } from '../telemetry/metrics';
import { type CliIo, EXIT, defaultIo, parseFlags } from './io';

const USAGE = `Usage: roamsim mocks [--host H] [--hlr-port N] [--vlr-port N] [--metrics-port N|off] [--gsup-port N]

Serves the HLR/HSS and the VLR/MME as real HTTP servers until Ctrl-C (SIGINT) or SIGTERM:
  POST /<hlr-hss|vlr-mme>/<plmn>/<operation>   the elements (same handlers as intercept mode)
  GET  /health, GET /ready                     liveness and readiness, on each server
  POST|DELETE /admin/faults, POST /admin/subscribers   on the HLR/HSS, Authorization: Bearer <ROAMSIM_ADMIN_TOKEN>
  GET  /metrics                                Prometheus, on the metrics port
  GSUP over IPA (TCP, --gsup-port)             every configured home network's HLR, as osmo-hlr speaks it

Defaults: host and ports from config endpoints (127.0.0.1, 7401, 7402; ROAMSIM_MOCK_HOST, ROAMSIM_HLR_PORT,
ROAMSIM_VLR_PORT), metrics port 9464 (ROAMSIM_METRICS_PORT). Port 0 picks a free port. Binding another
address than loopback needs a ROAMSIM_ADMIN_TOKEN of your own. Without --gsup-port no GSUP server runs.`;

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
      'gsup-port': { type: 'string' },
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
  const gsupPort = port(values['gsup-port'], '--gsup-port');
  const metricsText = values['metrics-port'] ?? process.env.ROAMSIM_METRICS_PORT ?? '9464';
  const metricsPort = metricsText === 'off' ? undefined : port(metricsText, values['metrics-port'] === undefined ? 'ROAMSIM_METRICS_PORT' : '--metrics-port');
  if (!LOOPBACK.has(host) && config.secrets.adminToken === DEFAULT_SECRETS.ROAMSIM_ADMIN_TOKEN) {
    throw new InputError(host, '--host / endpoints.host', 'a loopback address (127.0.0.1) while ROAMSIM_ADMIN_TOKEN is the documented default: set a token of your own in .env to serve other machines');
  }

  const bus = new EventBus((error) => io.err(`roamsim mocks: event sink failed: ${String(error)}`));
  let gsup: GsupHlr | undefined;
  const gsupProblems = new PeerProblems((line) => io.err(`roamsim mocks: ${line}`));
  // With --gsup-port the home networks' pushes (ISD, CancelLocation) reach GSUP-connected VLRs over GSUP.
  const network =
    gsupPort === undefined
      ? standaloneNetwork(config, bus)
      : new MockNetwork({ config, seed: config.seed, clock: new RealClock(), bus, transport: (n) => new WireTransport(n, { hlr: () => gsup, problems: gsupProblems, deadlineMs: config.retry.requestTimeoutMs }) });
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
  try {
    metricsServer = metricsPort === undefined ? undefined : await startMetricsServer({ port: metricsPort, host, metrics });
    // The same home networks over GSUP: roamsim's HLR as osmo-hlr's peers see one (src/gsup/hlr.ts).
    if (gsupPort !== undefined) gsup = await GsupHlr.start({ host, port: gsupPort, home: mockHome(network), problems: gsupProblems });
    await waitForReady(mocks.urls, config.endpoints.readyTimeoutMs);
  } catch (error) {
    await Promise.all([mocks.close(), metricsServer?.close(), gsup?.close()]);
    io.err(`roamsim mocks: ${(error as Error).message}`);
    return EXIT.failed;
  }

  io.out(
    `roamsim mocks: ${ELEMENT_NAMES['hlr-hss']} ${mocks.urls['hlr-hss']} · ${ELEMENT_NAMES['vlr-mme']} ${mocks.urls['vlr-mme']}` +
      (metricsServer ? ` · metrics ${metricsServer.url}` : '') +
      (gsup ? ` · GSUP HLR ${host}:${gsup.port}` : ''),
  );
  io.out('roamsim mocks: ready (GET /ready on each server); admin endpoint on the HLR/HSS; Ctrl-C stops');

  await stopRequested(options.signal);
  await Promise.all([mocks.close(), metricsServer?.close(), gsup?.close()]);
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
