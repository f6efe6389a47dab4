import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { run as load } from '../../src/cli/load';
import { loadConfig, readAuditKey } from '../../src/config/load';
import { ConfigError, InputError } from '../../src/errors';
import { CLI_DEPS } from './cli-deps';

/*
 * Config edges: every file-reading problem is a ConfigError naming the file (exit 2 from the CLI), values
 * that load but cannot work are refused at load, numeric flags that overflow a timer or give NaN shares are
 * refused, and under Cucumber a config error is one message and exit 2.
 */

const root = path.resolve(__dirname, '..', '..');
const dir = mkdtempSync(path.join(tmpdir(), 'roamsim-config-hardening-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const SECRETS = { ROAMSIM_KI_SECRET: 'unit-test-secret', ROAMSIM_OP: '00112233445566778899aabbccddeeff' };
const BASE = readFileSync(path.join(root, 'config', 'roaming.yaml'), 'utf8');
let count = 0;

function write(name: string, text: string): string {
  const file = path.join(dir, `${++count}-${name}`);
  writeFileSync(file, text);
  return file;
}

function refuses(load: () => unknown, file: string, problem: RegExp, at?: string): void {
  assert.throws(load, (error: unknown) => {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.equal(error.file, file);
    if (at !== undefined) assert.equal(error.path, at);
    assert.match(error.problem, problem);
    return true;
  });
}

const quiet = () => undefined;

test('a config path that is a directory is a ConfigError naming it', () => {
  const folder = path.join(dir, 'roaming.yaml.d');
  mkdirSync(folder);
  refuses(() => loadConfig({ file: folder, envFile: '/nonexistent', env: SECRETS, announce: quiet }), folder, /is a directory: expected a file/);
});

test('a .env that is a directory is a ConfigError naming it', () => {
  const envDir = path.join(dir, 'dotenv-dir');
  mkdirSync(envDir);
  refuses(() => loadConfig({ file: write('ok.yaml', BASE), envFile: envDir, env: {}, announce: quiet }), envDir, /is a directory/);
});

test('a YAML alias bomb is refused, not expanded', () => {
  const rows = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (const [name, prev] of [['b', 'a'], ['c', 'b'], ['d', 'c'], ['e', 'd'], ['f', 'e'], ['g', 'f']]) rows.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
  const file = write('bomb.yaml', `${rows.join('\n')}\n`);
  refuses(() => loadConfig({ file, envFile: '/nonexistent', env: SECRETS, announce: quiet }), file, /YAML aliases expand too far/);
});

test('an unreadable config file is a ConfigError (permission denied)', () => {
  const file = write('locked.yaml', BASE);
  chmodSync(file, 0o000);
  if (process.getuid?.() !== 0) {
    refuses(() => loadConfig({ file, envFile: '/nonexistent', env: SECRETS, announce: quiet }), file, /cannot be read \(permission denied\)/);
    return;
  }
  // Root reads a mode-000 file: load it as an unprivileged user instead (who may enter the folder).
  chmodSync(dir, 0o755);
  const script = `try { require('./src/config/load').loadConfig({ file: ${JSON.stringify(file)}, envFile: '/nonexistent', env: {}, announce: () => undefined }); console.log('loaded') } catch (error) { console.log(error.name + ': ' + error.message) }`;
  const result = spawnSync(process.execPath, ['--require', './support/register.js', '-e', script], { cwd: root, uid: 65534, gid: 65534, encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.stdout.trim(), `ConfigError: ${file}: cannot be read (permission denied): give the user running roamsim read access`, result.stderr);
});

test('tariff strings are validated at load', () => {
  const file = write('tariff.yaml', BASE.replace(/tariffs: \{ data: "EUR 0\.0020"/, 'tariffs: { data: "EUR abc"'));
  assert.notEqual(readFileSync(file, 'utf8'), BASE, 'the test changed a tariff');
  refuses(() => loadConfig({ file, envFile: '/nonexistent', env: SECRETS, announce: quiet }), file, /"EUR abc" is not valid/, 'agreements[0].tariffs.data');
});

test('a second agreement for the same home and visited network is refused', () => {
  const first = /( {2}- home: "[^"]+"\n {4}visited: "[^"]+"\n(?: {4}.*\n)*)/.exec(BASE.slice(BASE.indexOf('agreements:')));
  assert.ok(first);
  const file = write('duplicate.yaml', BASE.replace('agreements:\n', `agreements:\n${first[1]}`));
  refuses(() => loadConfig({ file, envFile: '/nonexistent', env: SECRETS, announce: quiet }), file, /a second agreement for home .* \(agreements\[0\] is the first\)/, 'agreements[1]');
});

test('an empty ROAMSIM_KI_SECRET is refused', () => {
  const file = write('ok.yaml', BASE);
  refuses(() => loadConfig({ file, envFile: '/nonexistent', env: { ...SECRETS, ROAMSIM_KI_SECRET: '' }, announce: quiet }), 'environment', /is empty/, 'ROAMSIM_KI_SECRET');
  const envFile = write('.env', 'ROAMSIM_KI_SECRET=\nROAMSIM_OP=00112233445566778899aabbccddeeff\n');
  refuses(() => loadConfig({ file, envFile, env: {}, announce: quiet }), envFile, /is empty/, 'ROAMSIM_KI_SECRET');
});

test('ROAMSIM_AUDIT_KEY: read from .env, refused when short or equal to the admin token', () => {
  const key = 'k'.repeat(40);
  assert.equal(readAuditKey({}, write('.env', `ROAMSIM_AUDIT_KEY=${key}\n`)), key);
  assert.equal(readAuditKey({}, '/nonexistent'), undefined);
  assert.throws(() => readAuditKey({ ROAMSIM_AUDIT_KEY: 'short' }, '/nonexistent'), /too short/);
  const file = write('ok.yaml', BASE);
  assert.throws(() => loadConfig({ file, envFile: '/nonexistent', env: { ...SECRETS, ROAMSIM_ADMIN_TOKEN: key, ROAMSIM_AUDIT_KEY: key }, announce: quiet }), /same as ROAMSIM_ADMIN_TOKEN/);
  assert.equal(loadConfig({ file, envFile: '/nonexistent', env: { ...SECRETS, ROAMSIM_AUDIT_KEY: key }, announce: quiet }).secrets.auditKey, key);
});

const io = () => ({ out: () => undefined, err: () => undefined });

test('--rate that would overflow a timer and mix weights that give NaN shares are refused', async () => {
  await assert.rejects(load(['--subscribers', '10', '--rate', '1e-9'], io(), CLI_DEPS), (error: unknown) => error instanceof InputError && /--rate: "1e-9" is not valid: expected journeys per second from 0.01/.test((error as Error).message));
  await assert.rejects(load(['--subscribers', '10', '--rate', 'Infinity'], io(), CLI_DEPS), InputError);
  const mix = write('mix.yaml', 'journeys: { attach-detach: 1e308, attach-move-detach: 1e308 }\n');
  await assert.rejects(load(['--subscribers', '10', '--mix', mix], io(), CLI_DEPS), (error: unknown) => error instanceof ConfigError && error.path === 'journeys.attach-detach' && /a number from 0 to 1,000,000/.test(error.problem));
  const mixDir = path.join(dir, 'mix-dir');
  mkdirSync(mixDir);
  await assert.rejects(load(['--subscribers', '10', '--mix', mixDir], io(), CLI_DEPS), (error: unknown) => error instanceof ConfigError && error.file === mixDir && /is a directory/.test(error.problem));
});

test('roamsim load with a config directory exits 2 naming it, without a stack', async () => {
  const folder = path.join(dir, 'cli-config-dir');
  mkdirSync(folder);
  const result = await node([path.join(root, 'bin', 'roamsim.js'), 'load', '--subscribers', '5'], { ROAMSIM_CONFIG: folder });
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, new RegExp(`${folder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: is a directory`));
  assert.doesNotMatch(result.stderr, /\n\s+at /);
});

test('under Cucumber a config error prints its message once and exits 2, without a stack', { timeout: 120_000 }, async () => {
  const folder = path.join(dir, 'cucumber-config-dir');
  mkdirSync(folder);
  const cucumber = path.join(root, 'node_modules', '@cucumber', 'cucumber', 'bin', 'cucumber.js');
  const result = await node([cucumber, '--profile', 'test', 'features/registration'], { ROAMSIM_CONFIG: folder });
  assert.equal(result.code, 2, result.stderr);
  const mentions = result.stderr.split('\n').filter((line) => line.includes(`${folder}: is a directory`));
  assert.equal(mentions.length, 1, result.stderr);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
});

function node(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const guard = setTimeout(() => child.kill('SIGKILL'), 100_000);
  return new Promise((done) =>
    child.once('close', (code) => {
      clearTimeout(guard);
      done({ code, stdout, stderr });
    }),
  );
}
