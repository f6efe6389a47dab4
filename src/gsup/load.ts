import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import type { RoamingConfig } from '../config/load';
import { LatencyHistogram, type LatencySummary } from '../load/stats';
import { describeType } from '../protocol/gsup';
import { mapErrorFromGmm } from '../protocol/gsup-causes';
import { SubscriberGenerator } from '../subscribers/generator';
import { parsePlmn } from '../protocol/plmn';
import { GsupClient } from './client';
import { GsupTimeout } from './endpoint';
import { gsupPeerName } from './names';
import { OsmoCtrl, OsmoCtrlError } from './osmo-ctrl';
import { PeerProblems } from './problems';

export interface GsupLoadOptions {
  readonly config: RoamingConfig;
  readonly seed: number;
  readonly hlr: { readonly host: string; readonly port: number };
  readonly provision: { readonly host: string; readonly port: number };
  readonly subscribers: number;
  readonly concurrency: number;
  /** The home network whose generator draws the subscribers (default: the first configured network). */
  readonly home?: string;
  /** Deadline of each GSUP request (default 2000 ms). */
  readonly deadlineMs?: number;
  /** Progress lines (stderr). */
  readonly progress?: (line: string) => void;
}

export interface GsupLoadSummary {
  readonly command: 'load';
  readonly mode: 'wire';
  readonly hlr: string;
  readonly home: string;
  readonly subscribers: number;
  readonly concurrency: number;
  readonly provisionS: number;
  readonly attempted: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly rejectedByCause: Record<string, number>;
  readonly deadLettered: number;
  readonly exchanges: number;
  readonly durationS: number;
  readonly throughput: { readonly journeysPerS: number; readonly exchangesPerS: number };
  readonly latencyMs: LatencySummary;
  /** Share of one core the SUT used during the journeys (from /proc/<pid>/stat), when it runs here. */
  readonly sutCpu?: { readonly pid: number; readonly coreShare: number };
  /** Share of one core this process used during the journeys. */
  readonly harnessCoreShare: number;
  readonly peerProblems: Partial<Record<string, number>>;
}

/** Fails at start, naming the address, when nothing accepts TCP there. */
export function reachable(host: string, port: number, what: string, timeoutMs = 2000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`${what} at ${host}:${port} is unreachable: no TCP connection within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new Error(`${what} at ${host}:${port} is unreachable (${error.code ?? error.message})`));
    });
  });
}

/** The pid of the local process listening on host:port (IPv4), from /proc/net/tcp and /proc/<pid>/fd. */
export function pidListeningOn(host: string, port: number): number | undefined {
  let table: string;
  try {
    table = readFileSync('/proc/net/tcp', 'utf8');
  } catch {
    return undefined;
  }
  const wanted = `${host.split('.').reverse().map((octet) => Number(octet).toString(16).padStart(2, '0')).join('').toUpperCase()}:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const anyAddress = `00000000:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const inode = table
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .find((fields) => (fields[1] === wanted || fields[1] === anyAddress) && fields[3] === '0A')?.[9];
  if (!inode) return undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      for (const fd of readdirSync(`/proc/${entry}/fd`)) {
        if (readlinkSync(`/proc/${entry}/fd/${fd}`) === `socket:[${inode}]`) return Number(entry);
      }
    } catch {
      // Not ours to read, or gone.
    }
  }
  return undefined;
}

/** utime + stime of a process in clock ticks (/proc/<pid>/stat fields 14 and 15). */
function cpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/** Linux USER_HZ: 100 on every architecture Debian ships (sysconf(_SC_CLK_TCK)). */
const CLOCK_TICKS_PER_S = 100;

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(lanes);
}

/**
 * `roamsim load --mode wire --hlr H:P --provision osmo-ctrl://H:P`: provisions N subscribers in a real HLR,
 * then drives one journey each (SendAuthInfo, UpdateLocation with its InsertSubscriberData) with bounded
 * concurrency over one GSUP connection per visited network, and measures the SUT's CPU while it runs.
 * The provisioned subscribers are deleted at the end.
 */
export async function runGsupLoad(options: GsupLoadOptions): Promise<GsupLoadSummary> {
  const home = options.home ?? options.config.networks[0]?.plmn;
  const network = options.config.networks.find((candidate) => candidate.plmn === home);
  if (!home || !network) throw new Error(`no home network ${home ?? ''} in the config to draw subscribers from`);
  await reachable(options.hlr.host, options.hlr.port, `the GSUP HLR of home network ${home}`);
  await reachable(options.provision.host, options.provision.port, `the CTRL interface of home network ${home}'s HLR`);
  let generator = new SubscriberGenerator(parsePlmn(home), network, options.seed, options.config.secrets.kiSecret, options.config.secrets.op);
  if (options.subscribers > generator.capacity) {
    // As `roamsim load` does in the other modes: too small configured ranges give way to the synthetic ones.
    options.progress?.(`roamsim load: the configured ranges of ${home} hold ${generator.capacity} subscribers: using the synthetic ranges (MSIN 99…, MSISDN <cc>999…)`);
    generator = new SubscriberGenerator(parsePlmn(home), undefined, options.seed, options.config.secrets.kiSecret, options.config.secrets.op);
  }
  if (options.subscribers > generator.capacity) throw new Error(`--subscribers ${options.subscribers} exceeds the ${generator.capacity} subscribers home network ${home} can hold`);
  const identities = Array.from({ length: options.subscribers }, (_, index) => generator.identity(index));
  const visited = options.config.agreements.filter((agreement) => agreement.home === home && agreement.rats.some((rat) => rat !== 'LTE')).map((agreement) => agreement.visited);
  const visitedNetworks = visited.length > 0 ? visited.slice(0, 4) : [home];

  const ctrl = await OsmoCtrl.connect(options.provision.host, options.provision.port, 10_000);
  const problems = new PeerProblems((line) => options.progress?.(line));
  const clients: GsupClient[] = [];
  try {
    const provisionStart = Date.now();
    await pool(identities, 32, async (identity) => {
      const keys = generator.keys(identity.imsi);
      const subscriber = { imsi: identity.imsi, msisdn: identity.msisdn, k: keys.ki, opc: keys.opc };
      try {
        await ctrl.createSubscriber(subscriber);
      } catch (error) {
        if (!(error instanceof OsmoCtrlError) || !/exists/i.test(error.reply)) throw error;
        await ctrl.deleteSubscriber(identity.imsi);
        await ctrl.createSubscriber(subscriber);
      }
    });
    const provisionS = (Date.now() - provisionStart) / 1000;
    options.progress?.(`roamsim load: provisioned ${identities.length} subscribers in ${home}'s HLR in ${provisionS.toFixed(1)} s`);

    for (const plmn of visitedNetworks) {
      clients.push(await GsupClient.connect({ host: options.hlr.host, port: options.hlr.port, name: gsupPeerName(plmn, 'CS'), problems, deadlineMs: options.deadlineMs ?? 2000 }));
    }
    const pid = pidListeningOn(options.hlr.host, options.hlr.port);
    const sutStart = pid === undefined ? undefined : cpuTicks(pid);
    const ownStart = process.cpuUsage();
    const latency = new LatencyHistogram();
    const rejectedByCause: Record<string, number> = {};
    let accepted = 0;
    let deadLettered = 0;
    let exchanges = 0;
    let index = 0;
    const started = Date.now();
    await pool(identities, options.concurrency, async (identity) => {
      const client = clients[index++ % clients.length];
      const begin = performance.now();
      try {
        const sai = await client.sendAuthInfo(identity.imsi, { cnDomain: 'CS', numVectors: 1 });
        exchanges++;
        let refusal = describeType(sai.type)?.kind === 'error' ? sai : undefined;
        if (!refusal) {
          const ul = await client.updateLocation(identity.imsi, { cnDomain: 'CS' });
          exchanges += 2; // the UL and the ISD inside it
          if (describeType(ul.type)?.kind === 'error') refusal = ul;
        }
        if (refusal) {
          const error = mapErrorFromGmm(refusal.cause);
          const name = `${error.kind === 'map' ? error.name : error.kind} (GMM ${refusal.cause})`;
          rejectedByCause[name] = (rejectedByCause[name] ?? 0) + 1;
        } else accepted++;
        latency.recordMs(performance.now() - begin);
      } catch (error) {
        if (!(error instanceof GsupTimeout) && !(error instanceof Error)) throw error;
        deadLettered++;
      }
    });
    const durationS = (Date.now() - started) / 1000;
    const sutEnd = pid === undefined ? undefined : cpuTicks(pid);
    const own = process.cpuUsage(ownStart);
    const rejected = Object.values(rejectedByCause).reduce((sum, count) => sum + count, 0);
    return {
      command: 'load',
      mode: 'wire',
      hlr: `${options.hlr.host}:${options.hlr.port}`,
      home,
      subscribers: identities.length,
      concurrency: options.concurrency,
      provisionS: Math.round(provisionS * 100) / 100,
      attempted: identities.length,
      accepted,
      rejected,
      rejectedByCause,
      deadLettered,
      exchanges,
      durationS: Math.round(durationS * 1000) / 1000,
      throughput: { journeysPerS: Math.round(identities.length / durationS), exchangesPerS: Math.round(exchanges / durationS) },
      latencyMs: latency.summary(),
      ...(pid !== undefined && sutStart !== undefined && sutEnd !== undefined
        ? { sutCpu: { pid, coreShare: Math.round(((sutEnd - sutStart) / CLOCK_TICKS_PER_S / durationS) * 1000) / 1000 } }
        : {}),
      harnessCoreShare: Math.round(((own.user + own.system) / 1e6 / durationS) * 1000) / 1000,
      peerProblems: problems.snapshot(),
    };
  } finally {
    await Promise.all(clients.map((client) => client.close()));
    await pool(identities, 32, (identity) => ctrl.deleteSubscriber(identity.imsi).then(() => undefined, () => undefined));
    ctrl.close();
  }
}

export function renderGsupSummary(summary: GsupLoadSummary): string {
  const causes = Object.entries(summary.rejectedByCause).map(([cause, count]) => `${cause} ${count}`).join(', ');
  return [
    `roamsim load (wire, GSUP HLR ${summary.hlr}, home ${summary.home}): ${summary.subscribers} subscribers, concurrency ${summary.concurrency}`,
    `  provisioning:  ${summary.provisionS} s (CTRL, not in the figures below)`,
    `  journeys:      attempted ${summary.attempted} = accepted ${summary.accepted} + rejected ${summary.rejected} + dead-lettered ${summary.deadLettered}${causes ? ` (rejected: ${causes})` : ''}`,
    `  exchanges:     ${summary.exchanges} GSUP (SAI, UL, ISD) in ${summary.durationS} s: ${summary.throughput.journeysPerS} journeys/s, ${summary.throughput.exchangesPerS} exchanges/s`,
    `  latency (ms):  p50 ${summary.latencyMs.p50} · p95 ${summary.latencyMs.p95} · p99 ${summary.latencyMs.p99} · max ${summary.latencyMs.max}`,
    `  CPU:           SUT ${summary.sutCpu ? `${(summary.sutCpu.coreShare * 100).toFixed(1)} % of a core (pid ${summary.sutCpu.pid})` : 'not on this machine'} · roamsim ${(summary.harnessCoreShare * 100).toFixed(1)} % of a core`,
    ...(Object.keys(summary.peerProblems).length > 0 ? [`  GSUP problems: ${JSON.stringify(summary.peerProblems)}`] : []),
  ].join('\n');
}
