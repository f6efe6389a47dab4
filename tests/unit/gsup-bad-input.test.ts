import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Socket, createServer, connect } from 'node:net';
import { once } from 'node:events';
import { GsupClient } from '../../src/gsup/client';
import { GsupTimeout } from '../../src/gsup/endpoint';
import { PeerProblems } from '../../src/gsup/problems';
import { GsupServer } from '../../src/gsup/server';
import { CCM_TAG, IPA_OSMO_EXT, IpaReassembler, encodeIdGet, encodeIdResp, encodeIpa, encodeOsmo } from '../../src/protocol/ipa';
import { GSUP_REQUEST, type GsupMessage, decodeGsup, encodeGsup, resultType } from '../../src/protocol/gsup';
import { SeededRandom } from '../../src/subscribers/random';

const IMSI = '001010123456789';
const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const gsup = (bytes: Buffer) => encodeOsmo(IPA_OSMO_EXT.GSUP, bytes);
const SAI = gsup(encodeGsup({ type: GSUP_REQUEST.SendAuthInfo, imsi: IMSI }));

/** A GSUP server that answers every SendAuthInfo with an empty result, and a raw peer to feed it garbage. */
async function serverWithRawPeer(t: { after: (fn: () => Promise<void> | void) => void }, identityDeadlineMs = 2000) {
  const lines: string[] = [];
  const problems = new PeerProblems((line) => lines.push(line));
  const server = await GsupServer.listen({
    port: 0,
    problems,
    identityDeadlineMs,
    onRequest: (message, peer) => peer.send({ type: resultType('SendAuthInfo'), imsi: message.imsi }),
  });
  const socket = connect({ host: '127.0.0.1', port: server.port });
  const frames = new IpaReassembler();
  const answers: GsupMessage[] = [];
  const waiters: Array<() => void> = [];
  socket.on('data', (chunk: Buffer) => {
    for (const frame of frames.push(chunk)) {
      if (frame.stream === 0xee && frame.payload[0] === IPA_OSMO_EXT.GSUP) answers.push(decodeGsup(frame.payload.subarray(1)));
    }
    waiters.splice(0).forEach((wake) => wake());
  });
  await once(socket, 'connect');
  t.after(async () => {
    socket.destroy();
    await server.close();
  });
  /** Sends a valid SendAuthInfo and waits (bounded) for its answer: the connection survived. */
  const stillServed = async () => {
    const before = answers.length;
    socket.write(SAI);
    const deadline = Date.now() + 3000;
    while (answers.length === before && Date.now() < deadline) await new Promise<void>((resolve) => (waiters.push(resolve), setTimeout(resolve, 50)));
    return answers.length > before;
  };
  const identify = () => socket.write(encodeIdResp(new Map([[CCM_TAG.SERNR, 'garbage-peer'], [CCM_TAG.UNIT, '0/0/0']])));
  return { server, socket, problems, lines, stillServed, identify };
}

/** Exactly one log line for the case, naming the peer. */
function loggedOnce(lines: string[], problem: string, peer = 'garbage-peer') {
  const matching = lines.filter((line) => line.includes(`: ${problem}: `));
  assert.equal(matching.length, 1, `one ${problem} line, got ${JSON.stringify(lines)}`);
  assert.ok(matching[0].startsWith(`GSUP peer ${peer}`), matching[0]);
}

test('server: an OSMO frame cut before its extension octet is logged, counted, and the connection goes on', async (t) => {
  const peer = await serverWithRawPeer(t);
  peer.identify();
  peer.socket.write(encodeIpa(0xee, Buffer.alloc(0)));
  assert.ok(await peer.stillServed());
  assert.equal(peer.problems.count('truncated-frame'), 1);
  loggedOnce(peer.lines, 'truncated-frame');
});

test('server: a connection closed inside a frame is logged as truncated with the peer name', async (t) => {
  const peer = await serverWithRawPeer(t);
  peer.identify();
  assert.ok(await peer.stillServed());
  peer.socket.end(SAI.subarray(0, 7));
  const deadline = Date.now() + 3000;
  while (peer.problems.count('truncated-frame') === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  loggedOnce(peer.lines, 'truncated-frame');
});

test('server: an unknown IPA stream is skipped by its length; the next frame is served', async (t) => {
  const peer = await serverWithRawPeer(t);
  peer.identify();
  peer.socket.write(encodeIpa(0x99, hex('0102030405')));
  assert.ok(await peer.stillServed());
  loggedOnce(peer.lines, 'unknown-stream');
});

test('server: GSUP without an IMSI IE is dropped and logged', async (t) => {
  const peer = await serverWithRawPeer(t);
  peer.identify();
  peer.socket.write(gsup(hex('08 0201 02')));
  assert.ok(await peer.stillServed());
  loggedOnce(peer.lines, 'missing-imsi');
});

test('server: an IE overrunning its message is dropped and logged with where it overran', async (t) => {
  const peer = await serverWithRawPeer(t);
  peer.identify();
  peer.socket.write(gsup(hex('08 0108 000101214365 87f9 0205 01')));
  assert.ok(await peer.stillServed());
  loggedOnce(peer.lines, 'ie-overrun');
  assert.match(peer.lines[0], /claims 5 octets, 1 remain/);
});

test('server: an unknown message type is logged and ignored', async (t) => {
  const peer = await serverWithRawPeer(t);
  peer.identify();
  peer.socket.write(gsup(encodeGsup({ type: 0x7c, imsi: IMSI })));
  assert.ok(await peer.stillServed());
  loggedOnce(peer.lines, 'unknown-message-type');
});

test('server: a peer that never sends ID_RESP is disconnected at the deadline, logged by its address', async (t) => {
  const peer = await serverWithRawPeer(t, 150);
  const closed = once(peer.socket, 'close');
  const timer = setTimeout(() => peer.socket.destroy(), 5000);
  await closed;
  clearTimeout(timer);
  assert.equal(peer.problems.count('no-id-resp'), 1);
  loggedOnce(peer.lines, 'no-id-resp', '127.0.0.1:');
});

test('server: requests before the identity handshake are not answered', async (t) => {
  const peer = await serverWithRawPeer(t);
  peer.socket.write(SAI);
  peer.identify();
  assert.ok(await peer.stillServed());
  assert.equal(peer.problems.count('unexpected-request'), 1);
});

/** A fake HLR: asks for the identity, then lets the test script what it sends. */
async function fakeHlr(t: { after: (fn: () => Promise<void> | void) => void }) {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    socket.write(encodeIdGet([CCM_TAG.UNIT, CCM_TAG.SERNR]));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const lines: string[] = [];
  const problems = new PeerProblems((line) => lines.push(line));
  const client = await GsupClient.connect({ host: '127.0.0.1', port, name: 'roamsim-VLR-262-01-test', problems, deadlineMs: 150 });
  t.after(async () => {
    await client.close();
    sockets.forEach((socket) => socket.destroy());
    await new Promise((resolve) => server.close(resolve));
  });
  return { client, hlrSide: () => sockets[0], problems, lines, peer: `HLR 127.0.0.1:${port}` };
}

test('client: an answer nobody asked for is logged and counted; the client keeps working', async (t) => {
  const hlr = await fakeHlr(t);
  hlr.hlrSide().write(gsup(encodeGsup({ type: resultType('SendAuthInfo'), imsi: IMSI })));
  const pending = hlr.client.sendAuthInfo('001010000000002');
  hlr.hlrSide().write(gsup(encodeGsup({ type: resultType('SendAuthInfo'), imsi: '001010000000002' })));
  assert.equal((await pending).imsi, '001010000000002');
  assert.equal(hlr.problems.count('unsolicited-answer'), 1);
  loggedOnce(hlr.lines, 'unsolicited-answer', hlr.peer);
});

test('client: an HLR that never answers fails the request at its deadline; the late answer is counted, not given to the next request', async (t) => {
  const hlr = await fakeHlr(t);
  await assert.rejects(hlr.client.sendAuthInfo(IMSI), GsupTimeout);
  loggedOnce(hlr.lines, 'no-answer', hlr.peer);
  const next = hlr.client.sendAuthInfo(IMSI);
  // The HLR now answers the first request (late), then the second.
  hlr.hlrSide().write(gsup(encodeGsup({ type: resultType('SendAuthInfo'), imsi: IMSI, cause: 1 })));
  hlr.hlrSide().write(gsup(encodeGsup({ type: resultType('SendAuthInfo'), imsi: IMSI, cause: 2 })));
  assert.equal((await next).cause, 2, 'the second request gets the second answer');
  assert.equal(hlr.client.endpoint.stats.late, 1);
  loggedOnce(hlr.lines, 'late-answer', hlr.peer);
});

test('client: a connect to an address nobody listens on fails naming the address', async () => {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  await assert.rejects(GsupClient.connect({ host: '127.0.0.1', port, name: 'x' }), new RegExp(`GSUP HLR at 127.0.0.1:${port}: cannot connect \\(ECONNREFUSED\\)`));
});

test('fuzz (bounded, seeded): 400 mutated frames on one connection never crash the server, which still answers', async (t) => {
  const peer = await serverWithRawPeer(t);
  peer.identify();
  const random = new SeededRandom(4222, 2);
  const valid = encodeGsup({ type: GSUP_REQUEST.UpdateLocation, imsi: IMSI, cnDomain: 'CS', msisdn: '491700000001' });
  for (let i = 0; i < 400; i++) {
    const body = random.int(3) === 0 ? random.bytes(random.int(30)) : Buffer.from(valid.subarray(0, 1 + random.int(valid.length)));
    for (let flips = random.int(3); flips > 0 && body.length > 0; flips--) body[random.int(body.length)] = random.int(256);
    // Whole frames only: the length prefix is the one thing a peer cannot get wrong without losing sync.
    const stream = [0xee, 0xee, 0xee, 0xfe, random.int(256)][random.int(5)];
    peer.socket.write(stream === 0xee ? gsup(body) : encodeIpa(stream, body));
  }
  assert.ok(await peer.stillServed(), 'the server still answers on the same connection');
  assert.ok(peer.problems.total > 0);
});

test('CCM: a PING is answered with a PONG, before and after the identity handshake', async (t) => {
  const peer = await serverWithRawPeer(t);
  const pongs: number[] = [];
  peer.socket.on('data', (chunk: Buffer) => {
    for (let at = chunk.indexOf(Buffer.from([0x00, 0x01, 0xfe, 0x01])); at >= 0; at = chunk.indexOf(Buffer.from([0x00, 0x01, 0xfe, 0x01]), at + 1)) pongs.push(at);
  });
  peer.socket.write(encodeIpa(0xfe, Buffer.from([0x00])));
  peer.identify();
  peer.socket.write(encodeIpa(0xfe, Buffer.from([0x00])));
  assert.ok(await peer.stillServed());
  assert.equal(pongs.length, 2);
  assert.equal(peer.problems.total, 0);
});
