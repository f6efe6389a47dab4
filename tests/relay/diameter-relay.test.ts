/**
 * S6a through a real Diameter Edge Agent: roamsim's MMEs and HSS both connect to freeDiameter, which relays
 * MME → DEA → HSS → DEA → MME by Destination-Realm (and Destination-Host for CLR/IDR). Runs inside its own
 * network namespace (scripts/in-netns.sh); skipped, saying why, anywhere else.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DiameterHssServer } from '../../mocks/diameter/hss-server';
import { DiameterMmeClient } from '../../mocks/diameter/mme-client';
import { HssSideTransport, homeNetworksOf, visitedNetworksOf } from '../../mocks/diameter/network-ports';
import { MockNetwork } from '../../mocks/network';
import { loadConfig } from '../../src/config/load';
import { RealClock } from '../../src/roaming/clock';
import { EventBus } from '../../src/roaming/events';
import { DEA_IDENTITY, DEA_REALM, type RunningRelay, hssIdentity, relayUnavailable, renderRelayConfig, startRelay } from './freediameter';

const unavailable = relayUnavailable();
const PORT = 3868;
const dea = { host: DEA_IDENTITY, realm: DEA_REALM, address: '127.0.0.1', port: PORT };
const config = loadConfig();
const dir = mkdtempSync(path.join(tmpdir(), 'roamsim-dea-'));
let relay: RunningRelay | undefined;
const closers: Array<() => Promise<void>> = [];

before(async () => {
  if (unavailable) return;
  const conf = renderRelayConfig({
    dir,
    port: PORT,
    plmns: config.networks.map((n) => n.plmn),
    homes: config.networks.map((n) => ({ plmn: n.plmn, hssPeer: hssIdentity(config.networks[0]?.plmn as string) })),
  });
  relay = await startRelay(conf, PORT);
});

after(async () => {
  for (const close of closers.reverse()) await close();
  await relay?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('S6a journeys cross freeDiameter both ways with no parse or routing error, and the agent stops cleanly', { skip: unavailable }, async () => {
  const running = relay as RunningRelay;
  let hssSide: HssSideTransport | undefined;
  const network = new MockNetwork({ config, seed: 11, clock: new RealClock(), bus: new EventBus(), transport: (inner) => (hssSide = new HssSideTransport(inner)) });
  const hss = new DiameterHssServer({ homes: homeNetworksOf(network), connectTo: [dea], defaultRoute: [DEA_IDENTITY], requestTimeoutMs: 3000 });
  (hssSide as HssSideTransport).server = hss;
  closers.push(() => hss.close());
  const mme = (plmn: string) => {
    const client = new DiameterMmeClient({ visitedPlmn: plmn, connectTo: [dea], defaultRoute: [DEA_IDENTITY], visited: visitedNetworksOf(network) });
    closers.push(() => client.close());
    return client;
  };
  const a = mme('262-01');
  const b = mme('208-01');
  await Promise.all([hss.start(), a.start(), b.start()]);
  await Promise.all([hss.node.waitOpen(DEA_IDENTITY, 5000), a.ready(5000), b.ready(5000)]);

  const identity = network.generator('234-15').identity(5);
  network.store.add({ ...identity, profile: 'postpaid' });
  const imsi = identity.imsi;
  const timeout = { timeoutMs: 3000 };

  const aia = await a.request('234-15', 'authentication-information', { userName: imsi, visitedPlmnId: '262-01', numberOfRequestedVectors: 1 }, timeout);
  assert.ok('reply' in aia.outcome && 'result' in aia.outcome.reply, JSON.stringify(aia.outcome));
  assert.equal((aia.outcome.reply.result as { eutranVectors: unknown[] }).eutranVectors.length, 1);
  const ula = await a.request('234-15', 'update-location', { userName: imsi, visitedPlmnId: '262-01', ratType: 'EUTRAN', ulrFlags: 0x22 }, timeout);
  assert.ok('reply' in ula.outcome && 'result' in ula.outcome.reply, JSON.stringify(ula.outcome));
  const ulaResult = ula.outcome.reply.result as { ulaFlags: number; msisdn: string; subscription?: { msisdn: string; apns: Array<{ name: string }> } };
  assert.equal(ulaResult.ulaFlags, 1);
  assert.equal(ulaResult.msisdn, identity.msisdn);
  // The Subscription-Data crossed the agent whole: the MME reads its MSISDN and APN configuration back.
  assert.equal(ulaResult.subscription?.msisdn, identity.msisdn);
  assert.deepEqual(ulaResult.subscription?.apns.map((apn) => apn.name), ['internet']);

  // The subscriber moves: the HSS's CLR goes back through the agent to the first MME.
  const moved = await b.request('234-15', 'update-location', { userName: imsi, visitedPlmnId: '208-01', ratType: 'EUTRAN', ulrFlags: 0x22 }, timeout);
  assert.ok('reply' in moved.outcome && 'result' in moved.outcome.reply, JSON.stringify(moved.outcome));
  assert.equal(hss.registration(imsi)?.host, b.host, 'the CLA came back and the registration moved');

  const ida = await hss.toMme('insert-subscriber-data', '208-01', { userName: imsi, msisdn: identity.msisdn });
  assert.deepEqual('reply' in ida.outcome && ida.outcome.reply, { result: {} });

  const unknown = await a.request('234-15', 'authentication-information', { userName: '234159999999999', visitedPlmnId: '262-01', numberOfRequestedVectors: 1 }, timeout);
  assert.ok('reply' in unknown.outcome && 'error' in unknown.outcome.reply);
  assert.equal((unknown.outcome.reply.error as { code: number }).code, 5001);

  const pua = await b.request('234-15', 'purge-ue', { userName: imsi, originHost: b.host, purFlags: 1 }, timeout);
  assert.deepEqual('reply' in pua.outcome && pua.outcome.reply, { result: { puaFlags: 1 } });

  for (const peer of [hss.node.local.host, a.host, b.host]) assert.match(running.log(), new RegExp(`${peer.replace(/\./g, '\\.')}.*STATE_OPEN|STATE_OPEN.*${peer.replace(/\./g, '\\.')}`), `the agent shows ${peer} open`);
  for (const close of closers.splice(0).reverse()) await close();
  assert.equal(await running.stop(), 0, 'freeDiameterd exits 0');
  assert.deepEqual(running.problems(), [], 'no Routing error / Parsing error / suspect header / rejected CER');
});
