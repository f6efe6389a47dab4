import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { AVP, S6A_APPLICATION_ID, S6A_COMMANDS, authenticationInformationAnswer, authenticationInformationRequest } from '../../src/protocol/diameter';
import { RESULT } from '../../src/protocol/diameter-decode';
import { DiameterNode } from '../../src/protocol/diameter-node';
import { DiameterRequestFailed } from '../../src/protocol/diameter-peer';
import { knowsS6aAvp, readAnswerHead, readAuthenticationInformationRequest } from '../../src/protocol/s6a-codec';
import { RawClient, avpOf, parseAvps, parseMessage, rawAvp, rawCer, rawMessage, u32Of } from './diameter-raw';

const HSS_REALM = 'epc.mnc015.mcc234.3gppnetwork.org';
const MME_REALM = 'epc.mnc001.mcc262.3gppnetwork.org';
const VECTOR = { rand: Buffer.alloc(16, 1), xres: Buffer.alloc(8, 2), autn: Buffer.alloc(16, 3), kasme: Buffer.alloc(32, 4) };

/** An HSS-like node: answers AIR with one vector, accepts peers of 3gppnetwork.org realms. */
async function hssNode(options: { watchdogMs?: number; silent?: boolean } = {}) {
  const logs: string[] = [];
  const seen: Array<{ retransmit: boolean; endToEnd: number }> = [];
  const node = new DiameterNode({
    local: { host: `hss.${HSS_REALM}`, realm: HSS_REALM, address: '127.0.0.1' },
    listen: { host: '127.0.0.1', port: 0 },
    knowsAvp: knowsS6aAvp,
    acceptPeer: (c) => c.realm.endsWith('.3gppnetwork.org'),
    ...(options.watchdogMs ? { watchdogMs: options.watchdogMs } : {}),
    log: (t) => logs.push(t),
  });
  node.handle(S6A_APPLICATION_ID, S6A_COMMANDS.authenticationInformation, (message) => {
    const air = readAuthenticationInformationRequest(message);
    seen.push({ retransmit: air.retransmit, endToEnd: air.endToEnd });
    if (options.silent) return undefined;
    return authenticationInformationAnswer({ sessionId: air.sessionId, origin: node.local, hopByHop: air.hopByHop, endToEnd: air.endToEnd }, { eutranVectors: [VECTOR] });
  });
  const { port } = await node.start();
  return { node, port: port as number, logs, seen };
}

function mmeNode(port: number, extra: { watchdogMs?: number; reconnect?: { initialMs: number; maxMs: number } } = {}) {
  return new DiameterNode({
    local: { host: `mme.${MME_REALM}`, realm: MME_REALM, address: '127.0.0.1' },
    connectTo: [{ host: `hss.${HSS_REALM}`, realm: HSS_REALM, address: '127.0.0.1', port }],
    knowsAvp: knowsS6aAvp,
    ...extra,
  });
}

function air(node: DiameterNode, endToEnd = node.newEndToEnd()) {
  return authenticationInformationRequest(
    { sessionId: `${node.local.host};1;${endToEnd}`, origin: node.local, destinationRealm: HSS_REALM, hopByHop: 0, endToEnd },
    { userName: '234150000000001', numberOfRequestedVectors: 1, visitedPlmnId: Buffer.from([0x62, 0xf2, 0x10]) },
  );
}

const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function openRaw(port: number, realm = MME_REALM): Promise<RawClient> {
  const client = await RawClient.open(port);
  cleanups.push(() => client.close());
  client.send(rawCer(`raw.${realm}`, realm));
  const cea = await client.next();
  assert.ok(cea, 'a CEA');
  assert.equal(u32Of(avpOf(parseMessage(cea).avps, 268)), 2001);
  return client;
}

function rawAir(hbh: number, extra: Buffer[] = [], flags = 0xc0, app = S6A_APPLICATION_ID, code = 318): Buffer {
  return rawMessage({ flags, code, app, hbh, e2e: hbh }, [
    rawAvp({ code: 263, data: `raw;${hbh}` }),
    rawAvp({ code: 277, data: 1 }),
    rawAvp({ code: 264, data: `raw.${MME_REALM}` }),
    rawAvp({ code: 296, data: MME_REALM }),
    rawAvp({ code: 283, data: HSS_REALM }),
    rawAvp({ code: 1, data: '234150000000001' }),
    rawAvp({ code: 1407, vendor: 10415, data: Buffer.from([0x62, 0xf2, 0x10]) }),
    ...extra,
  ]);
}

test('CER/CEA carry the identity, Host-IP-Address, Vendor-Id, Product-Name, Origin-State-Id and the S6a application', async () => {
  const { node, port } = await hssNode();
  cleanups.push(() => node.close());
  const client = await RawClient.open(port);
  cleanups.push(() => client.close());
  client.send(rawCer(`raw.${MME_REALM}`, MME_REALM));
  const cea = parseMessage((await client.next()) as Buffer);
  assert.equal(cea.code, 257);
  assert.equal(cea.flags, 0, 'a CEA has neither R nor P');
  const codes = cea.avps.map((a) => a.code);
  for (const code of [268, 264, 296, 257, 266, 269, 278, 265, 260]) assert.ok(codes.includes(code), `AVP ${code} in the CEA`);
  assert.equal(u32Of(avpOf(cea.avps, 265)), 10415);
  const vsai = parseAvps((avpOf(cea.avps, 260) as { data: Buffer }).data);
  assert.deepEqual([u32Of(avpOf(vsai, 266)), u32Of(avpOf(vsai, 258))], [10415, 16777251]);
  assert.equal((avpOf(cea.avps, 269) as { flags: number }).flags & 0x40, 0, 'Product-Name has no M bit');
});

test('a CER from an unexpected realm gets CEA 3010 and a closed connection', async () => {
  const { node, port } = await hssNode();
  cleanups.push(() => node.close());
  const client = await RawClient.open(port);
  cleanups.push(() => client.close());
  client.send(rawCer('intruder.example.com', 'example.com'));
  const cea = parseMessage((await client.next()) as Buffer);
  assert.equal(u32Of(avpOf(cea.avps, 268)), RESULT.UNKNOWN_PEER);
  assert.equal(cea.flags & 0x20, 0x20, 'a 3xxx answer has the E bit');
  assert.ok(await client.waitClosed(), 'the connection is closed');
});

test('R and E bits together: 3008 DIAMETER_INVALID_HDR_BITS', async () => {
  const { node, port } = await hssNode();
  cleanups.push(() => node.close());
  const client = await openRaw(port);
  client.send(rawAir(7, [], 0xa0 | 0x40));
  const answer = parseMessage((await client.nextApp()) as Buffer);
  assert.equal(answer.hbh, 7);
  assert.equal(u32Of(avpOf(answer.avps, 268)), RESULT.INVALID_HDR_BITS);
  assert.equal(answer.flags, 0x60, 'E bit, P mirrored, no R');
});

test('reserved AVP flag bits: 3009 DIAMETER_INVALID_AVP_BITS with the AVP in Failed-AVP', async () => {
  const { node, port } = await hssNode();
  cleanups.push(() => node.close());
  const client = await openRaw(port);
  client.send(rawAir(8, [rawAvp({ code: 1408, flags: 0xc0 | 0x01, vendor: 10415, data: [] })]));
  const answer = parseMessage((await client.nextApp()) as Buffer);
  assert.equal(u32Of(avpOf(answer.avps, 268)), RESULT.INVALID_AVP_BITS);
  const failed = parseAvps((avpOf(answer.avps, 279) as { data: Buffer }).data);
  assert.equal(failed[0]?.code, 1408);
});

test('an AVP length overrunning its message: 5014 DIAMETER_INVALID_AVP_LENGTH, and the stream stays in sync', async () => {
  const { node, port } = await hssNode();
  cleanups.push(() => node.close());
  const client = await openRaw(port);
  const bad = rawAir(9, [rawAvp({ code: 1, data: 'x' })]);
  // The last AVP claims 200 bytes; the message length is still right, so framing is intact.
  bad.writeUIntBE(200, bad.length - 12 + 5, 3);
  client.send(bad);
  const answer = parseMessage((await client.nextApp()) as Buffer);
  assert.equal(u32Of(avpOf(answer.avps, 268)), RESULT.INVALID_AVP_LENGTH);
  assert.equal(answer.flags & 0x20, 0, '5xxx answers carry no E bit');
  assert.ok(avpOf(answer.avps, 279), 'Failed-AVP');
  client.send(rawAir(10));
  const next = parseMessage((await client.nextApp()) as Buffer);
  assert.equal(next.hbh, 10);
  assert.equal(u32Of(avpOf(next.avps, 268)), 2001);
});

test('an unknown command code: 3001 DIAMETER_COMMAND_UNSUPPORTED', async () => {
  const { node, port } = await hssNode();
  cleanups.push(() => node.close());
  const client = await openRaw(port);
  client.send(rawAir(11, [], 0xc0, S6A_APPLICATION_ID, 399));
  const answer = parseMessage((await client.nextApp()) as Buffer);
  assert.equal(answer.code, 399);
  assert.equal(u32Of(avpOf(answer.avps, 268)), RESULT.COMMAND_UNSUPPORTED);
});

test('an unknown application id: 3007 DIAMETER_APPLICATION_UNSUPPORTED', async () => {
  const { node, port } = await hssNode();
  cleanups.push(() => node.close());
  const client = await openRaw(port);
  client.send(rawAir(12, [], 0xc0, 16777216));
  const answer = parseMessage((await client.nextApp()) as Buffer);
  assert.equal(answer.app, 16777216);
  assert.equal(u32Of(avpOf(answer.avps, 268)), RESULT.APPLICATION_UNSUPPORTED);
});

test('an unknown AVP with the M bit: 5001 with Failed-AVP; without the M bit it is skipped', async () => {
  const { node, port } = await hssNode();
  cleanups.push(() => node.close());
  const client = await openRaw(port);
  client.send(rawAir(13, [rawAvp({ code: 99999, vendor: 10415, data: 'odd' })]));
  const refused = parseMessage((await client.nextApp()) as Buffer);
  assert.equal(u32Of(avpOf(refused.avps, 268)), RESULT.AVP_UNSUPPORTED);
  const failed = parseAvps((avpOf(refused.avps, 279) as { data: Buffer }).data);
  assert.equal(failed[0]?.code, 99999);
  assert.equal(failed[0]?.data.toString(), 'odd');
  client.send(rawAir(14, [rawAvp({ code: 99999, flags: 0x80, vendor: 10415, data: 'odd' })]));
  const served = parseMessage((await client.nextApp()) as Buffer);
  assert.equal(u32Of(avpOf(served.avps, 268)), 2001);
});

test('a missing required AVP: 5005 naming it in Failed-AVP', async () => {
  const { node, port } = await hssNode();
  cleanups.push(() => node.close());
  const client = await openRaw(port);
  const noUser = rawMessage({ flags: 0xc0, code: 318, app: S6A_APPLICATION_ID, hbh: 15, e2e: 15 }, [
    rawAvp({ code: 263, data: 'raw;15' }),
    rawAvp({ code: 264, data: `raw.${MME_REALM}` }),
    rawAvp({ code: 296, data: MME_REALM }),
    rawAvp({ code: 283, data: HSS_REALM }),
    rawAvp({ code: 1407, vendor: 10415, data: Buffer.from([0x62, 0xf2, 0x10]) }),
  ]);
  client.send(noUser);
  const answer = parseMessage((await client.nextApp()) as Buffer);
  assert.equal(u32Of(avpOf(answer.avps, 268)), RESULT.MISSING_AVP);
  assert.equal(parseAvps((avpOf(answer.avps, 279) as { data: Buffer }).data)[0]?.code, AVP.userName);
});

test('an answer with no matching hop-by-hop id is dropped, the connection stays open', async () => {
  const { node, port, logs } = await hssNode();
  cleanups.push(() => node.close());
  const client = await openRaw(port);
  client.send(rawMessage({ flags: 0x40, code: 317, app: S6A_APPLICATION_ID, hbh: 424242, e2e: 1 }, [rawAvp({ code: 268, data: 2001 })]));
  client.send(rawAir(16));
  const next = parseMessage((await client.nextApp()) as Buffer);
  assert.equal(next.hbh, 16);
  assert.ok(logs.some((l) => l.includes('unknown hop-by-hop id 424242')));
});

for (const [name, mutate] of [
  ['a length not a multiple of 4', (b: Buffer) => b.writeUIntBE(b.length + 2, 1, 3)],
  ['a length below the header', (b: Buffer) => b.writeUIntBE(12, 1, 3)],
  ['version 2', (b: Buffer) => (b[0] = 2)],
  ['a length beyond the limit', (b: Buffer) => b.writeUIntBE(0xfffff0, 1, 3)],
] as const) {
  test(`the stream loses its framing (${name}): DPR, then the connection closes`, async () => {
    const { node, port } = await hssNode();
    cleanups.push(() => node.close());
    const client = await openRaw(port);
    const bad = rawAir(17);
    mutate(bad);
    client.send(bad);
    const dpr = parseMessage((await client.nextApp()) as Buffer);
    assert.equal(dpr.code, 282);
    assert.equal(dpr.flags, 0x80, 'DPR: R only, no P');
    assert.ok(await client.waitClosed(), 'closed');
    // The node goes on serving others.
    const other = await openRaw(port);
    other.send(rawAir(18));
    assert.equal(u32Of(avpOf(parseMessage((await other.nextApp()) as Buffer).avps, 268)), 2001);
  });
}

test('a truncated message then silence: the watchdog closes the connection, no hang', async () => {
  const { node, port } = await hssNode({ watchdogMs: 150 });
  cleanups.push(() => node.close());
  const client = await openRaw(port);
  client.send(rawAir(19).subarray(0, 30));
  // DWR after Tw (not answered by this client), then failover closes.
  let sawDwr = false;
  for (;;) {
    const m = await client.next(2000);
    if (!m) break;
    if (parseMessage(m).code === 280) sawDwr = true;
  }
  assert.ok(sawDwr, 'a DWR went out');
  assert.ok(client.closed, 'the silent peer was dropped');
});

test('MME node ↔ HSS node: CER/CEA, AIR/AIA matched by hop-by-hop, DWR/DWA with P clear, DPR/DPA on close', async () => {
  const { node: hss, port } = await hssNode({ watchdogMs: 100 });
  cleanups.push(() => hss.close());
  const seenFlags: Array<{ code: number; flags: number; dir: string }> = [];
  const mme = new DiameterNode({
    local: { host: `mme.${MME_REALM}`, realm: MME_REALM, address: '127.0.0.1' },
    connectTo: [{ host: `hss.${HSS_REALM}`, realm: HSS_REALM, address: '127.0.0.1', port }],
    knowsAvp: knowsS6aAvp,
    watchdogMs: 100,
    onBytes: (_p, dir, bytes) => seenFlags.push({ code: bytes.readUIntBE(5, 3), flags: bytes[4] as number, dir }),
  });
  await mme.start();
  await mme.waitOpen(`hss.${HSS_REALM}`, 3000);
  const answers = await Promise.all([1, 2, 3].map(() => mme.request(air(mme), { destinationRealm: HSS_REALM, timeoutMs: 3000 })));
  for (const a of answers) assert.equal(readAnswerHead(a).result && 'resultCode' in (readAnswerHead(a).result as object) ? (readAnswerHead(a).result as { resultCode: number }).resultCode : 0, 2001);
  assert.equal(new Set(answers.map((a) => a.hopByHop)).size, 3, 'distinct hop-by-hop ids');
  await new Promise((r) => setTimeout(r, 350));
  const watchdog = seenFlags.filter((f) => f.code === 280);
  assert.ok(watchdog.length >= 2, 'DWR/DWA exchanged while idle');
  assert.ok(watchdog.every((f) => (f.flags & 0x40) === 0), 'no P bit on DWR/DWA');
  await mme.close();
  assert.ok(seenFlags.some((f) => f.code === 282 && f.dir === 'sent' && f.flags === 0x80), 'DPR sent');
  assert.ok(seenFlags.some((f) => f.code === 282 && f.dir === 'received' && f.flags === 0), 'DPA received');
});

test('a silent HSS: the request times out as transient; the retransmission carries T and the same End-to-End id, a first attempt never does', async () => {
  const { node: hss, port, seen } = await hssNode({ silent: true });
  cleanups.push(() => hss.close());
  const mme = mmeNode(port);
  cleanups.push(() => mme.close());
  await mme.start();
  await mme.waitOpen(`hss.${HSS_REALM}`, 3000);
  const message = air(mme);
  await assert.rejects(mme.request(message, { destinationRealm: HSS_REALM, timeoutMs: 100 }), (e: unknown) => e instanceof DiameterRequestFailed && e.kind === 'timeout' && e.transient);
  await assert.rejects(mme.request(message, { destinationRealm: HSS_REALM, timeoutMs: 100, retransmission: true }), DiameterRequestFailed);
  await assert.rejects(mme.request(air(mme), { destinationRealm: HSS_REALM, timeoutMs: 100 }), DiameterRequestFailed);
  assert.equal(seen.length, 3);
  assert.deepEqual(seen.map((s) => s.retransmit), [false, true, false]);
  assert.equal(seen[0]?.endToEnd, seen[1]?.endToEnd, 'same End-to-End id on the retransmission');
  assert.notEqual(seen[1]?.endToEnd, seen[2]?.endToEnd);
});

test('a peer that stops answering DWR is failed over: pending requests fail as transient, then the node reconnects with backoff', async () => {
  // A raw "HSS" that completes CER/CEA, then goes silent on the first connection and behaves on the second.
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    const n = connections;
    let buf = Buffer.alloc(0);
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 20 && buf.length >= buf.readUIntBE(1, 3)) {
        const m = parseMessage(buf.subarray(0, buf.readUIntBE(1, 3)));
        buf = buf.subarray(buf.readUIntBE(1, 3));
        if (m.code === 257) socket.write(rawMessage({ flags: 0, code: 257, app: 0, hbh: m.hbh, e2e: m.e2e }, [rawAvp({ code: 268, data: 2001 }), rawAvp({ code: 264, data: `hss.${HSS_REALM}` }), rawAvp({ code: 296, data: HSS_REALM }), rawAvp({ code: 258, data: 16777251 })]));
        else if (n > 1 && m.code === 280) socket.write(rawMessage({ flags: 0, code: 280, app: 0, hbh: m.hbh, e2e: m.e2e }, [rawAvp({ code: 268, data: 2001 }), rawAvp({ code: 264, data: `hss.${HSS_REALM}` }), rawAvp({ code: 296, data: HSS_REALM })]));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  const mme = mmeNode((server.address() as AddressInfo).port, { watchdogMs: 100, reconnect: { initialMs: 50, maxMs: 400 } });
  cleanups.push(() => mme.close());
  await mme.start();
  await mme.waitOpen(`hss.${HSS_REALM}`, 3000);
  await assert.rejects(mme.request(air(mme), { destinationRealm: HSS_REALM, timeoutMs: 10_000 }), (e: unknown) => e instanceof DiameterRequestFailed && e.kind === 'connection-lost');
  await mme.waitOpen(`hss.${HSS_REALM}`, 3000);
  assert.ok(connections >= 2, 'reconnected');
  // No open peer for an unknown realm: unable to deliver, transient.
  await assert.rejects(mme.request(air(mme), { destinationRealm: 'epc.mnc999.mcc999.3gppnetwork.org', timeoutMs: 100 }), (e: unknown) => e instanceof DiameterRequestFailed && e.kind === 'unable-to-deliver');
});
