import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parse as parseDotenv } from 'dotenv';
import YAML from 'yaml';
import { startLiveMocks, standaloneNetwork } from '../../mocks/live-server';
import { DOCUMENTED_ADMIN_TOKENS, MIN_ADMIN_TOKEN_LENGTH, adminTokenProblem, isLoopback, requireAdminTokenFor } from '../../src/config/admin-token';
import { DEFAULT_SECRETS, loadConfig } from '../../src/config/load';
import { ConfigError } from '../../src/errors';

const root = path.resolve(__dirname, '..', '..');
const strong = randomBytes(24).toString('hex'); // 48 characters

/** Every admin token value a reader finds in the repository's example files. */
function exampleTokens(): string[] {
  const env = parseDotenv(readFileSync(path.join(root, '.env.example')));
  const secret = YAML.parse(readFileSync(path.join(root, 'deploy', 'k8s', 'secret.yaml'), 'utf8')) as { stringData: Record<string, string> };
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const inReadme = [...readme.matchAll(/ROAMSIM_ADMIN_TOKEN=([A-Za-z0-9._~+/-]+)/g)].map((match) => match[1] as string);
  return [env.ROAMSIM_ADMIN_TOKEN as string, secret.stringData.ROAMSIM_ADMIN_TOKEN as string, DEFAULT_SECRETS.ROAMSIM_ADMIN_TOKEN, ...inReadme];
}

test('every admin token written in .env.example, deploy/k8s/secret.yaml, the README and the built-in default is refused off loopback', () => {
  const tokens = exampleTokens();
  assert.ok(tokens.length >= 3);
  for (const token of tokens) {
    assert.ok(DOCUMENTED_ADMIN_TOKENS.includes(token) || token.length < MIN_ADMIN_TOKEN_LENGTH, `${token} is listed in DOCUMENTED_ADMIN_TOKENS`);
    assert.notEqual(adminTokenProblem(token), undefined, token);
    assert.throws(() => requireAdminTokenFor('0.0.0.0', token, '--host'), ConfigError);
  }
});

test('off loopback a token shorter than 32 characters is refused, one of 32 random characters is accepted', () => {
  assert.match(adminTokenProblem('x'.repeat(31)) ?? '', /31 characters long, shorter than the 32 required/);
  assert.equal(adminTokenProblem(randomBytes(16).toString('hex')), undefined);
  assert.doesNotThrow(() => requireAdminTokenFor('10.1.2.3', strong, '--host'));
});

test('on loopback any token is allowed: the documented default keeps a fresh clone working', () => {
  for (const host of ['127.0.0.1', '127.0.0.53', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) {
    assert.ok(isLoopback(host), host);
    assert.doesNotThrow(() => requireAdminTokenFor(host, DEFAULT_SECRETS.ROAMSIM_ADMIN_TOKEN, '--host'));
  }
  for (const host of ['0.0.0.0', '::', '192.168.1.10', 'mocks', '128.0.0.1']) assert.equal(isLoopback(host), false, host);
});

test('the refusal names the variable, the host and the fix, and never prints the token', () => {
  const error = (() => {
    try {
      requireAdminTokenFor('0.0.0.0', 'change-me-admin-token', 'endpoints.host (ROAMSIM_MOCK_HOST)');
    } catch (caught) {
      return caught as Error;
    }
    assert.fail('no error');
  })();
  assert.match(error.message, /ROAMSIM_ADMIN_TOKEN/);
  assert.match(error.message, /documented default or example value/);
  assert.match(error.message, /endpoints\.host \(ROAMSIM_MOCK_HOST\) is 0\.0\.0\.0/);
  assert.match(error.message, /openssl rand -hex 32/);
  assert.doesNotMatch(error.message, /change-me-admin-token/);
});

test('the servers refuse to start off loopback with the placeholder token, whoever starts them', async () => {
  const config = loadConfig({ env: { ROAMSIM_ADMIN_TOKEN: 'change-me-admin-token' }, envFile: path.join(root, 'no-such.env'), announce: () => undefined });
  const network = standaloneNetwork(config);
  await assert.rejects(startLiveMocks({ config, networkFor: () => network, host: '0.0.0.0', ports: { 'hlr-hss': 0, 'vlr-mme': 0 } }), ConfigError);
});

test('roamsim mocks --host 0.0.0.0 exits 2 with the placeholder token and names it as an example value', async () => {
  const { spawnSync } = await import('node:child_process');
  const result = spawnSync(process.execPath, [path.join(root, 'bin', 'roamsim.js'), 'mocks', '--host', '0.0.0.0', '--hlr-port', '0', '--vlr-port', '0', '--metrics-port', 'off'], {
    cwd: root,
    env: { ...process.env, ROAMSIM_ADMIN_TOKEN: 'change-me-admin-token' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(result.status, 2, result.stderr);
  assert.match(result.stderr, /documented default or example value/);
});

test('a wrong token of any length is refused with 401 and the right one accepted (comparison over fixed-size digests)', async () => {
  const config = loadConfig({ env: { ROAMSIM_ADMIN_TOKEN: strong }, envFile: path.join(root, 'no-such.env'), announce: () => undefined });
  const network = standaloneNetwork(config);
  const mocks = await startLiveMocks({ config, networkFor: () => network, host: '127.0.0.1', ports: { 'hlr-hss': 0, 'vlr-mme': 0 } });
  try {
    const status = async (token: string) => {
      const response = await fetch(`${mocks.urls['hlr-hss']}/admin/faults`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
      await response.arrayBuffer();
      return response.status;
    };
    for (const wrong of ['', 'a', strong.slice(0, -1), `${strong}x`, strong.toUpperCase(), 'change-me-admin-token']) assert.equal(await status(wrong), 401, JSON.stringify(wrong));
    assert.equal(await status(strong), 204);
  } finally {
    await mocks.close();
  }
});
