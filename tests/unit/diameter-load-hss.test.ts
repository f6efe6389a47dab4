/**
 * `roamsim load --mode wire --hss HOST:PORT`: the run's MMEs speak S6a to an HSS in another process
 * (`roamsim mocks --diameter-port 0`, same seed and secrets), its identity learned from the CEA; bad and
 * unreachable addresses are named and end the run with a non-zero exit.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const bin = path.join(root, 'bin', 'roamsim.js');
const logDir = mkdtempSync(path.join(os.tmpdir(), 'roamsim-load-hss-'));
const env = { ...process.env, ROAMSIM_MOCK_HOST: '127.0.0.1', ROAMSIM_LOG_DIR: logDir, ROAMSIM_METRICS_PORT: 'off' };
let mocks: ChildProcess;
let output = '';
let diameterPort = 0;
let mocksUrl = '';

before(async () => {
  mocks = spawn(process.execPath, [bin, 'mocks', '--hlr-port', '0', '--vlr-port', '0', '--metrics-port', 'off', '--diameter-port', '0'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`roamsim mocks not ready in 30 s:\n${output}`)), 30_000);
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (/roamsim mocks: ready/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    mocks.stdout?.on('data', collect);
    mocks.stderr?.on('data', collect);
    mocks.once('exit', (code) => reject(new Error(`roamsim mocks exited with ${code}:\n${output}`)));
  });
  const match = /Diameter HSS 127\.0\.0\.1:(\d+)/.exec(output);
  assert.ok(match, `the Diameter port is printed:\n${output}`);
  diameterPort = Number(match[1]);
  const hlr = /HLR\/HSS (http:\/\/\S+)/.exec(output)?.[1];
  const vlr = /VLR\/MME (http:\/\/\S+)/.exec(output)?.[1];
  assert.ok(hlr && vlr, `the admin URLs are printed:\n${output}`);
  mocksUrl = `hlr-hss=${hlr},vlr-mme=${vlr}`;
});

after(async () => {
  if (mocks.exitCode === null) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => mocks.kill('SIGKILL'), 10_000);
      mocks.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      mocks.kill('SIGTERM');
    });
  }
  rmSync(logDir, { recursive: true, force: true });
});

/** `roamsim load …` as a child process, bounded. */
function load(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'load', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test('load --mode wire --hss (subscribers provisioned through --mocks-url): 50 journeys, S6a over Diameter/TCP to the HSS of another process; counts are conserved', async () => {
  const { stdout, stderr } = await load(['--mode', 'wire', '--hss', `127.0.0.1:${diameterPort}`, '--mocks-url', mocksUrl, '--subscribers', '50', '--json']);
  assert.match(stderr, /--hss 127\.0\.0\.1:\d+: HSS hss\.epc\.\S+ \(epc\.\S+\) serves every home network/, 'the identity read from the CEA is reported');
  const summary = JSON.parse(stdout) as { mode: string; journeys: number; attempted: number; accepted: number; rejected: number; deadLettered: number; crashed: number };
  assert.equal(summary.mode, 'wire');
  assert.equal(summary.journeys, 50);
  assert.equal(summary.crashed, 0);
  assert.ok(summary.accepted > 0, `some registrations accepted: ${stdout}`);
  assert.equal(summary.attempted, summary.accepted + summary.rejected + summary.deadLettered, 'every attempt ends accepted, rejected or dead-lettered');
  const causes = (JSON.parse(stdout) as { rejectedByCause: Record<string, number> }).rejectedByCause;
  assert.equal(causes.DIAMETER_ERROR_USER_UNKNOWN, undefined, `the external HSS holds the run's subscribers: ${stdout}`);
  const surprises = (JSON.parse(stdout) as { surprises?: string[] }).surprises ?? [];
  // The LTE journeys reached the HSS over Diameter and were served (an LTE surprise would name its cause).
  assert.ok(summary.accepted > surprises.length, stdout);
});

test('load --mocks-url in wire mode without --hss is refused, naming the combination', async () => {
  const { code, stderr } = await load(['--mode', 'wire', '--mocks-url', mocksUrl, '--subscribers', '5']);
  assert.equal(code, 2);
  assert.match(stderr, /--mocks-url.*only with --mode live, or with --mode wire --hss/);
});

test('load --hss nowhere: the flag and the HOST:PORT form are named, exit 2', async () => {
  const { code, stderr } = await load(['--mode', 'wire', '--hss', 'nowhere', '--subscribers', '5']);
  assert.equal(code, 2);
  assert.match(stderr, /--hss: "nowhere" is not valid: expected .*HOST:PORT/);
});

test('load --hss without --mode wire is refused, naming both', async () => {
  const { code, stderr } = await load(['--hss', `127.0.0.1:${diameterPort}`, '--subscribers', '5']);
  assert.equal(code, 2);
  assert.match(stderr, /--hss.*only with --mode wire/);
});

test('load --hss to an address nobody answers: named, non-zero exit, no hang', async () => {
  // A port that was free a moment ago: nothing listens there.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const { code, stderr } = await load(['--mode', 'wire', '--hss', `127.0.0.1:${port}`, '--subscribers', '5']);
  assert.notEqual(code, 0);
  assert.match(stderr, new RegExp(`--hss 127\\.0\\.0\\.1:${port}: no Diameter peer at 127\\.0\\.0\\.1:${port} completed CER/CEA`));
});
