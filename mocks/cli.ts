import { DiameterHssServer } from './diameter/hss-server';
import { HssSideTransport, homeNetworksOf } from './diameter/network-ports';
import { ElementMetrics, mockRequestCounter } from './element-metrics';
import { ELEMENT_NAMES, standaloneNetwork, startLiveMocks, waitForReady } from './live-server';
import { createMockLogger } from './logger';
import { requireAdminTokenFor } from '../src/config/admin-token';
import { loadConfig } from '../src/config/load';
import { InputError } from '../src/errors';
import { GsupHlr } from '../src/gsup/hlr';
import { mockHome } from './gsup/mock-home';
import { PeerProblems } from '../src/gsup/problems';
import { WireTransport } from './gsup/wire-transport';
import type { MockNetwork } from './network';
import { EventBus } from '../src/roaming/events';
import { runPseudonymizer } from '../src/subscribers/run-pseudonymizer';
import { startMetricsServer } from '../src/telemetry/exporter';
import { RoamsimMetrics } from '../src/telemetry/metrics';
import { WriteFailure } from '../src/telemetry/durable-write';
import { RunRecords, recordsSpec } from '../src/telemetry/run-records';
import { type CliIo, EXIT, defaultIo, parseFlags } from '../src/cli/io';

const USAGE = `Usage: roamsim mocks [--host H] [--hlr-port N] [--vlr-port N] [--metrics-port N|off] [--max-plmns N]
                    [--gsup-port N] [--diameter-port N]

Serves the HLR/HSS and the VLR/MME as real HTTP servers until Ctrl-C (SIGINT) or SIGTERM:
  POST /<hlr-hss|vlr-mme>/<plmn>/<operation>   the elements (same handlers as intercept mode)
  GET  /health, GET /ready                     liveness and readiness, on each server
  POST|DELETE /admin/faults, POST /admin/subscribers   on the HLR/HSS, Authorization: Bearer <ROAMSIM_ADMIN_TOKEN>
  GET  /metrics                                Prometheus, on the metrics port
  GSUP over IPA (TCP, --gsup-port)             every configured home network's HLR, as osmo-hlr speaks it
  Diameter S6a (RFC 6733 over TCP)             with --diameter-port: the HSS of every configured home network
                                               (AIR, ULR, PUR; CLR/IDR to the MMEs that registered)

Defaults: host and ports from config endpoints (127.0.0.1, 7401, 7402; ROAMSIM_MOCK_HOST, ROAMSIM_HLR_PORT,
ROAMSIM_VLR_PORT), metrics port 9464 (ROAMSIM_METRICS_PORT). Port 0 picks a free port. Binding another
address than loopback needs a ROAMSIM_ADMIN_TOKEN of your own: 32 characters or more, not an example value.

Limits: request bodies up to 64 KiB and 32 levels of JSON nesting (413 / 400 beyond); POST bodies must be
content-type: application/json (415 otherwise); at most --max-plmns N HLR/HSS and N VLR/MME elements are
created for the PLMNs requests name (default 256, ROAMSIM_MOCK_MAX_PLMNS; a request for one more PLMN gets
404 naming the limit). Logs: JSON lines on stdout (ROAMSIM_LOG_LEVEL, default info), also to Loki when
LOKI_URL is set. Without --gsup-port no GSUP server runs.`;

const DEFAULT_MAX_PLMNS = 256;

export async function run(argv: string[], io: CliIo = defaultIo, options: { signal?: AbortSignal } = {}): Promise<number> {
  const parsed = parseFlags(
    'mocks',
    argv,
    {
      host: { type: 'string' },
      'hlr-port': { type: 'string' },
      'vlr-port': { type: 'string' },
      'metrics-port': { type: 'string' },
      'max-plmns': { type: 'string' },
      'gsup-port': { type: 'string' },
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
  const metricsPort = metricsText === 'off' ? undefined : port(metricsText, values['metrics-port'] === undefined ? 'ROAMSIM_METRICS_PORT' : '--metrics-port');
  const gsupPort = port(values['gsup-port'], '--gsup-port');
  const diameterPort = port(values['diameter-port'], '--diameter-port');
  const maxText = values['max-plmns'] ?? process.env.ROAMSIM_MOCK_MAX_PLMNS;
  const maxPlmns = maxText === undefined ? DEFAULT_MAX_PLMNS : count(maxText, values['max-plmns'] === undefined ? 'ROAMSIM_MOCK_MAX_PLMNS' : '--max-plmns');
  requireAdminTokenFor(host, config.secrets.adminToken, values.host === undefined ? 'endpoints.host (ROAMSIM_MOCK_HOST)' : '--host');

  const bus = new EventBus((error) => io.err(`roamsim mocks: event sink failed: ${String(error)}`));
  // Admin changes (fault rules, provisioning) are audited like roaming attempts; a digest seals them at stop.
  const records = new RunRecords(recordsSpec('mocks'), config, { wallClock: true });
  records.attach(bus);
  try {
    records.audit.applyRetention();
  } catch (error) {
    if (!(error instanceof WriteFailure)) throw error;
    io.err(`roamsim mocks: ${error.message}: the audit trail cannot be written, so the mocks do not start`);
    return EXIT.failed;
  }
  if (!records.audit.mac.keyed) io.err(`roamsim mocks: the audit trail is ${records.audit.mac.describe()}`);
  // With --gsup-port the home networks' pushes (ISD, CancelLocation) reach GSUP-connected VLRs over GSUP; with
  // --diameter-port the HSS reaches MMEs that registered over Diameter with CLR/IDR on the wire. Everything
  // else goes to the elements directly.
  let gsup: GsupHlr | undefined;
  let hssSide: HssSideTransport | undefined;
  const gsupProblems = new PeerProblems((line) => io.err(`roamsim mocks: ${line}`));
  const wired = gsupPort !== undefined || diameterPort !== undefined;
  const network = standaloneNetwork(config, bus, undefined, {
    maxElements: maxPlmns,
    ...(wired
      ? {
          transport: (n: MockNetwork) => {
            const s6a = diameterPort === undefined ? undefined : (hssSide = new HssSideTransport(n));
            if (gsupPort === undefined) return s6a ?? n;
            return new WireTransport(n, { hlr: () => gsup, problems: gsupProblems, deadlineMs: config.retry.requestTimeoutMs, ...(s6a ? { next: s6a } : {}) });
          },
        }
      : {}),
  });
  const metrics = new RoamsimMetrics();
  metrics.attach(bus);
  new ElementMetrics(network, metrics.registry).attach(bus);
  const logger = createMockLogger({ pseudonymizer: runPseudonymizer(config) });
  logger.attach(bus);
  const requests = mockRequestCounter(metrics.registry);

  let mocks;
  try {
    mocks = await startLiveMocks({
      config,
      networkFor: () => network,
      host,
      ports: { 'hlr-hss': hlrPort, 'vlr-mme': vlrPort },
      onRequest: (info) => {
        requests.inc({ element: info.element, route: info.route, status: String(info.status) });
        logger.request(info);
      },
      onAdmin: ({ method, path, status, client, rules }) => {
        try {
          records.audit.action(`${method} ${path}`, { status, client, fault_rules: rules });
        } catch (error) {
          if (!(error instanceof WriteFailure)) throw error;
          io.err(`roamsim mocks: ${error.message}`);
        }
      },
    });
  } catch (error) {
    await logger.close();
    io.err(`roamsim mocks: ${(error as Error).message}`);
    return EXIT.failed;
  }
  let metricsServer;
  let diameter: DiameterHssServer | undefined;
  let diameterBound: number | undefined;
  try {
    metricsServer = metricsPort === undefined ? undefined : await startMetricsServer({ port: metricsPort, host, metrics });
    // The same home networks over GSUP: roamsim's HLR as osmo-hlr's peers see one (src/gsup/hlr.ts).
    if (gsupPort !== undefined) gsup = await GsupHlr.start({ host, port: gsupPort, home: mockHome(network), problems: gsupProblems });
    await waitForReady(mocks.urls, config.endpoints.readyTimeoutMs);
    if (diameterPort !== undefined) {
      diameter = new DiameterHssServer({ homes: homeNetworksOf(network), listen: { host, port: diameterPort }, watchdogMs: config.diameter.watchdogMs, log: (text) => logger.log.info({ component: 'diameter' }, text) });
      diameterBound = (await diameter.start()).port;
      if (hssSide) hssSide.server = diameter;
    }
  } catch (error) {
    await Promise.all([mocks.close(), metricsServer?.close(), diameter?.close(), logger.close(), gsup?.close()]);
    io.err(`roamsim mocks: ${(error as Error).message}`);
    return EXIT.failed;
  }

  io.out(
    `roamsim mocks: ${ELEMENT_NAMES['hlr-hss']} ${mocks.urls['hlr-hss']} · ${ELEMENT_NAMES['vlr-mme']} ${mocks.urls['vlr-mme']}` +
      (metricsServer ? ` · metrics ${metricsServer.url}` : '') +
      (gsup ? ` · GSUP HLR ${host}:${gsup.port}` : '') +
      (diameter ? ` · Diameter HSS ${host}:${diameterBound} (${diameter.node.local.host})` : ''),
  );
  io.out('roamsim mocks: ready (GET /ready on each server); admin endpoint on the HLR/HSS; Ctrl-C stops');
  logger.log.info({ component: 'lifecycle', urls: mocks.urls, max_plmns: maxPlmns }, 'mocks ready');

  const signal = await stopRequested(options.signal);
  logger.log.info({ component: 'lifecycle', signal }, 'mocks stopping');
  await Promise.all([mocks.close(), metricsServer?.close(), gsup?.close(), diameter?.close()]);
  await logger.close();
  records.finish();
  const notWritten = records.ledger.takeSummary();
  io.out('roamsim mocks: stopped');
  if (notWritten) {
    io.err(`roamsim mocks: ${notWritten}`);
    return EXIT.failed;
  }
  return EXIT.ok;
}

function port(text: string | undefined, source: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,5}$/.test(text.trim()) || Number(text) > 65535) throw new InputError(text, source, 'a TCP port from 0 to 65535 (0 picks a free one)');
  return Number(text);
}

function count(text: string, source: string): number {
  if (!/^\d{1,7}$/.test(text.trim()) || Number(text) < 1) throw new InputError(text, source, 'a whole number of PLMNs from 1 to 9999999');
  return Number(text);
}

/**
 * Resolves with what stopped the mocks: SIGINT, SIGTERM (a container runtime, `kill`) or the caller's abort
 * signal. The process handles the signals itself, so `node bin/roamsim.js mocks` as PID 1 of a container
 * stops cleanly, and removes its listeners.
 */
function stopRequested(signal?: AbortSignal): Promise<string> {
  return new Promise((resolve) => {
    const done = (why: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      signal?.removeEventListener('abort', onAbort);
      resolve(why);
    };
    const onInt = () => done('SIGINT');
    const onTerm = () => done('SIGTERM');
    const onAbort = () => done('abort');
    if (signal?.aborted) return done('abort');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
