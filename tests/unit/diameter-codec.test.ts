import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  S6A_CANCELLATION_TYPES,
  authenticationInformationAnswer,
  authenticationInformationRequest,
  cancelLocationAnswer,
  cancelLocationRequest,
  insertSubscriberDataAnswer,
  insertSubscriberDataRequest,
  purgeUeAnswer,
  purgeUeRequest,
  updateLocationAnswer,
  updateLocationRequest,
} from '../../src/protocol/diameter';
import { DiameterProblem, decodeMessage } from '../../src/protocol/diameter-decode';
import { DiameterFramer, FramingError } from '../../src/protocol/diameter-framer';
import { DiameterNode } from '../../src/protocol/diameter-node';
import {
  decodePlmnId,
  knowsS6aAvp,
  readAnswerHead,
  readAuthenticationInformationAnswer,
  readAuthenticationInformationRequest,
  readCancelLocationRequest,
  readInsertSubscriberDataRequest,
  readPurgeUeAnswer,
  readPurgeUeRequest,
  readUpdateLocationAnswer,
  readUpdateLocationRequest,
} from '../../src/protocol/s6a-codec';
import { SeededRandom } from '../../src/subscribers/random';
import { RawClient, rawCer } from './diameter-raw';

const origin = { host: 'mme.epc.mnc001.mcc262.3gppnetwork.org', realm: 'epc.mnc001.mcc262.3gppnetwork.org' };
const hss = { host: 'hss.epc.mnc015.mcc234.3gppnetwork.org', realm: 'epc.mnc015.mcc234.3gppnetwork.org' };
const base = { sessionId: 'mme;1;1', origin, destinationRealm: hss.realm, hopByHop: 0x11, endToEnd: 0x22 };
const answerBase = { sessionId: 'mme;1;1', origin: hss, hopByHop: 0x11, endToEnd: 0x22 };
const plmn = Buffer.from([0x62, 0xf2, 0x10]);

test('the decoder reads back every S6a message the encoder writes', () => {
  const air = readAuthenticationInformationRequest(decodeMessage(authenticationInformationRequest(base, { userName: '234150000000001', numberOfRequestedVectors: 2, visitedPlmnId: plmn })));
  assert.deepEqual([air.userName, air.visitedPlmnId, air.numberOfRequestedVectors, air.hopByHop, air.endToEnd, air.retransmit], ['234150000000001', '262-01', 2, 0x11, 0x22, false]);
  const vector = { rand: Buffer.alloc(16, 1), xres: Buffer.alloc(8, 2), autn: Buffer.alloc(16, 3), kasme: Buffer.alloc(32, 4) };
  const aia = readAuthenticationInformationAnswer(decodeMessage(authenticationInformationAnswer(answerBase, { eutranVectors: [vector, vector] })));
  assert.equal(aia.eutranVectors.length, 2);
  assert.deepEqual(aia.eutranVectors[0], vector);
  assert.deepEqual(aia.result, { resultCode: 2001 });

  const ulr = readUpdateLocationRequest(decodeMessage(updateLocationRequest({ ...base, retransmit: true }, { userName: '234150000000001', ratType: 1004, ulrFlags: 0x22, visitedPlmnId: plmn })));
  assert.deepEqual([ulr.ratType, ulr.ulrFlags, ulr.visitedPlmnId, ulr.retransmit], [1004, 0x22, '262-01', true]);
  const ula = readUpdateLocationAnswer(decodeMessage(updateLocationAnswer(answerBase, { ulaFlags: 1, msisdn: '447700900001' })));
  assert.deepEqual([ula.ulaFlags, ula.subscriptionData?.msisdn, ula.subscriptionData?.subscriberStatus, ula.subscriptionData?.networkAccessMode], [1, '447700900001', 0, 2]);
  const refused = readUpdateLocationAnswer(decodeMessage(updateLocationAnswer({ ...answerBase, result: { experimentalResultCode: 5004 } }, {})));
  assert.deepEqual(refused.result, { experimentalResultCode: 5004, vendorId: 10415 });
  assert.equal(refused.subscriptionData, undefined);
  const busy = readAnswerHead(decodeMessage(updateLocationAnswer({ ...answerBase, result: { resultCode: 3004 } }, {})));
  assert.deepEqual([busy.result, busy.protocolError], [{ resultCode: 3004 }, true]);

  const pur = readPurgeUeRequest(decodeMessage(purgeUeRequest(base, { userName: '234150000000001', purFlags: 1 })));
  assert.equal(pur.purFlags, 1);
  assert.equal(readPurgeUeAnswer(decodeMessage(purgeUeAnswer(answerBase, { puaFlags: 1 }))).puaFlags, 1);

  const clr = readCancelLocationRequest(decodeMessage(cancelLocationRequest({ ...base, origin: hss, destinationRealm: origin.realm, destinationHost: origin.host }, { userName: '234150000000001', cancellationType: S6A_CANCELLATION_TYPES.MME_UPDATE_PROCEDURE, clrFlags: 1 })));
  assert.deepEqual([clr.destinationHost, clr.cancellationType, clr.clrFlags], [origin.host, 0, 1]);
  assert.deepEqual(readAnswerHead(decodeMessage(cancelLocationAnswer(answerBase))).result, { resultCode: 2001 });

  const idr = readInsertSubscriberDataRequest(decodeMessage(insertSubscriberDataRequest({ ...base, origin: hss, destinationRealm: origin.realm, destinationHost: origin.host }, { userName: '234150000000001', msisdn: '447700900001' })));
  assert.equal(idr.subscriptionData.msisdn, '447700900001');
  assert.deepEqual(readAnswerHead(decodeMessage(insertSubscriberDataAnswer(answerBase))).result, { resultCode: 2001 });
});

test('Visited-PLMN-Id decodes 2- and 3-digit MNCs and refuses non-digits', () => {
  assert.equal(decodePlmnId(Buffer.from('00f110', 'hex')), '001-01');
  assert.equal(decodePlmnId(Buffer.from('130062', 'hex')), '310-260');
  assert.equal(decodePlmnId(Buffer.from('aaf110', 'hex')), undefined);
});

test('unknown AVPs are kept and skipped by their length; known AVPs after them still decode', () => {
  const message = authenticationInformationRequest(base, { userName: '234150000000001', numberOfRequestedVectors: 1, visitedPlmnId: plmn });
  // An unknown vendor AVP of odd length (5 bytes of data, 3 of padding) inserted after the header AVPs.
  const odd = Buffer.alloc(20);
  odd.writeUInt32BE(77777, 0);
  odd[4] = 0x80;
  odd.writeUIntBE(17, 5, 3);
  odd.writeUInt32BE(99, 8);
  odd.write('abcde', 12);
  const withOdd = Buffer.concat([message.subarray(0, 20), odd, message.subarray(20)]);
  withOdd.writeUIntBE(withOdd.length, 1, 3);
  const decoded = decodeMessage(withOdd);
  assert.equal(decoded.avps[0]?.code, 77777);
  assert.equal(decoded.avps[0]?.data.toString(), 'abcde');
  assert.equal(readAuthenticationInformationRequest(decoded).userName, '234150000000001');
});

test('the decoder names the problem: header bits 3008, AVP bits 3009, AVP length 5014', () => {
  const good = cancelLocationAnswer(answerBase);
  const rAndE = Buffer.from(good);
  rAndE[4] = 0xa0;
  assert.throws(() => decodeMessage(rAndE), (e: unknown) => e instanceof DiameterProblem && e.resultCode === 3008);
  const reserved = Buffer.from(good);
  reserved[4] = 0x41;
  assert.throws(() => decodeMessage(reserved), (e: unknown) => e instanceof DiameterProblem && e.resultCode === 3008);
  const avpBits = Buffer.from(good);
  avpBits[24] = 0x47;
  assert.throws(() => decodeMessage(avpBits), (e: unknown) => e instanceof DiameterProblem && e.resultCode === 3009);
  const overrun = Buffer.from(good);
  overrun.writeUIntBE(0xffff, 25, 3);
  assert.throws(() => decodeMessage(overrun), (e: unknown) => e instanceof DiameterProblem && e.resultCode === 5014 && e.failedAvp !== undefined);
  const short = Buffer.from(good);
  short.writeUIntBE(4, 25, 3);
  assert.throws(() => decodeMessage(short), (e: unknown) => e instanceof DiameterProblem && e.resultCode === 5014);
});

test('the framer cuts messages split across segments and coalesced in one', () => {
  const a = cancelLocationAnswer(answerBase);
  const b = purgeUeAnswer(answerBase, { puaFlags: 1 });
  const stream = Buffer.concat([a, b, a]);
  for (const cut of [1, 3, 4, 19, 20, 21, a.length - 1, a.length, a.length + 7]) {
    const framer = new DiameterFramer();
    const out = [...framer.push(stream.subarray(0, cut)), ...framer.push(stream.subarray(cut))];
    assert.deepEqual(out, [a, b, a], `cut at ${cut}`);
    assert.equal(framer.pending, 0);
  }
  const byteByByte = new DiameterFramer();
  const out: Buffer[] = [];
  for (const byte of stream) out.push(...byteByByte.push(Buffer.from([byte])));
  assert.equal(out.length, 3);
});

test('the framer gives up for good on a header that is not Diameter', () => {
  const framer = new DiameterFramer();
  const bad = Buffer.from(cancelLocationAnswer(answerBase));
  bad.writeUIntBE(bad.length + 1, 1, 3);
  assert.throws(() => framer.push(bad), FramingError);
  assert.throws(() => framer.push(cancelLocationAnswer(answerBase)), FramingError, 'no resynchronisation');
});

const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

test('fuzz: random and mutated messages for a bounded time never crash or hang the decoder or a node', async () => {
  const random = new SeededRandom(12, 34);
  const seeds = [
    authenticationInformationRequest(base, { userName: '234150000000001', numberOfRequestedVectors: 1, visitedPlmnId: plmn }),
    updateLocationRequest(base, { userName: '234150000000001', ratType: 1004, ulrFlags: 0x22, visitedPlmnId: plmn }),
    purgeUeRequest(base, { userName: '234150000000001', purFlags: 1 }),
    updateLocationAnswer(answerBase, { ulaFlags: 1, msisdn: '447700900001' }),
  ];
  const mutate = (input: Buffer): Buffer => {
    const out = Buffer.from(input);
    const edits = 1 + Math.floor(random.next() * 4);
    for (let i = 0; i < edits; i++) out[Math.floor(random.next() * out.length)] = Math.floor(random.next() * 256);
    return out;
  };
  // 1. The decoder alone: only DiameterProblem may come out.
  const until = Date.now() + 1500;
  let decoded = 0;
  let refused = 0;
  for (let i = 0; Date.now() < until && i < 200_000; i++) {
    const input = i % 5 === 0 ? random.bytes(20 + Math.floor(random.next() * 200)) : mutate(seeds[i % seeds.length] as Buffer);
    try {
      const message = decodeMessage(input);
      decoded++;
      try {
        readAuthenticationInformationRequest(message);
      } catch (error) {
        if (!(error instanceof DiameterProblem) && !(error instanceof Error && error.message.startsWith('expected S6a command'))) throw error;
      }
    } catch (error) {
      if (!(error instanceof DiameterProblem)) throw error;
      refused++;
    }
  }
  assert.ok(decoded > 0 && refused > 0, `both outcomes seen (${decoded} decoded, ${refused} refused)`);

  // 2. A node fed the same over TCP keeps serving: after each burst a fresh client still gets its CEA.
  const node = new DiameterNode({ local: { ...hss, address: '127.0.0.1' }, listen: { host: '127.0.0.1', port: 0 }, knowsAvp: knowsS6aAvp, watchdogMs: 200 });
  node.handle(16777251, 318, (m) => authenticationInformationAnswer({ ...answerBase, hopByHop: m.hopByHop, endToEnd: m.endToEnd }, {}));
  const { port } = await node.start();
  cleanups.push(() => node.close());
  const burstUntil = Date.now() + 1500;
  for (let round = 0; Date.now() < burstUntil && round < 50; round++) {
    const client = await RawClient.open(port as number);
    client.send(rawCer(`fuzz${round}.${origin.realm}`, origin.realm));
    await client.next(1000);
    for (let i = 0; i < 20; i++) client.send(round % 3 === 0 ? random.bytes(1 + Math.floor(random.next() * 64)) : mutate(seeds[i % seeds.length] as Buffer));
    await client.next(50);
    client.close();
  }
  const probe = await RawClient.open(port as number);
  cleanups.push(() => probe.close());
  probe.send(rawCer(`probe.${origin.realm}`, origin.realm));
  const cea = await probe.next(3000);
  assert.ok(cea, 'the node still answers a CER');
  assert.equal(cea.readUInt32BE(20 + 8), 2001);
});
