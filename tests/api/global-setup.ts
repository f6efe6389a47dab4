import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

/** What the API tests read: set here, inherited by the workers. */
export function apiEnv(): { hlr: string; vlr: string; metrics: string; token: string } {
  const { ROAMSIM_API_HLR_URL: hlr, ROAMSIM_API_VLR_URL: vlr, ROAMSIM_API_METRICS_URL: metrics, ROAMSIM_API_ADMIN_TOKEN: token } = process.env;
  if (!hlr || !vlr || !metrics || !token) throw new Error('the live mocks are not running: run the API tests with `npx playwright test` (its global setup starts them)');
  return { hlr, vlr, metrics, token };
}

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

/**
 * Starts `roamsim mocks` as its own process on free 127.0.0.1 ports with a fresh admin token, waits for its
 * "ready" line (it probes GET /ready on both servers itself before printing it) and returns the teardown
 * that stops it with SIGTERM.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const root = path.resolve(__dirname, '..', '..');
  const token = randomBytes(24).toString('hex');
  const child = spawn(process.execPath, [path.join(root, 'bin', 'roamsim.js'), 'mocks', '--host', '127.0.0.1', '--hlr-port', '0', '--vlr-port', '0', '--metrics-port', '0'], {
    cwd: root,
    env: { ...process.env, ROAMSIM_ADMIN_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => fail(new Error(`roamsim mocks did not report ready within ${START_TIMEOUT_MS} ms:\n${text}`)), START_TIMEOUT_MS);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const collect = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (/roamsim mocks: ready/.test(text)) {
        clearTimeout(timer);
        resolve(text);
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('exit', (code) => fail(new Error(`roamsim mocks exited with ${code} before it was ready:\n${text}`)));
  });
  const url = (label: string) => {
    const match = new RegExp(`${label} (http://\\S+)`).exec(output);
    if (!match) throw new Error(`roamsim mocks did not print the ${label} URL:\n${output}`);
    return match[1];
  };
  process.env.ROAMSIM_API_HLR_URL = url('HLR/HSS');
  process.env.ROAMSIM_API_VLR_URL = url('VLR/MME');
  process.env.ROAMSIM_API_METRICS_URL = url('metrics');
  process.env.ROAMSIM_API_ADMIN_TOKEN = token;
  return () => stop(child);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
