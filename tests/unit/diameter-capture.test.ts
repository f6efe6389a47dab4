import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scrubDiameter } from '../../src/capture/diameter-scrub';
import { TcpFramer } from '../../src/capture/tcp-framer';
import { authenticationInformationAnswer, updateLocationAnswer, updateLocationRequest } from '../../src/protocol/diameter';
import { decodeMessage } from '../../src/protocol/diameter-decode';
import { readAuthenticationInformationAnswer, readUpdateLocationAnswer, readUpdateLocationRequest } from '../../src/protocol/s6a-codec';

const peer = { host: 'mme.epc.mnc001.mcc262.3gppnetwork.org', realm: 'epc.mnc001.mcc262.3gppnetwork.org' };
const scrubber = { imsi: (imsi: string) => `${imsi.slice(0, 5)}${'7'.repeat(imsi.length - 5)}`, msisdn: (m: string) => `${m.slice(0, 2)}${'8'.repeat(m.length - 2)}` };

test('Diameter bytes are scrubbed in place: IMSI and MSISDN pseudonymised, vectors zeroed, lengths unchanged', () => {
  const ulr = updateLocationRequest({ sessionId: 's;1;1', origin: peer, destinationRealm: 'epc.mnc015.mcc234.3gppnetwork.org', hopByHop: 1, endToEnd: 1 }, { userName: '234150000000042', ratType: 1004, ulrFlags: 0x22, visitedPlmnId: Buffer.from([0x62, 0xf2, 0x10]) });
  const scrubbedUlr = scrubDiameter(ulr, scrubber);
  assert.equal(scrubbedUlr.length, ulr.length);
  assert.equal(readUpdateLocationRequest(decodeMessage(scrubbedUlr)).userName, '234157777777777');
  assert.equal(readUpdateLocationRequest(decodeMessage(ulr)).userName, '234150000000042', 'the input is untouched');

  const ula = updateLocationAnswer({ sessionId: 's;1;1', origin: peer, hopByHop: 1, endToEnd: 1 }, { ulaFlags: 1, msisdn: '447700900042' });
  assert.equal(readUpdateLocationAnswer(decodeMessage(scrubDiameter(ula, scrubber))).subscriptionData?.msisdn, '448888888888');

  const vector = { rand: Buffer.alloc(16, 1), xres: Buffer.alloc(8, 2), autn: Buffer.alloc(16, 3), kasme: Buffer.alloc(32, 4) };
  const aia = readAuthenticationInformationAnswer(decodeMessage(scrubDiameter(authenticationInformationAnswer({ sessionId: 's;1;1', origin: peer, hopByHop: 1, endToEnd: 1 }, { eutranVectors: [vector] }), scrubber)));
  assert.deepEqual(aia.eutranVectors[0], { rand: Buffer.alloc(16), xres: Buffer.alloc(8), autn: Buffer.alloc(16), kasme: Buffer.alloc(32) });
});

test('TCP framing: sequence numbers continue per direction and acknowledge the other side', () => {
  const framer = new TcpFramer();
  const client = { ip: [127, 0, 0, 1] as const, port: 50000 };
  const server = { ip: [127, 0, 0, 1] as const, port: 3868 };
  const [a] = framer.frames(client, server, true, Buffer.alloc(100, 1));
  const [b] = framer.frames(client, server, false, Buffer.alloc(60, 2));
  const [c] = framer.frames(client, server, true, Buffer.alloc(40, 3));
  const seq = (f: Buffer | undefined) => (f as Buffer).readUInt32BE(14 + 20 + 4);
  const ack = (f: Buffer | undefined) => (f as Buffer).readUInt32BE(14 + 20 + 8);
  assert.equal(seq(c), (seq(a) + 100) >>> 0);
  assert.equal(ack(c), (seq(b) + 60) >>> 0);
  assert.equal(ack(b), (seq(a) + 100) >>> 0);
  assert.equal((a as Buffer).readUInt16BE(14 + 20 + 2), 3868);
});
