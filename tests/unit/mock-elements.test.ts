import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Dispatched } from '../../mocks/network';
import { mapError } from '../../src/protocol/codes';
import { deriveKasme, gsmFromUmts, milenage, verifyAutn } from '../../src/protocol/milenage';
import { encodePlmnId, parsePlmn } from '../../src/protocol/plmn';
import { nodeRef } from '../../src/roaming/addresses';
import { directScenario, resultOf, testConfig } from './test-config';

const LINK_MS = 10;
const PROCESSING_MS = 3;
const START = 1_700_000_000_000;

const config = testConfig({ prefix: 'roamsim-elements', agreements: { '262-01': ['GSM', 'UMTS', 'LTE'], '208-01': ['GSM', 'UMTS', 'LTE'] }, linkLatencyMs: LINK_MS, processingMs: PROCESSING_MS });

function scenario() {
  const direct = directScenario(config, { start: START });
  return { ...direct, hlr: (operation: string) => direct.route('hlr-hss', '234-15', operation) };
}

const hex = (text: string) => Buffer.from(text, 'hex');

test('SendAuthenticationInfo for GERAN returns quintuplets (a USIM subscriber, a v3 VLR) that convert to the GSM-Milenage SRES and Kc', async () => {
  const { network, imsi, keys, meta, hlr } = scenario();
  const answer = await network.dispatch(hlr('map/send-authentication-info'), { imsi, numberOfRequestedVectors: 3, rat: 'GSM' }, meta());
  const { quintuplets } = resultOf<{ quintuplets: Array<{ rand: string; xres: string; ck: string; ik: string }> }>(answer);
  assert.equal(quintuplets.length, 3);
  assert.equal(new Set(quintuplets.map((t) => t.rand)).size, 3, 'a fresh RAND per vector');
  for (const q of quintuplets) {
    assert.match(q.rand, /^[0-9a-f]{32}$/);
    const out = milenage({ k: keys.ki, opc: keys.opc, rand: hex(q.rand), sqn: Buffer.alloc(6), amf: Buffer.alloc(2) });
    const gsm = gsmFromUmts(out.res, out.ck, out.ik);
    const converted = gsmFromUmts(hex(q.xres), hex(q.ck), hex(q.ik));
    assert.equal(converted.sres.toString('hex'), gsm.sres.toString('hex'));
    assert.equal(converted.kc.toString('hex'), gsm.kc.toString('hex'));
  }
});

test('SendAuthenticationInfo for UTRAN returns quintuplets that verify against Milenage, SQN stepping by 32', async () => {
  const { network, imsi, keys, meta, hlr } = scenario();
  const fetch = async () => {
    const answer = await network.dispatch(hlr('map/send-authentication-info'), { imsi, numberOfRequestedVectors: 2, rat: 'UMTS' }, meta());
    return resultOf<{ quintuplets: Array<Record<string, string>> }>(answer).quintuplets;
  };
  const sqns: number[] = [];
  for (const quintuplet of [...(await fetch()), ...(await fetch())]) {
    const autn = hex(quintuplet.autn);
    assert.equal(autn.subarray(6, 8).toString('hex'), '0000', 'UTRAN AMF with the separation bit clear');
    const check = verifyAutn(keys.ki, keys.opc, hex(quintuplet.rand), autn);
    assert.ok(check.ok, 'the USIM accepts the AUTN');
    assert.equal(quintuplet.xres, check.res.toString('hex'));
    assert.equal(quintuplet.ck, check.ck.toString('hex'));
    assert.equal(quintuplet.ik, check.ik.toString('hex'));
    sqns.push(check.sqn.readUIntBE(0, 6));
  }
  assert.deepEqual(sqns, [32, 64, 96, 128]);
});

test('Authentication-Information returns E-UTRAN vectors with the AMF separation bit and a KASME bound to the visited PLMN', async () => {
  const { network, imsi, keys, meta, hlr } = scenario();
  const answer = await network.dispatch(hlr('s6a/authentication-information'), { userName: imsi, visitedPlmnId: '262-01', numberOfRequestedVectors: 1 }, meta());
  const [vector] = resultOf<{ eutranVectors: Array<Record<string, string>> }>(answer).eutranVectors;
  const autn = hex(vector.autn);
  assert.equal(autn[6] & 0x80, 0x80, 'AMF separation bit set');
  const check = verifyAutn(keys.ki, keys.opc, hex(vector.rand), autn);
  assert.ok(check.ok, 'the USIM accepts the AUTN');
  assert.equal(vector.xres, check.res.toString('hex'));
  const kasme = deriveKasme(check.ck, check.ik, encodePlmnId(parsePlmn('262-01')), autn.subarray(0, 6));
  assert.equal(vector.kasme, kasme.toString('hex'));
  assert.notEqual(vector.kasme, deriveKasme(check.ck, check.ik, encodePlmnId(parsePlmn('208-01')), autn.subarray(0, 6)).toString('hex'));
});

test('a subscriber the home network does not know gets unknownSubscriber on MAP and 5001 on S6a', async () => {
  const { network, imsi, meta, hlr } = scenario();
  network.store.forget(imsi);
  const sai = await network.dispatch(hlr('map/send-authentication-info'), { imsi, numberOfRequestedVectors: 1, rat: 'GSM' }, meta());
  assert.deepEqual(sai, { status: 200, body: { error: { kind: 'map', name: 'unknownSubscriber', code: 1 } } });
  const air = await network.dispatch(hlr('s6a/authentication-information'), { userName: imsi, visitedPlmnId: '262-01', numberOfRequestedVectors: 1 }, meta());
  assert.deepEqual(air, { status: 200, body: { error: { kind: 'diameter-experimental', name: 'DIAMETER_ERROR_USER_UNKNOWN', code: 5001, vendorId: 10415 } } });
});

test('a move to another VLR sends one MAP CancelLocation to the previous VLR, which drops its record', async () => {
  const { network, engine, imsi, procedures } = scenario();
  assert.equal((await engine.attach(imsi, '262-01', 'GSM')).outcome, 'accepted');
  assert.equal((await engine.move(imsi, '208-01', 'UMTS')).outcome, 'accepted');
  const cancels = procedures('CancelLocation', 'Cancel-Location');
  assert.equal(cancels.length, 1);
  const [cancel] = cancels;
  assert.equal(cancel.protocol, 'MAP');
  assert.deepEqual(cancel.from, nodeRef('HLR', '234-15'));
  assert.deepEqual(cancel.to, nodeRef('VLR', '262-01'));
  assert.equal(cancel.request.cancellationType, 'updateProcedure');
  assert.equal(cancel.outcome.status, 'ok');
  assert.equal(network.vlrMme('262-01').record(imsi), undefined);
  assert.equal(network.vlrMme('208-01').record(imsi)?.rat, 'UMTS');
  assert.deepEqual(network.store.record(imsi)?.location?.node, nodeRef('VLR', '208-01'));
});

test('an MME is cancelled by an LTE registration elsewhere (S6a Cancel-Location), not by a VLR registration', async () => {
  const { network, engine, imsi, procedures } = scenario();
  await engine.attach(imsi, '262-01', 'LTE');
  await engine.move(imsi, '208-01', 'GSM');
  assert.deepEqual(procedures('CancelLocation', 'Cancel-Location'), [], 'a CS registration leaves the EPS one in place');
  assert.equal(network.vlrMme('262-01').record(imsi)?.rat, 'LTE');
  assert.deepEqual([network.store.record(imsi)?.location?.node.kind, network.store.record(imsi)?.parallel?.node.kind], ['VLR', 'MME']);
  assert.equal((await engine.move(imsi, '208-01', 'LTE')).outcome, 'accepted');
  const cancels = procedures('CancelLocation', 'Cancel-Location');
  assert.deepEqual(
    cancels.map((c) => [c.protocol, c.procedure, c.from.kind, c.to.kind, c.to.plmn, c.request.cancellationType]),
    [['S6a', 'Cancel-Location', 'HSS', 'MME', '262-01', 'MME_UPDATE_PROCEDURE']],
  );
  assert.equal(network.vlrMme('262-01').record(imsi), undefined);
});

test('re-registering at the same node sends no cancel', async () => {
  const { network, engine, imsi, procedures } = scenario();
  await engine.attach(imsi, '262-01', 'GSM');
  await engine.move(imsi, '262-01', 'UMTS');
  await engine.attach(imsi, '262-01', 'UMTS');
  assert.equal(procedures('UpdateLocation').length, 3);
  assert.deepEqual(procedures('CancelLocation', 'Cancel-Location'), []);
  assert.equal(network.store.record(imsi)?.location?.rat, 'UMTS');
  assert.equal(network.vlrMme('262-01').record(imsi)?.rat, 'UMTS');
});

test('IMSI detach makes the VLR send PurgeMS, and the HLR clears the location', async () => {
  const { network, engine, imsi, procedures } = scenario();
  await engine.attach(imsi, '262-01', 'GSM');
  assert.ok(network.store.record(imsi)?.location);
  await engine.detach(imsi);
  const purges = procedures('PurgeMS');
  assert.equal(purges.length, 1);
  assert.deepEqual([purges[0].from, purges[0].to, purges[0].outcome.status], [nodeRef('VLR', '262-01'), nodeRef('HLR', '234-15'), 'ok']);
  assert.equal(network.store.record(imsi)?.location, undefined);
  assert.equal(network.vlrMme('262-01').record(imsi), undefined);
});

test('EPS detach makes the MME send Purge-UE, and the HSS clears the location', async () => {
  const { network, engine, imsi, procedures } = scenario();
  await engine.attach(imsi, '208-01', 'LTE');
  await engine.detach(imsi);
  assert.equal(procedures('Purge-UE').length, 1);
  assert.equal(network.store.record(imsi)?.location, undefined);
});

test('a purge from a node that is not the one on record leaves the location alone', async () => {
  const { network, engine, imsi, meta, hlr } = scenario();
  await engine.attach(imsi, '262-01', 'GSM');
  const answer = await network.dispatch(hlr('map/purge-ms'), { imsi, vlrNumber: nodeRef('VLR', '208-01').address }, meta());
  assert.deepEqual(resultOf(answer), { freezeTmsi: true });
  assert.deepEqual(network.store.record(imsi)?.location?.node, nodeRef('VLR', '262-01'));
});

test('a malformed body gives a 400 problem naming the field', async () => {
  const { network, imsi, meta, hlr } = scenario();
  const cases: Array<[unknown, string, string]> = [
    [{ imsi: '23415abc', numberOfRequestedVectors: 1, rat: 'GSM' }, 'imsi', 'imsi: "23415abc" is not valid: expected an IMSI (6-15 digits as a string)'],
    [{ imsi, numberOfRequestedVectors: 1 }, 'rat', 'rat: missing: expected one of GSM, UMTS, LTE'],
    [{ imsi, numberOfRequestedVectors: 9, rat: 'GSM' }, 'numberOfRequestedVectors', 'numberOfRequestedVectors: 9 is not valid: expected an integer from 1 to 5'],
    [null, '(body)', '(body): null is not valid: expected a JSON object'],
  ];
  for (const [body, field, detail] of cases) {
    const answer = await network.dispatch(hlr('map/send-authentication-info'), body, meta());
    assert.deepEqual(answer, { status: 400, problem: { type: 'about:blank', title: 'malformed request body', status: 400, detail, field } }, field);
  }
});

test('an unknown operation or a malformed PLMN in the route gives a 404 problem', async () => {
  const { network, imsi, meta } = scenario();
  const unknown = await network.dispatch({ element: 'hlr-hss', plmn: '234-15', operation: 'map/send-routing-info' }, { imsi }, meta());
  assert.equal(unknown.status, 404);
  assert.equal(unknown.status === 404 ? unknown.problem.detail : '', 'hlr-hss has no operation map/send-routing-info');
  const badPlmn = await network.dispatch({ element: 'hlr-hss', plmn: '23415', operation: 'map/purge-ms' }, { imsi, vlrNumber: '4999015200001' }, meta());
  assert.equal(badPlmn.status, 404);
});

test('the event stream has one event per exchange, with latencies on the simulated clock', async () => {
  const { engine, events, clock, imsi, sinkErrors } = scenario();
  await engine.attach(imsi, '262-01', 'GSM');
  const ordered = [...events].sort((a, b) => a.startTick - b.startTick);
  assert.deepEqual(
    ordered.map((event) => `${event.protocol} ${event.procedure} ${event.from.kind}→${event.to.kind}`),
    ['NAS Attach UE→VLR', 'MAP SendAuthenticationInfo VLR→HLR', 'NAS Authentication UE→VLR', 'NAS SecurityModeComplete UE→VLR', 'MAP UpdateLocation VLR→HLR', 'MAP InsertSubscriberData HLR→VLR'],
  );
  assert.equal(new Set(events.map((event) => event.id)).size, events.length, 'one id per exchange');
  for (const event of events) {
    assert.equal(event.attempt, 1);
    assert.equal(event.outcome.status, 'ok');
    assert.equal(event.subscriber.imsi, imsi);
    assert.equal(event.latencyMs, event.endedAt - event.startedAt);
  }
  const latency = Object.fromEntries(events.map((event) => [event.procedure, event.latencyMs]));
  const leaf = 2 * LINK_MS + PROCESSING_MS;
  assert.deepEqual(latency, {
    SendAuthenticationInfo: leaf,
    Attach: leaf + leaf,
    Authentication: leaf,
    InsertSubscriberData: leaf,
    UpdateLocation: leaf + leaf,
    SecurityModeComplete: leaf + 2 * leaf,
  });
  assert.equal(clock.now() - START, latency.Attach + latency.Authentication + latency.SecurityModeComplete);
  const update = events.find((event) => event.procedure === 'UpdateLocation');
  assert.equal(events.find((event) => event.procedure === 'InsertSubscriberData')?.parentId, update?.id);
  assert.deepEqual(sinkErrors, []);
});

test('each retry of a transient failure is its own event, and the exhausted update is dead-lettered', async () => {
  const { network, engine, imsi, procedures } = scenario();
  network.faults.add(['UpdateLocation'], { kind: 'error', error: mapError('systemFailure') });
  const outcome = await engine.attach(imsi, '262-01', 'UMTS');
  assert.equal(outcome.outcome, 'dead-lettered');
  const attempts = procedures('UpdateLocation');
  assert.deepEqual(attempts.map((event) => event.attempt), [1, 2, 3, 4]);
  assert.ok(attempts.every((event) => event.outcome.status === 'error'));
  for (let i = 1; i < attempts.length; i++) assert.ok(attempts[i].startedAt >= attempts[i - 1].endedAt, 'attempts follow one another on the clock');
  assert.equal(outcome.outcome === 'dead-lettered' ? outcome.attempts.length : 0, 4);
});

test('the HLR checks the RATs the VLR reports in vlr-Capability (supportedRatTypes), and refuses when none is covered', async () => {
  const { network, imsi, meta, hlr } = scenario();
  const vlrNumber = '1999260100001';
  const ul = (supportedRatTypes: string[]) =>
    network.dispatch(hlr('map/update-location'), { imsi, mscNumber: vlrNumber, vlrNumber, visitedPlmn: '310-260', rat: 'GSM', supportedRatTypes }, meta());
  network.agreements.set('234-15', '310-260', ['UMTS', 'LTE']);
  const refused = await ul(['GSM']);
  assert.equal(refused.status, 200);
  assert.deepEqual((refused as Extract<Dispatched, { status: 200 }>).body, { error: { kind: 'map', name: 'roamingNotAllowed', code: 8, cause: 'supportedRAT-TypesNotAllowed' } });
  resultOf(await ul(['GSM', 'UMTS']));
  const bad = await network.dispatch(hlr('map/update-location'), { imsi, mscNumber: vlrNumber, vlrNumber, visitedPlmn: '310-260', rat: 'GSM', supportedRatTypes: ['5G'] }, meta());
  assert.equal(bad.status, 400, 'a RAT outside GSM, UMTS, LTE is a malformed body');
});
