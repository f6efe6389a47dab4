import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Dispatched } from '../../mocks/network';
import type { ProtocolError } from '../../src/protocol/codes';
import { buildLadder } from '../../src/capture/ladder';
import { authenticationInformationRequest } from '../../src/protocol/diameter';
import { DiameterProblem, decodeMessage } from '../../src/protocol/diameter-decode';
import { buildAuts, sqnBytes, verifyAutn } from '../../src/protocol/milenage';
import { nasMessages, nasRefusal } from '../../src/protocol/nas';
import { readAuthenticationInformationRequest } from '../../src/protocol/s6a-codec';
import { SQN_AHEAD, putUsimAhead } from '../../src/subscribers/store';
import { directScenario, resultOf, testConfig } from './test-config';

// Resynchronisation after a synch failure (TS 33.102 §6.3.5): the USIM's AUTS, the VLR/MME's second
// SAI/AIR, the AuC's SQN reset (or not, for a MAC-S that fails), one re-challenge per attach.

const config = testConfig({ prefix: 'roamsim-resync', agreements: { '262-01': ['GSM', 'UMTS', 'LTE'] } });

const scenario = () => directScenario(config, { onSinkError: (error) => assert.fail(String(error)) });

const hex = (text: string) => Buffer.from(text, 'hex');

const sqnOf = (keys: { ki: Buffer; opc: Buffer }, vector: { rand: string; autn: string }): number => {
  const check = verifyAutn(keys.ki, keys.opc, hex(vector.rand), hex(vector.autn));
  assert.ok(check.ok, 'the AUTN verifies');
  return check.sqn.readUIntBE(0, 6);
};

test('a valid AUTS resets SQN_HE to SQN_MS: the next SAI and AIR vectors are fresh for the USIM', async () => {
  const { network, imsi, keys, meta, route } = scenario();
  const rand = Buffer.alloc(16, 0x5a);
  const sqnMs = 32_007;
  const auts = buildAuts(keys.ki, keys.opc, rand, sqnBytes(sqnMs)).toString('hex');
  const sai = await network.dispatch(route('hlr-hss', '234-15', 'map/send-authentication-info'), { imsi, numberOfRequestedVectors: 1, rat: 'UMTS', resync: { rand: rand.toString('hex'), auts } }, meta());
  const [quintuplet] = resultOf<{ quintuplets: Array<{ rand: string; autn: string }> }>(sai).quintuplets;
  assert.equal(sqnOf(keys, quintuplet), sqnMs + 32);
  const air = await network.dispatch(route('hlr-hss', '234-15', 's6a/authentication-information'), { userName: imsi, visitedPlmnId: '262-01', numberOfRequestedVectors: 1, resync: { rand: rand.toString('hex'), auts } }, meta());
  const [vector] = resultOf<{ eutranVectors: Array<{ rand: string; autn: string }> }>(air).eutranVectors;
  assert.equal(sqnOf(keys, vector), sqnMs + 64, 'SQN_HE already past SQN_MS stays where it is');
});

test('an AUTS whose MAC-S fails resets nothing: the HLR/HSS still answers vectors (TS 33.102 §6.3.5 step 6), not an error', async () => {
  const { network, imsi, keys, meta, route } = scenario();
  const rand = Buffer.alloc(16, 0x5a);
  const forged = buildAuts(keys.ki, keys.opc, rand, sqnBytes(32_007));
  forged[13] ^= 0x01; // MAC-S no longer verifies
  const resync = { rand: rand.toString('hex'), auts: forged.toString('hex') };
  const sai = await network.dispatch(route('hlr-hss', '234-15', 'map/send-authentication-info'), { imsi, numberOfRequestedVectors: 1, rat: 'UMTS', resync }, meta());
  const [quintuplet] = resultOf<{ quintuplets: Array<{ rand: string; autn: string }> }>(sai).quintuplets;
  assert.equal(sqnOf(keys, quintuplet), 32, 'SQN_HE was not reset to the forged SQN_MS');
  const air = await network.dispatch(route('hlr-hss', '234-15', 's6a/authentication-information'), { userName: imsi, visitedPlmnId: '262-01', numberOfRequestedVectors: 1, resync }, meta());
  assert.equal(sqnOf(keys, resultOf<{ eutranVectors: Array<{ rand: string; autn: string }> }>(air).eutranVectors[0]), 64);
  assert.equal(network.store.record(imsi)?.sqn, 64);
});

test('a malformed resync in a SAI body is a 400 problem naming the field', async () => {
  const { network, imsi, meta, route } = scenario();
  const answer = await network.dispatch(route('hlr-hss', '234-15', 'map/send-authentication-info'), { imsi, numberOfRequestedVectors: 1, rat: 'UMTS', resync: { rand: '00'.repeat(16), auts: '00'.repeat(13) } }, meta());
  assert.equal(answer.status, 400);
  assert.equal(answer.status === 400 ? answer.problem.field : '', 'resync.auts');
});

for (const rat of ['UMTS', 'LTE'] as const) {
  test(`${rat}: a USIM ahead of the AuC sends AUTS, the network resynchronises once and the attach is accepted`, async () => {
    const { network, engine, imsi, events, procedures } = scenario();
    putUsimAhead(network.store, imsi);
    const sqnMs = network.store.sim(imsi)?.sqnMs ?? 0;
    assert.equal(sqnMs, SQN_AHEAD);
    assert.equal((await engine.attach(imsi, '262-01', rat)).outcome, 'accepted');
    const fetches = procedures(rat === 'LTE' ? 'Authentication-Information' : 'SendAuthenticationInfo');
    assert.equal(fetches.length, 2);
    assert.equal('resync' in fetches[0].request, false);
    const resync = fetches[1].request.resync as { rand: string; auts: string };
    const [attach] = procedures('Attach');
    assert.equal(attach.outcome.status, 'ok');
    assert.equal(resync.rand, attach.outcome.status === 'ok' ? attach.outcome.response.rand : undefined, 'the RAND of the refused challenge');
    const auths = procedures('Authentication');
    assert.equal(auths.length, 2);
    assert.deepEqual([auths[0].request.failure, auths[0].request.auts], ['synchFailure', resync.auts]);
    assert.match(String(auths[0].request.auts), /^[0-9a-f]{28}$/);
    assert.deepEqual(nasMessages('Authentication', rat, auths[0].request, undefined), { request: 'Authentication Failure #21', answer: 'Authentication Request' });
    assert.equal(nasMessages('Authentication', rat, auths[1].request, undefined).request, 'Authentication Response');
    // The AuC recovered SQN_MS from the AUTS: its SQN is now just past the USIM's.
    assert.equal(network.store.record(imsi)?.sqn, sqnMs + 32);
    assert.equal(network.store.sim(imsi)?.sqnMs, sqnMs + 32);
    // The ladder reads as 3GPP writes it: the failure, the resync fetch, the new challenge, the response.
    const fetch = rat === 'LTE' ? 'Authentication-Information' : 'SendAuthenticationInfo';
    const texts = buildLadder(events).rows.map((row) => row.text);
    const failureAt = texts.indexOf('Authentication Failure #21');
    assert.ok(failureAt >= 0, texts.join(' | '));
    assert.deepEqual(texts.slice(failureAt, failureAt + 5).map((t) => t.replace(/ \(\d+ ms\)$/, '').replace(/ result$|-Answer 2001$/, '')), ['Authentication Failure #21', fetch, fetch, 'Authentication Request', 'Authentication Response']);
  });
}

test('GSM: RAND only, no SQN check, no resynchronisation', async () => {
  const { network, engine, imsi, procedures } = scenario();
  putUsimAhead(network.store, imsi);
  assert.equal((await engine.attach(imsi, '262-01', 'GSM')).outcome, 'accepted');
  assert.equal(procedures('SendAuthenticationInfo').length, 1);
});

test('a second synch failure in the same attach is refused with #21, no second resynchronisation', async () => {
  const { network, imsi, keys, meta, route, procedures } = scenario();
  const vlr = (operation: string) => route('vlr-mme', '262-01', operation);
  const first = resultOf<{ rand: string; autn: string }>(await network.dispatch(vlr('ue/attach'), { imsi, homePlmn: '234-15', rat: 'UMTS' }, meta()));
  // A forged AUTS: the AuC resets nothing and the new challenge is as stale to this USIM as the first.
  const usimSqn = 32_000;
  const forged = buildAuts(keys.ki, keys.opc, hex(first.rand), sqnBytes(usimSqn));
  forged[13] ^= 0x01;
  const again = resultOf<{ rand: string; autn: string }>(await network.dispatch(vlr('ue/authentication'), { imsi, failure: 'synchFailure', auts: forged.toString('hex') }, meta()));
  assert.notEqual(again.rand, first.rand);
  assert.ok(sqnOf(keys, again) <= usimSqn, 'the USIM refuses this one too');
  const auts = buildAuts(keys.ki, keys.opc, hex(again.rand), sqnBytes(usimSqn)).toString('hex');
  const refused = await network.dispatch(vlr('ue/authentication'), { imsi, failure: 'synchFailure', auts }, meta());
  assert.equal(refused.status, 200);
  const body = (refused as Extract<Dispatched, { status: 200 }>).body;
  assert.ok('error' in body, 'the second synch failure is a refusal');
  const refusal = nasRefusal(body.error as ProtocolError, 'UMTS');
  assert.equal(refusal.cause?.code, 21);
  assert.equal(procedures('SendAuthenticationInfo').length, 2, 'one resynchronisation per attach');
  assert.equal(procedures('AuthenticationFailureReport').length, 0, 'MAP has no failure cause for a synch failure');
});

test('AIR: Re-Synchronization-Info (1411) inside Requested-EUTRAN-Authentication-Info round-trips; a wrong length is 5014', () => {
  const origin = { host: 'mme.epc.mnc001.mcc262.3gppnetwork.org', realm: 'epc.mnc001.mcc262.3gppnetwork.org' };
  const base = { sessionId: 'mme;1;1', origin, destinationRealm: 'epc.mnc015.mcc234.3gppnetwork.org', hopByHop: 1, endToEnd: 2 };
  const plmn = Buffer.from([0x62, 0xf2, 0x10]);
  const rand = Buffer.alloc(16, 0xa1);
  const auts = Buffer.alloc(14, 0xb2);
  const air = readAuthenticationInformationRequest(decodeMessage(authenticationInformationRequest(base, { userName: '234150000000001', numberOfRequestedVectors: 1, visitedPlmnId: plmn, resync: Buffer.concat([rand, auts]) })));
  assert.deepEqual(air.resync, { rand: rand.toString('hex'), auts: auts.toString('hex') });
  const plain = readAuthenticationInformationRequest(decodeMessage(authenticationInformationRequest(base, { userName: '234150000000001', numberOfRequestedVectors: 1, visitedPlmnId: plmn })));
  assert.equal(plain.resync, undefined);
  const short = decodeMessage(authenticationInformationRequest(base, { userName: '234150000000001', numberOfRequestedVectors: 1, visitedPlmnId: plmn, resync: Buffer.alloc(29) }));
  assert.throws(() => readAuthenticationInformationRequest(short), (error: unknown) => error instanceof DiameterProblem && error.resultCode === 5014);
});
