import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MockNetwork } from '../../mocks/network';
import { GsupClient } from '../../src/gsup/client';
import { GsupTimeout } from '../../src/gsup/endpoint';
import { GsupHlr } from '../../src/gsup/hlr';
import { mockHome } from '../../mocks/gsup/mock-home';
import { gsupPeerName, visitedPlmnOf } from '../../src/gsup/names';
import { PeerProblems } from '../../src/gsup/problems';
import { WireTransport } from '../../mocks/gsup/wire-transport';
import { GSUP_REQUEST, describeType, encodeGsup } from '../../src/protocol/gsup';
import { IPA_OSMO_EXT, encodeOsmo } from '../../src/protocol/ipa';
import { SeededRandom } from '../../src/subscribers/random';
import { buildAuts, verifyAutn } from '../../src/protocol/milenage';
import { RealClock } from '../../src/roaming/clock';
import { EventBus } from '../../src/roaming/events';
import { testConfig } from './test-config';

const config = testConfig({ prefix: 'roamsim-gsup-hlr', agreements: { '262-01': ['GSM', 'UMTS', 'LTE'], '208-01': ['GSM', 'UMTS', 'LTE'], '310-260': ['UMTS'] }, maxAttempts: 1, linkLatencyMs: 0, processingMs: 0 });

/** Our GSUP HLR over the embedded home network, on a free loopback port, with one subscriber. */
async function setup(t: { after: (fn: () => Promise<void> | void) => void }) {
  const lines: string[] = [];
  const problems = new PeerProblems((line) => lines.push(line));
  let hlr: GsupHlr | undefined;
  // The home network's pushes (ISD, CancelLocation) reach GSUP-connected VLRs through the GSUP HLR.
  const transport = (n: MockNetwork) => new WireTransport(n, { hlr: () => hlr, problems, deadlineMs: 500 });
  const network = new MockNetwork({ config, seed: 4242, clock: new RealClock(), bus: new EventBus(() => undefined), scenario: 'gsup', transport });
  const identity = network.generator('234-15').identity(7);
  network.store.add(identity);
  hlr = await GsupHlr.start({ port: 0, home: mockHome(network), problems, deadlineMs: 500 });
  const started = hlr;
  const clients: GsupClient[] = [];
  const client = async (visited: string, domain: 'CS' | 'PS', options: { isd?: 'answer' | 'error' | 'ignore'; deadlineMs?: number } = {}) => {
    const made = await GsupClient.connect({ host: '127.0.0.1', port: started.port, name: gsupPeerName(visited, domain), problems, ...options });
    clients.push(made);
    return made;
  };
  t.after(async () => {
    await Promise.all(clients.map((made) => made.close()));
    await started.close();
  });
  return { network, imsi: identity.imsi, keys: network.generator('234-15').keys(identity.imsi), hlr: started, client, problems, lines };
}

const kind = (type: number) => describeType(type)?.kind;

test('SendAuthInfo: vectors verify with the subscriber K/OPc, capped at 5; E-UTRAN sets the AMF separation bit', async (t) => {
  const { imsi, keys, client } = await setup(t);
  const vlr = await client('262-01', 'CS');
  const three = await vlr.sendAuthInfo(imsi, { cnDomain: 'CS', numVectors: 3 });
  assert.equal(kind(three.type), 'result');
  assert.equal(three.authTuples?.length, 3);
  for (const tuple of three.authTuples ?? []) {
    const check = verifyAutn(keys.ki, keys.opc, tuple.rand, tuple.autn as Buffer);
    assert.ok(check.ok, 'AUTN verifies');
    if (check.ok) assert.deepEqual(check.res, tuple.res);
    assert.equal((tuple.autn as Buffer)[6], 0x00);
  }
  assert.equal((await vlr.sendAuthInfo(imsi, { numVectors: 9 })).authTuples?.length, 5);
  const eutran = await vlr.sendAuthInfo(imsi, { numVectors: 1, currentRat: 3 });
  assert.equal((eutran.authTuples?.[0].autn as Buffer)[6], 0x80);
});

test('SendAuthInfo resync: AUTS from the USIM moves the SQN past SQN_MS', async (t) => {
  const { imsi, keys, client, network } = await setup(t);
  const vlr = await client('262-01', 'PS');
  const first = await vlr.sendAuthInfo(imsi, { numVectors: 1 });
  const rand = first.authTuples?.[0].rand as Buffer;
  const sqnMs = 32 * 1000 + 7;
  const sqnBuf = Buffer.alloc(6);
  sqnBuf.writeUIntBE(sqnMs, 0, 6);
  const again = await vlr.sendAuthInfo(imsi, { numVectors: 1, rand, auts: buildAuts(keys.ki, keys.opc, rand, sqnBuf) });
  const check = verifyAutn(keys.ki, keys.opc, again.authTuples?.[0].rand as Buffer, again.authTuples?.[0].autn as Buffer);
  assert.ok(check.ok);
  if (check.ok) assert.ok(check.sqn.readUIntBE(0, 6) > sqnMs, 'the new vector is fresh for the USIM');
  assert.ok((network.store.record(imsi)?.sqn ?? 0) > sqnMs);
  const bad = await vlr.sendAuthInfo(imsi, { numVectors: 1, rand, auts: Buffer.alloc(14) });
  assert.equal(kind(bad.type), 'error');
});

test('UpdateLocation: the profile arrives in InsertSubscriberData before the result; the HLR records the VLR', async (t) => {
  const { imsi, client, network, hlr } = await setup(t);
  const vlr = await client('262-01', 'CS');
  const ul = await vlr.updateLocation(imsi, { cnDomain: 'CS', currentRat: 1 });
  assert.equal(kind(ul.type), 'result');
  assert.equal(vlr.served.get(imsi)?.msisdn, network.store.record(imsi)?.identity.msisdn);
  assert.equal(hlr.servingNode(imsi, 'CS'), vlr.name);
  assert.equal(network.store.record(imsi)?.location?.node.plmn, '262-01');
  const sgsn = await client('262-01', 'PS');
  assert.equal(kind((await sgsn.updateLocation(imsi, { cnDomain: 'PS' })).type), 'result');
  assert.deepEqual(sgsn.served.get(imsi)?.pdpInfo, [{ contextId: 1, apn: '*' }]);
});

test('a second UpdateLocation from another VLR cancels the first (LocationCancel), unlike osmo-hlr 1.5', async (t) => {
  const { imsi, client } = await setup(t);
  const first = await client('262-01', 'CS');
  const second = await client('208-01', 'CS');
  await first.updateLocation(imsi, { cnDomain: 'CS' });
  assert.equal(kind((await second.updateLocation(imsi, { cnDomain: 'CS' })).type), 'result');
  assert.equal(first.pushes.LocationCancel, 1);
  assert.equal(first.served.has(imsi), false, 'the old VLR forgot the subscriber');
  assert.equal(second.pushes.LocationCancel, 0);
});

test('refusals as GMM causes: unknown 2, no agreement 11, RAT not covered 13, barred 11 on CS and 7 on PS', async (t) => {
  const { imsi, client, network } = await setup(t);
  const vlr = await client('262-01', 'CS');
  const unknown = await vlr.sendAuthInfo('234159900999999', {});
  assert.deepEqual([kind(unknown.type), unknown.cause], ['error', 2]);
  assert.equal((await vlr.updateLocation('234159900999999', { cnDomain: 'CS' })).cause, 2);
  assert.equal((await vlr.purgeMs('234159900999999', 'CS')).cause, 2);
  assert.equal((await (await client('214-07', 'CS')).updateLocation(imsi, { cnDomain: 'CS' })).cause, 11);
  assert.equal((await (await client('310-260', 'CS')).updateLocation(imsi, { cnDomain: 'CS', currentRat: 1 })).cause, 13);
  (network.store.record(imsi) as { barred: boolean }).barred = true;
  assert.equal((await vlr.updateLocation(imsi, { cnDomain: 'CS' })).cause, 11);
  assert.equal((await (await client('262-01', 'PS')).updateLocation(imsi, { cnDomain: 'PS' })).cause, 7);
  assert.equal(kind((await vlr.sendAuthInfo(imsi, {})).type), 'result', 'SendAuthInfo is not barred');
});

test('PurgeMS clears the location held for that VLR; an ISD answered with an error fails the UL with 17', async (t) => {
  const { imsi, client, network } = await setup(t);
  const vlr = await client('262-01', 'CS');
  await vlr.updateLocation(imsi, { cnDomain: 'CS' });
  const purge = await vlr.purgeMs(imsi, 'CS');
  assert.deepEqual([kind(purge.type), purge.freezePtmsi], ['result', true]);
  assert.equal(network.store.record(imsi)?.location, undefined);
  const refusing = await client('208-01', 'CS', { isd: 'error' });
  assert.equal((await refusing.updateLocation(imsi, { cnDomain: 'CS' })).cause, 17);
});

test('an ISD the VLR never answers: the HLR gives up at its deadline and the UL fails with 17, no hang', async (t) => {
  const { imsi, client, problems } = await setup(t);
  const silent = await client('262-01', 'CS', { isd: 'ignore', deadlineMs: 3000 });
  const ul = await silent.updateLocation(imsi, { cnDomain: 'CS' });
  assert.equal(ul.cause, 17);
  assert.equal(problems.count('no-answer'), 1);
});

test('a request past its deadline rejects with GsupTimeout naming the peer and procedure', async (t) => {
  const { imsi, client } = await setup(t);
  const silent = await client('262-01', 'CS', { isd: 'ignore', deadlineMs: 100 });
  await assert.rejects(silent.updateLocation(imsi, { cnDomain: 'CS' }), (error: unknown) => error instanceof GsupTimeout && /did not answer UpdateLocation within 100 ms/.test(String(error)));
});

test('serving-node names fit osmo-hlr (31 characters) and declare the visited PLMN', () => {
  const name = gsupPeerName('310-260', 'PS');
  assert.ok(name.length <= 31, name);
  assert.notEqual(name, gsupPeerName('310-260', 'PS'), 'unique per connection');
  assert.equal(visitedPlmnOf(name), '310-260');
  assert.equal(visitedPlmnOf('MSC-00-00-00-00-00-00'), undefined);
});

test('fuzz (bounded, seeded): 300 mutated requests at the GSUP HLR never crash it; it still serves the subscriber', async (t) => {
  const { imsi, client } = await setup(t);
  const vlr = await client('262-01', 'CS', { deadlineMs: 3000 });
  const random = new SeededRandom(1313, 3);
  const seeds = [
    encodeGsup({ type: GSUP_REQUEST.UpdateLocation, imsi, cnDomain: 'CS', currentRat: 1 }),
    encodeGsup({ type: GSUP_REQUEST.SendAuthInfo, imsi, numVectors: 3, rand: Buffer.alloc(16, 1), auts: Buffer.alloc(14, 2) }),
    encodeGsup({ type: GSUP_REQUEST.PurgeMS, imsi, cnDomain: 'PS' }),
    encodeGsup({ type: GSUP_REQUEST.CheckIMEI, imsi, imei: '35693803564380' }),
    encodeGsup({ type: 0x0b, imsi }),
  ];
  for (let i = 0; i < 300; i++) {
    const body = Buffer.from(seeds[random.int(seeds.length)]);
    for (let flips = random.int(4); flips > 0; flips--) body[1 + random.int(body.length - 1)] = random.int(256);
    vlr.endpoint.sendRaw(encodeOsmo(IPA_OSMO_EXT.GSUP, random.int(5) === 0 ? body.subarray(0, random.int(body.length)) : body));
  }
  const answer = await vlr.sendAuthInfo(imsi, { numVectors: 1 });
  assert.ok(answer.type === 0x0a || answer.type === 0x09, `an answer to the last request: type 0x${answer.type.toString(16)}`);
  assert.equal(kind((await vlr.updateLocation(imsi, { cnDomain: 'CS' })).type), 'result');
});
