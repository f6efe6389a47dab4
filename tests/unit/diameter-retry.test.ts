import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { S6A_APPLICATION_ID, S6A_COMMANDS, authenticationInformationAnswer } from '../../src/protocol/diameter';
import { RESULT } from '../../src/protocol/diameter-decode';
import { DiameterNode } from '../../src/protocol/diameter-node';
import { knowsS6aAvp, readAuthenticationInformationRequest } from '../../src/protocol/s6a-codec';
import { type Attempt, attemptOf, exchange, nextAttempt } from '../../mocks/diameter/exchange';

// RFC 6733 §5.5.4 / §7.1.3: T flag and the same End-to-End id only when an attempt may have been lost (no
// answer, lost connection); after an explicit 3002/3004 the retry is a new request, to another peer if any.

const HSS_REALM = 'epc.mnc015.mcc234.3gppnetwork.org';
const MME_REALM = 'epc.mnc001.mcc262.3gppnetwork.org';
const VECTOR = { rand: Buffer.alloc(16, 1), xres: Buffer.alloc(8, 2), autn: Buffer.alloc(16, 3), kasme: Buffer.alloc(32, 4) };
const BODY = { userName: '234150000000001', visitedPlmnId: '262-01', numberOfRequestedVectors: 1 };

type Behaviour = 'silent-once' | 'busy' | 'ok';
interface Seen {
  readonly hss: string;
  readonly retransmit: boolean;
  readonly endToEnd: number;
  readonly sessionId: string;
}

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** An HSS of HSS_REALM named `name` that answers AIR per `behaviour`, recording every AIR into `seen`. */
async function hss(name: string, behaviour: Behaviour, seen: Seen[]) {
  const node = new DiameterNode({
    local: { host: `${name}.${HSS_REALM}`, realm: HSS_REALM, address: '127.0.0.1' },
    listen: { host: '127.0.0.1', port: 0 },
    knowsAvp: knowsS6aAvp,
  });
  let silenced = false;
  node.handle(S6A_APPLICATION_ID, S6A_COMMANDS.authenticationInformation, (message) => {
    const air = readAuthenticationInformationRequest(message);
    seen.push({ hss: name, retransmit: air.retransmit, endToEnd: air.endToEnd, sessionId: air.sessionId });
    if (behaviour === 'silent-once' && !silenced) {
      silenced = true;
      return undefined;
    }
    const base = { sessionId: air.sessionId, origin: node.local, hopByHop: air.hopByHop, endToEnd: air.endToEnd };
    return authenticationInformationAnswer(behaviour === 'busy' ? { ...base, result: { resultCode: RESULT.TOO_BUSY } } : base, { eutranVectors: [VECTOR] });
  });
  const { port } = await node.start();
  cleanups.push(() => node.close());
  return { host: `${name}.${HSS_REALM}`, realm: HSS_REALM, address: '127.0.0.1', port: port as number };
}

async function mme(peers: Array<{ host: string; realm: string; address: string; port: number }>) {
  const node = new DiameterNode({ local: { host: `mme.${MME_REALM}`, realm: MME_REALM, address: '127.0.0.1' }, connectTo: peers, knowsAvp: knowsS6aAvp, acceptPeer: () => false });
  await node.start();
  cleanups.push(() => node.close());
  for (const p of peers) await node.waitOpen(p.host, 5000);
  return node;
}

/** One attempt the way a wire link makes it: the next attempt decided from the previous one's outcome. */
async function attempt(node: DiameterNode, previous: Attempt | undefined, timeoutMs = 5000): Promise<Attempt & { outcome: unknown }> {
  const { retransmitOf, avoid } = nextAttempt(previous);
  const result = await exchange(node, 'authentication-information', BODY, {
    origin: { host: node.local.host, realm: node.local.realm },
    destinationRealm: HSS_REALM,
    timeoutMs,
    avoid,
    ...(retransmitOf ? { retransmitOf } : {}),
  });
  return { ...attemptOf(result, previous), outcome: result.outcome };
}

test('no answer (timeout): the retry is a retransmission with the T flag, the same End-to-End id and Session-Id', async () => {
  const seen: Seen[] = [];
  const node = await mme([await hss('hss1', 'silent-once', seen)]);
  const first = await attempt(node, undefined, 200);
  assert.ok(first.transient && 'noAnswer' in (first.outcome as object), 'the first attempt timed out');
  const second = await attempt(node, first);
  assert.ok('reply' in (second.outcome as object), 'the retransmission was answered');
  assert.deepEqual(seen.map((s) => s.retransmit), [false, true]);
  assert.equal(seen[1]?.endToEnd, seen[0]?.endToEnd, 'same End-to-End id');
  assert.equal(seen[1]?.sessionId, seen[0]?.sessionId, 'same Session-Id');
});

test('3004 DIAMETER_TOO_BUSY from the only peer: the retry is a new request (new End-to-End id, no T flag)', async () => {
  const seen: Seen[] = [];
  const node = await mme([await hss('hss1', 'busy', seen)]);
  const first = await attempt(node, undefined);
  assert.equal(first.transient, false, 'an explicit answer is not a loss');
  assert.deepEqual(first.avoid, [`hss1.${HSS_REALM}`]);
  await attempt(node, first);
  assert.equal(seen.length, 2);
  assert.deepEqual(seen.map((s) => s.retransmit), [false, false], 'no T flag on either');
  assert.notEqual(seen[1]?.endToEnd, seen[0]?.endToEnd, 'a new End-to-End id');
  assert.deepEqual(seen.map((s) => s.hss), ['hss1', 'hss1'], 'the only peer is used again when no other routes the realm');
});

test('3004 DIAMETER_TOO_BUSY with two peers for the realm: the new request goes to the other peer', async () => {
  const seen: Seen[] = [];
  const node = await mme([await hss('hss1', 'busy', seen), await hss('hss2', 'ok', seen)]);
  const first = await attempt(node, undefined);
  assert.equal(seen[0]?.hss, 'hss1', 'the first configured peer of the realm takes the first attempt');
  const second = await attempt(node, first);
  assert.ok('reply' in (second.outcome as object) && 'result' in (second.outcome as { reply: object }).reply, 'the alternate peer answered with success');
  assert.deepEqual(seen.map((s) => s.hss), ['hss1', 'hss2']);
  assert.deepEqual(seen.map((s) => s.retransmit), [false, false]);
  assert.notEqual(seen[1]?.endToEnd, seen[0]?.endToEnd);
  // A later, unrelated request is routed as usual (the avoidance belongs to that one request).
  await attempt(node, undefined);
  assert.equal(seen[2]?.hss, 'hss1');
});
