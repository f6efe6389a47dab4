import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load';
import { reachable } from '../../src/gsup/load';
import { parseOsmoCtrlUrl } from '../../src/gsup/osmo-ctrl';

const dir = mkdtempSync(path.join(tmpdir(), 'roamsim-gsup-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function load(hlr: string) {
  const file = path.join(dir, 'roaming.yaml');
  writeFileSync(file, `seed: 1\nnetworks:\n  - plmn: "234-15"\n    name: Vodafone UK\n    tadig: GBRVF\n    hlr: ${hlr}\nendpoints: { host: 127.0.0.1, hlr_hss_port: 7401, vlr_mme_port: 7402 }\n`);
  return loadConfig({ file, envFile: '/nonexistent', env: { ROAMSIM_KI_SECRET: 'x', ROAMSIM_OP: 'cdc202d5123e20f62b6d676ac72cb318' }, announce: () => undefined });
}

test('networks[].hlr names a real HLR: GSUP address and osmo-ctrl provisioning', () => {
  const config = load('{ gsup: "127.0.0.2:4222", provision: "osmo-ctrl://127.0.0.2:4259" }');
  assert.deepEqual(config.networks[0].hlr, { gsup: { host: '127.0.0.2', port: 4222 }, provision: { kind: 'osmo-ctrl', host: '127.0.0.2', port: 4259 } });
});

test('networks[].hlr: a bad address or scheme is refused naming the key and the expected form', () => {
  assert.throws(() => load('{ gsup: "127.0.0.2", provision: "osmo-ctrl://127.0.0.2:4259" }'), /networks\[0\]\.hlr\.gsup: "127\.0\.0\.2" is not valid: expected HOST:PORT/);
  assert.throws(() => load('{ gsup: "127.0.0.2:4222", provision: "osmo-vty://127.0.0.2:4258" }'), /networks\[0\]\.hlr\.provision: .* expected osmo-ctrl:\/\/HOST:PORT/);
  assert.throws(() => load('{ gsup: "127.0.0.2:99999", provision: "osmo-ctrl://127.0.0.2:4259" }'), /hlr\.gsup.*a TCP port from 1 to 65535/);
  assert.throws(() => parseOsmoCtrlUrl('http://x:1', '--provision'), /--provision: "http:\/\/x:1" is not valid: expected an osmo-hlr CTRL address as osmo-ctrl:\/\/HOST:PORT/);
});

test('an HLR nobody answers at fails naming what it is and where', async () => {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const port = (probe.address() as { port: number }).port;
  await reachable('127.0.0.1', port, 'probe');
  await new Promise((resolve) => probe.close(resolve));
  await assert.rejects(reachable('127.0.0.1', port, 'the GSUP HLR of home network 234-15'), new RegExp(`the GSUP HLR of home network 234-15 at 127\\.0\\.0\\.1:${port} is unreachable \\(ECONNREFUSED\\)`));
});
