import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** osmo-hlr 1.5 listens on fixed ports, one instance per IP address. */
export const OSMO_HLR_PORTS = { gsup: 4222, vty: 4258, ctrl: 4259 } as const;

export interface OsmoHlrProcess {
  readonly host: string;
  readonly pid: number;
  readonly dir: string;
  readonly gsup: string;
  readonly provision: string;
  /** SIGTERM by pid, SIGKILL if it is still there after 3 s; removes the temp dir. Safe to call twice. */
  stop(): Promise<void>;
  /** The log so far (stderr and stdout), for a failure message. */
  log(): string;
}

export interface StartOptions {
  /** Loopback addresses to try in order; each must have 4222/4258/4259 free. Default 127.0.0.2 … 127.0.0.9. */
  readonly hosts?: readonly string[];
  readonly binary?: string;
  /** Bound on spawn → GSUP accepting (default 5000 ms). */
  readonly readyMs?: number;
}

const DEFAULT_HOSTS = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6', '127.0.0.7', '127.0.0.8', '127.0.0.9'];

function config(host: string): string {
  return [
    'log stderr',
    ' logging color 0',
    ' logging print extended-timestamp 1',
    ' logging level set-all notice',
    'hlr',
    ' gsup',
    `  bind ip ${host}`,
    'line vty',
    ` bind ${host}`,
    'ctrl',
    ` bind ${host}`,
    '',
  ].join('\n');
}

async function portsFree(host: string): Promise<boolean> {
  for (const port of Object.values(OSMO_HLR_PORTS)) {
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, host, () => probe.close(() => resolve(true)));
    });
    if (!free) return false;
  }
  return true;
}

function accepting(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts a fresh osmo-hlr for a test or a conformance run: its own config and database in a temp dir (on
 * /dev/shm when present: no fsync cost), bound to a loopback address whose three fixed ports are free, ready
 * when GSUP accepts a TCP connection. Every wait is bounded; the process is stopped by its pid.
 */
export async function startOsmoHlr(options: StartOptions = {}): Promise<OsmoHlrProcess> {
  const readyMs = options.readyMs ?? 5000;
  const problems: string[] = [];
  for (const host of options.hosts ?? DEFAULT_HOSTS) {
    if (!(await portsFree(host))) {
      problems.push(`${host}: ports ${Object.values(OSMO_HLR_PORTS).join('/')} in use`);
      continue;
    }
    const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'roamsim-osmo-hlr-'));
    const cfg = join(dir, 'osmo-hlr.cfg');
    const logFile = join(dir, 'osmo-hlr.log');
    writeFileSync(cfg, config(host));
    const out = openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(options.binary ?? 'osmo-hlr', ['-c', cfg, '-l', join(dir, 'hlr.db')], { cwd: dir, stdio: ['ignore', out, out] });
    } finally {
      closeSync(out);
    }
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
    const readLog = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
    let stopped = false;
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    };
    const started = Date.now();
    let ready = false;
    let failure: string | undefined;
    while (!ready && failure === undefined) {
      const early = await Promise.race([exited.then((code) => `exited with code ${code}`), spawnError.then((error) => `could not start: ${error.message}`), new Promise<undefined>((resolve) => setTimeout(resolve, 50))]);
      if (early !== undefined) failure = early;
      else if (await accepting(host, OSMO_HLR_PORTS.gsup)) ready = true;
      else if (Date.now() - started > readyMs) failure = `GSUP port ${host}:${OSMO_HLR_PORTS.gsup} not accepting within ${readyMs} ms`;
    }
    if (ready && child.pid !== undefined) {
      return {
        host,
        pid: child.pid,
        dir,
        gsup: `${host}:${OSMO_HLR_PORTS.gsup}`,
        provision: `osmo-ctrl://${host}:${OSMO_HLR_PORTS.ctrl}`,
        stop,
        log: readLog,
      };
    }
    const log = readLog();
    await stop();
    if (failure?.startsWith('could not start')) throw new Error(`osmo-hlr ${failure} (install it with scripts/setup-system.sh or apt-get install osmo-hlr)`);
    problems.push(`${host}: ${failure}; log: ${log.split('\n').slice(-5).join(' | ')}`);
  }
  throw new Error(`osmo-hlr did not start on any loopback address: ${problems.join('; ')}`);
}
