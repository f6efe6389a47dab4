import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load';
import { ConfigError } from '../../src/errors';

const dir = mkdtempSync(path.join(tmpdir(), 'roamsim-diameter-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const SECRETS = { ROAMSIM_KI_SECRET: 'unit-test-secret', ROAMSIM_OP: '00112233445566778899aabbccddeeff' };

function load(hss: string, agents = '') {
  const file = path.join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(
    file,
    `seed: 1
networks:
  - plmn: "234-15"
    name: Vodafone UK
    tadig: GBRVF
${hss ? `    hss: ${hss}\n` : ''}  - plmn: "262-01"
    name: Telekom
    tadig: DEUD1
endpoints: { host: 127.0.0.1, hlr_hss_port: 7401, vlr_mme_port: 7402 }
${agents}`,
  );
  return loadConfig({ file, envFile: '/nonexistent', env: SECRETS, announce: () => undefined });
}

test('networks[].hss and diameter_agents are read; embedded is the default', () => {
  const config = load('{ diameter: "127.0.0.1:3868", host: hss.epc.mnc015.mcc234.3gppnetwork.org, realm: epc.mnc015.mcc234.3gppnetwork.org }', 'diameter_agents:\n  - { host: dea.roaming.test, realm: roaming.test, address: "127.0.0.1:13868" }\n');
  assert.deepEqual(config.networks[0]?.hss, { host: 'hss.epc.mnc015.mcc234.3gppnetwork.org', realm: 'epc.mnc015.mcc234.3gppnetwork.org', address: '127.0.0.1', port: 3868 });
  assert.equal(config.networks[1]?.hss, undefined);
  assert.deepEqual(config.diameterAgents, [{ host: 'dea.roaming.test', realm: 'roaming.test', address: '127.0.0.1', port: 13868 }]);
  assert.equal(load('embedded').networks[0]?.hss, undefined);
  assert.deepEqual(load('').diameterAgents, []);
});

for (const [what, hss, agents, key, value] of [
  ['a port out of range', '{ diameter: "127.0.0.1:70000", host: hss.example.org, realm: example.org }', '', 'networks[0].hss.diameter', '127.0.0.1:70000'],
  ['a realm that is not an FQDN', '{ diameter: "127.0.0.1:3868", host: hss.example.org, realm: "not a realm" }', '', 'networks[0].hss.realm', 'not a realm'],
  ['an address without a port', '{ diameter: "127.0.0.1", host: hss.example.org, realm: example.org }', '', 'networks[0].hss.diameter', '127.0.0.1'],
  ['an agent address that is not IPv4', '', 'diameter_agents:\n  - { host: dea.roaming.test, realm: roaming.test, address: "dea:3868" }\n', 'diameter_agents[0].address', 'dea:3868'],
  ['an agent without a realm', '', 'diameter_agents:\n  - { host: dea.roaming.test, address: "127.0.0.1:3868" }\n', 'diameter_agents[0].realm', 'missing'],
] as const) {
  test(`bad Diameter config names the key and the value: ${what}`, () => {
    assert.throws(
      () => load(hss, agents),
      (error: unknown) => error instanceof ConfigError && error.path === key && error.message.includes(value === 'missing' ? 'missing' : JSON.stringify(value)),
    );
  });
}

function loadDiameter(block: string) {
  const file = path.join(dir, `w${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, `seed: 1\nnetworks:\n  - plmn: "234-15"\n    name: Vodafone UK\n    tadig: GBRVF\nendpoints: { host: 127.0.0.1, hlr_hss_port: 7401, vlr_mme_port: 7402 }\n${block}`);
  return loadConfig({ file, envFile: '/nonexistent', env: SECRETS, announce: () => undefined });
}

test('diameter.watchdog_ms is Tw for every peer: 30 s by default, 6 s accepted (RFC 3539)', () => {
  assert.equal(loadDiameter('').diameter.watchdogMs, 30_000);
  assert.equal(loadDiameter('diameter: { watchdog_ms: 6000 }\n').diameter.watchdogMs, 6000);
  assert.equal(loadDiameter('diameter:\n  watchdog_ms: 45000\n').diameter.watchdogMs, 45_000);
  // The shipped configuration says it explicitly.
  assert.equal(loadConfig({ envFile: '/nonexistent', env: SECRETS, announce: () => undefined }).diameter.watchdogMs, 30_000);
});

for (const value of ['5999', '0', '"soon"']) {
  test(`diameter.watchdog_ms ${value} is refused, naming the key and the value`, () => {
    assert.throws(
      () => loadDiameter(`diameter: { watchdog_ms: ${value} }\n`),
      (error: unknown) => error instanceof ConfigError && error.path === 'diameter.watchdog_ms' && error.message.includes(value.replace(/"/g, '')) && /6000/.test(error.message),
    );
  });
}
