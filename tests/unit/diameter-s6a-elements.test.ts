import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { DiameterHssServer } from '../../mocks/diameter/hss-server';
import { DiameterMmeClient } from '../../mocks/diameter/mme-client';
import { HssSideTransport, homeNetworksOf, visitedNetworksOf } from '../../mocks/diameter/network-ports';
import { MockNetwork } from '../../mocks/network';
import { loadConfig } from '../../src/config/load';
import { RealClock } from '../../src/roaming/clock';
import { EventBus } from '../../src/roaming/events';

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function setup() {
  const config = loadConfig();
  let hssSide: HssSideTransport | undefined;
  const network = new MockNetwork({ config, seed: 7, clock: new RealClock(), bus: new EventBus(), transport: (inner) => (hssSide = new HssSideTransport(inner)) });
  const server = new DiameterHssServer({ homes: homeNetworksOf(network), listen: { host: '127.0.0.1', port: 0 } });
  const port = (await server.start()).port as number;
  (hssSide as HssSideTransport).server = server;
  cleanups.push(() => server.close());
  const received: number[] = [];
  const mme = (plmn: string) => {
    const client = new DiameterMmeClient({
      visitedPlmn: plmn,
      connectTo: [{ host: server.node.local.host, realm: server.node.local.realm, address: '127.0.0.1', port }],
      visited: visitedNetworksOf(network),
      onBytes: (_p, direction, bytes) => {
        if (direction === 'received' && plmn === '262-01') received.push(bytes.readUIntBE(5, 3));
      },
    });
    cleanups.push(() => client.close());
    return client;
  };
  const identity = network.generator('234-15').identity(3);
  network.store.add({ ...identity, profile: 'postpaid' });
  return { network, server, mme, imsi: identity.imsi, msisdn: identity.msisdn, received };
}

test('the MME client and the HSS server run AIR, ULR, CLR to the previous MME, IDR and PUR over Diameter with the embedded decisions', async () => {
  const { network, server, mme, imsi, msisdn, received } = await setup();
  const a = mme('262-01');
  const b = mme('208-01');
  await Promise.all([a.start(), b.start()]);
  await Promise.all([a.ready(3000), b.ready(3000)]);

  const aia = await a.request('234-15', 'authentication-information', { userName: imsi, visitedPlmnId: '262-01', numberOfRequestedVectors: 1 }, { timeoutMs: 3000 });
  assert.ok('reply' in aia.outcome && 'result' in aia.outcome.reply);
  const vectors = (aia.outcome.reply.result as { eutranVectors: Array<Record<string, string>> }).eutranVectors;
  assert.equal(vectors.length, 1);
  assert.match(vectors[0]?.kasme ?? '', /^[0-9a-f]{64}$/);

  const ula = await a.request('234-15', 'update-location', { userName: imsi, visitedPlmnId: '262-01', ratType: 'EUTRAN', ulrFlags: 0x22 }, { timeoutMs: 3000 });
  // The whole Subscription-Data crossed the wire: the HSS's record, less MAP's CS data that S6a does not carry.
  const profile = network.store.record(imsi)?.identity.profile ?? 'postpaid';
  const subscription = { ...network.subscribers.subscription(profile, msisdn), category: 0, teleservices: [], bearerServices: [], supplementaryServices: [] };
  assert.deepEqual('reply' in ula.outcome && ula.outcome.reply, { result: { ulaFlags: 1, msisdn, subscription } });
  assert.equal(server.registration(imsi)?.host, a.host);
  assert.equal(network.store.record(imsi)?.location?.node.plmn, '262-01', 'the embedded HSS recorded the location');

  const moved = await b.request('234-15', 'update-location', { userName: imsi, visitedPlmnId: '208-01', ratType: 'EUTRAN', ulrFlags: 0x22 }, { timeoutMs: 3000 });
  assert.ok('reply' in moved.outcome && 'result' in moved.outcome.reply);
  assert.ok(received.includes(317), 'the first MME received a CLR');
  assert.equal(server.registration(imsi)?.host, b.host);

  const ida = await server.toMme('insert-subscriber-data', '208-01', { userName: imsi, msisdn });
  assert.deepEqual('reply' in ida.outcome && ida.outcome.reply, { result: {} });

  const refused = await a.request('234-15', 'update-location', { userName: imsi, visitedPlmnId: '440-10', ratType: 'EUTRAN', ulrFlags: 0x22 }, { timeoutMs: 3000 });
  assert.ok('reply' in refused.outcome && 'error' in refused.outcome.reply);
  assert.equal((refused.outcome.reply.error as { code: number }).code, 5004, 'roaming not allowed: no agreement 234-15 → 440-10');

  const pua = await b.request('234-15', 'purge-ue', { userName: imsi, originHost: b.host, purFlags: 1 }, { timeoutMs: 3000 });
  assert.deepEqual('reply' in pua.outcome && pua.outcome.reply, { result: { puaFlags: 1 } });
  assert.equal(server.registration(imsi), undefined, 'the purge ends the registration');
});

test('an HSS that is not running: the request fails as a transport error, nothing hangs', async () => {
  const client = new DiameterMmeClient({ visitedPlmn: '262-01', connectTo: [{ host: 'hss.epc.mnc015.mcc234.3gppnetwork.org', realm: 'epc.mnc015.mcc234.3gppnetwork.org', address: '127.0.0.1', port: 1 }] });
  cleanups.push(() => client.close());
  await client.start();
  const result = await client.request('234-15', 'authentication-information', { userName: '234150000000001', visitedPlmnId: '262-01', numberOfRequestedVectors: 1 }, { timeoutMs: 500 });
  assert.ok('transportError' in result.outcome);
  assert.match(result.outcome.transportError, /no open Diameter peer/);
});
