/**
 * freeDiameter (Debian `freediameterd`) as a Diameter Edge Agent for tests: renders deploy/diameter/*.template
 * into a directory, starts `freeDiameterd -c` there, waits until it listens, reads its log, and stops it with
 * SIGTERM (it sends DPR to each peer first). The daemon binds every address whatever ListenOn says and
 * refuses to start on a host that has only loopback addresses, so it must run in a network namespace of the
 * test's own (scripts/in-netns.sh) where 127.0.0.1 is the only reachable address.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { diameterHost, diameterRealm } from '../../src/roaming/addresses';

const TEMPLATES = path.resolve(__dirname, '..', '..', 'deploy', 'diameter');
export const EXTENSIONS_DIR = '/usr/lib/freeDiameter';
export const DEA_IDENTITY = 'dea.roaming.test';
export const DEA_REALM = 'roaming.test';

/** Log lines that mean the agent could not parse, route or accept something of ours. */
export const PROBLEM_LINES = /Routing error:|Parsing error:|Received suspect header|Rejected CER/;

export interface RelayConfig {
  readonly dir: string;
  readonly port: number;
  /** Every PLMN whose MME or HSS may connect. */
  readonly plmns: readonly string[];
  /**
   * Home PLMNs and the Diameter identity of the peer serving their HSS realm. The rule's score (+50) beats a
   * peer that merely announces the realm (an MME of that PLMN, +15) and loses to the Destination-Host (+100).
   */
  readonly homes: ReadonlyArray<{ readonly plmn: string; readonly hssPeer: string }>;
  readonly twSeconds?: number;
}

/** Why the relay cannot run here, or undefined when it can. */
export function relayUnavailable(): string | undefined {
  if (!existsSync('/usr/bin/freeDiameterd')) return 'freeDiameterd is not installed (Debian: apt-get install -y freediameterd freediameter-extensions)';
  if (!existsSync(path.join(EXTENSIONS_DIR, 'acl_wl.fdx'))) return `${EXTENSIONS_DIR}/acl_wl.fdx is missing (Debian: apt-get install -y freediameter-extensions)`;
  const addresses = spawnSync('ip', ['-o', '-4', 'addr', 'show'], { encoding: 'utf8' }).stdout ?? '';
  if (!/192\.0\.2\.201\//.test(addresses)) return 'not inside the relay network namespace (run through scripts/in-netns.sh, as root)';
  return undefined;
}

const realmRegex = (realm: string) => `^${realm.replace(/\./g, '[.]')}$`;

/** Writes dea.conf, acl_wl.conf and rt_default.conf into `config.dir`; returns the path of dea.conf. */
export function renderRelayConfig(config: RelayConfig): string {
  const fill = (name: string, values: Record<string, string>) => {
    let text = readFileSync(path.join(TEMPLATES, `${name}.template`), 'utf8');
    for (const [key, value] of Object.entries(values)) text = text.split(`@${key}@`).join(value);
    const leftover = /@[A-Z_]+@/.exec(text);
    if (leftover) throw new Error(`${name}.template: placeholder ${leftover[0]} has no value`);
    writeFileSync(path.join(config.dir, name), text);
  };
  fill('dea.conf', { IDENTITY: DEA_IDENTITY, REALM: DEA_REALM, PORT: String(config.port), TW: String(config.twSeconds ?? 30), EXTENSIONS: EXTENSIONS_DIR, CONF_DIR: config.dir });
  fill('acl_wl.conf', { ALLOW: [...new Set(config.plmns)].map((plmn) => `ALLOW_IPSEC *.${diameterRealm(plmn)}`).join('\n') });
  fill('rt_default.conf', { ROUTES: config.homes.map((h) => `dr=["${realmRegex(diameterRealm(h.plmn))}"] : "${h.hssPeer}" += 50 ;`).join('\n') });
  return path.join(config.dir, 'dea.conf');
}

export interface RunningRelay {
  readonly port: number;
  readonly pid: number;
  /** Everything the daemon printed so far. */
  log(): string;
  /** Lines matching PROBLEM_LINES. */
  problems(): string[];
  /** Resolves when a log line matches, rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<void>;
  /** SIGTERM (DPR to every peer), SIGKILL after 5 s; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts freeDiameterd on the rendered configuration and waits until its port accepts connections. */
export async function startRelay(confFile: string, port: number, timeoutMs = 10_000): Promise<RunningRelay> {
  const child: ChildProcess = spawn('/usr/bin/freeDiameterd', ['-c', confFile, '-d'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const l of [...listeners]) l();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exited: number | null | undefined;
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve((exited = code))));
  const relay: RunningRelay = {
    port,
    pid: child.pid as number,
    log: () => text,
    problems: () => text.split('\n').filter((line) => PROBLEM_LINES.test(line)),
    waitFor: (pattern, ms) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(text)) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve();
          } else if (exited !== undefined) {
            listeners.delete(check);
            clearTimeout(timer);
            reject(new Error(`freeDiameterd exited with ${exited} before ${pattern}:\n${text.slice(-3000)}`));
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`freeDiameterd: no ${pattern} within ${ms} ms:\n${text.slice(-3000)}`));
        }, ms);
        listeners.add(check);
        check();
      }),
    stop: async () => {
      if (exited !== undefined) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      const code = await exit;
      clearTimeout(timer);
      return code;
    },
  };
  exit.then(() => {
    for (const l of [...listeners]) l();
  });
  try {
    await relay.waitFor(/freeDiameterd daemon initialized\./, timeoutMs);
    await waitListening(port, timeoutMs);
  } catch (error) {
    await relay.stop();
    throw error;
  }
  return relay;
}

async function waitListening(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`freeDiameterd does not accept connections on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The standard HSS identity of a home PLMN (what our HSS announces in CER). */
export const hssIdentity = (plmn: string) => diameterHost(plmn, 'hss');
