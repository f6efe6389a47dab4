import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ElementContext } from '../../mocks/context';
import { MockNetwork } from '../../mocks/network';
import { loadConfig } from '../../src/config/load';
import { mapError } from '../../src/protocol/codes';
import { nasMessages } from '../../src/protocol/nas';
import { encodeImsi, encodeLai, encodeMmeName, imsiDetachIndication, locationUpdateReject, locationUpdateRequest, mmeName } from '../../src/protocol/sgsap';
import { nodeRef } from '../../src/roaming/addresses';
import { SimulatedClock } from '../../src/roaming/clock';
import { RoamingEngine } from '../../src/roaming/engine';
import { EventBus, type SignallingEvent } from '../../src/roaming/events';
import { expectSgsMessage, sgsMessages } from '../../src/expectations/sgs';

// SGs (TS 29.118) between the MME and the VLR of one visited PLMN: the encoders, and what a combined attach
// and the two kinds of detach leave in the VLR/MME and in the HLR/HSS.
const config = loadConfig({ announce: () => undefined });

function scenario() {
  const clock = new SimulatedClock(Date.UTC(2026, 11, 7, 12));
  const bus = new EventBus();
  const events: SignallingEvent[] = [];
  bus.onSignalling((event) => events.push(event));
  const network = new MockNetwork({ config, seed: 29118, clock, bus, scenario: 'sgs' });
  const engine = new RoamingEngine({ link: network.link, store: network.store, bus, clock, scenario: 'sgs' });
  const identity = network.generator('234-15').identity(3, 'postpaid');
  network.store.add(identity);
  const procedures = (...names: string[]) => events.filter((event) => names.includes(event.procedure));
  return { network, engine, events, imsi: identity.imsi, procedures };
}

test('SGsAP IEs: IMSI as a TS 24.008 mobile identity, the LAI, and the 55-octet MME name of TS 23.003', () => {
  // 15 digits, odd: first digit in the high nibble of octet 1 with the odd flag and type 1 (IMSI).
  assert.equal(encodeImsi('234150123456789').toString('hex'), '0108' + '29' + '43' + '51' + '10' + '32' + '54' + '76' + '98');
  assert.equal(encodeImsi('26201123456').toString('hex'), '0106' + '29' + '26' + '10' + '21' + '43' + '65');
  assert.equal(encodeLai({ plmn: '208-01', lac: 0x1234 }).toString('hex'), '0405' + '02f810' + '1234');
  const name = encodeMmeName(mmeName('310-260'));
  assert.deepEqual([name[0], name[1], name.length], [0x09, 55, 57]);
  assert.equal(name.subarray(2, 9).toString('latin1'), '\x06mmec01');
  assert.throws(() => encodeImsi('12345'), /6 to 15 digits/);
  assert.throws(() => encodeLai({ plmn: '208-01', lac: 0x10000 }), /16-bit/);
});

test('SGsAP messages: message type first, then the mandatory IEs in the order of TS 29.118 §8', () => {
  const request = locationUpdateRequest({ imsi: '234150123456789', mmeName: mmeName('208-01'), type: 'imsi-attach', newLai: { plmn: '208-01', lac: 1 } });
  const ieis: number[] = [];
  for (let i = 1; i < request.length; i += 2 + request[i + 1]) ieis.push(request[i]);
  assert.equal(request[0], 0x09);
  assert.deepEqual(ieis, [0x01, 0x09, 0x0a, 0x04]);
  assert.deepEqual([...locationUpdateReject({ imsi: '234150123456789', rejectCause: 11 }).subarray(11)], [0x0f, 1, 11]);
  assert.deepEqual([...imsiDetachIndication({ imsi: '234150123456789', mmeName: mmeName('208-01'), type: 'combined-ue-initiated' }).subarray(-3)], [0x11, 1, 2]);
});

test('a combined attach: LOCATION-UPDATE-REQUEST from the MME, the VLR\'s UpdateLocation inside it, ACCEPT; the HLR has the VLR, the HSS the MME', async () => {
  const { network, engine, events, imsi, procedures } = scenario();
  assert.equal((await engine.attach(imsi, '208-01', 'LTE', true)).outcome, 'accepted');
  const [lu] = procedures('SGsAP-Location-Update');
  assert.ok(lu, 'an SGs location update');
  assert.deepEqual([lu.protocol, lu.from, lu.to, lu.outcome.status], ['SGsAP', nodeRef('MME', '208-01'), nodeRef('VLR', '208-01'), 'ok']);
  assert.equal(lu.request.epsLocationUpdateType, 'imsi-attach');
  const ul = procedures('UpdateLocation');
  assert.equal(ul.length, 1);
  assert.equal(ul[0].parentId, lu.id, 'the VLR\'s UpdateLocation runs inside the SGs exchange');
  assert.ok(ul[0].startTick > lu.startTick && ul[0].endTick < lu.endTick);
  const record = network.store.record(imsi);
  assert.deepEqual([record?.location?.node.kind, record?.parallel?.node.kind], ['VLR', 'MME']);
  assert.deepEqual(sgsMessages(events, imsi, '208-01'), ['SGsAP-LOCATION-UPDATE-REQUEST', 'SGsAP-LOCATION-UPDATE-ACCEPT']);
});

test('a combined detach: Detach Request (combined EPS/IMSI), IMSI-DETACH-INDICATION, the VLR\'s PurgeMS, Purge-UE; no location is left', async () => {
  const { network, engine, events, imsi, procedures } = scenario();
  await engine.attach(imsi, '208-01', 'LTE', true);
  await engine.detach(imsi);
  const [detach] = procedures('Detach');
  assert.equal(detach.request.combined, true);
  assert.equal(nasMessages('Detach', 'LTE', detach.request, undefined).request, 'Detach Request (combined EPS/IMSI)');
  const [indication] = procedures('SGsAP-IMSI-Detach');
  assert.equal(indication.request.detachType, 'combined-ue-initiated');
  const [purge] = procedures('PurgeMS');
  assert.equal(purge.parentId, indication.id);
  assert.equal(procedures('Purge-UE').length, 1);
  assert.equal(procedures('SGsAP-EPS-Detach').length, 0);
  const record = network.store.record(imsi);
  assert.equal(record?.location, undefined);
  assert.equal(record?.parallel, undefined);
  assert.equal(network.vlrMme('208-01').record(imsi), undefined);
  expectSgsMessage(events, imsi, '208-01', 'SGsAP-IMSI-DETACH-ACK');
  assert.throws(() => expectSgsMessage(events, imsi, '208-01', 'SGsAP-EPS-DETACH-INDICATION'), /the messages were: SGsAP-LOCATION-UPDATE-REQUEST, .*SGsAP-IMSI-DETACH-ACK/);
  assert.throws(() => expectSgsMessage(events, imsi, '208-01', 'IMSI detach'), /not an SGsAP message name/);
});

test('an EPS-only detach of a combined-attached UE: EPS-DETACH-INDICATION, the CS registration stays with the VLR and the HLR', async () => {
  const { network, engine, imsi, procedures } = scenario();
  await engine.attach(imsi, '208-01', 'LTE', true);
  const answer = await network.vlrMme('208-01').detach({ imsi });
  assert.deepEqual(answer, { result: { detached: true, purged: true } });
  assert.equal(procedures('SGsAP-EPS-Detach')[0]?.request.detachType, 'ue-initiated');
  assert.equal(procedures('SGsAP-IMSI-Detach').length, 0);
  assert.equal(procedures('PurgeMS').length, 0);
  const record = network.store.record(imsi);
  assert.deepEqual([record?.location?.node.kind, record?.parallel], ['VLR', undefined]);
  assert.equal(network.vlrMme('208-01').record(imsi)?.node.kind, 'VLR');
});

test('an HLR refusal of the SGs registration: LOCATION-UPDATE-REJECT with the MM cause, the EPS attach stays accepted', async () => {
  const { network, engine, events, imsi, procedures } = scenario();
  network.faults.add(['UpdateLocation'], { kind: 'error', error: mapError('roamingNotAllowed', 'plmnRoamingNotAllowed') });
  assert.equal((await engine.attach(imsi, '208-01', 'LTE', true)).outcome, 'accepted');
  const [lu] = procedures('SGsAP-Location-Update');
  assert.equal(lu.outcome.status, 'error');
  assert.equal(lu.outcome.status === 'error' ? lu.outcome.detail?.rejectCause : undefined, 11);
  assert.deepEqual(sgsMessages(events, imsi, '208-01'), ['SGsAP-LOCATION-UPDATE-REQUEST', 'SGsAP-LOCATION-UPDATE-REJECT #11']);
  expectSgsMessage(events, imsi, '208-01', 'SGsAP-LOCATION-UPDATE-REJECT');
  assert.equal(network.store.record(imsi)?.location?.node.kind, 'MME');
  // No SGs association: the detach that follows is the MME's alone.
  await engine.detach(imsi);
  assert.equal(procedures('SGsAP-IMSI-Detach').length, 0);
  assert.equal(network.store.record(imsi)?.location, undefined);
});

test('a combined tracking area update from another MME is a normal location update on SGs; the new VLR\'s registration cancels the old one', async () => {
  const { engine, imsi, procedures } = scenario();
  await engine.attach(imsi, '262-01', 'LTE', true);
  assert.equal((await engine.move(imsi, '208-01', 'LTE', true)).outcome, 'accepted');
  assert.deepEqual(procedures('SGsAP-Location-Update').map((event) => [event.visitedPlmn, event.request.epsLocationUpdateType]), [['262-01', 'imsi-attach'], ['208-01', 'normal']]);
  assert.deepEqual(procedures('CancelLocation').map((event) => event.to), [nodeRef('VLR', '262-01')]);
});

test('an SGs location update for an IMSI no configured network owns is rejected with MM #2, not sent anywhere', async () => {
  const { network, procedures } = scenario();
  const answer = await network.vlrMme('208-01').sgsLocationUpdate({ imsi: '999990123456789', mmeName: mmeName('208-01'), newLai: { plmn: '208-01', lac: 1 } }, new ElementContext(network.link.clock, network.link.clock.now() + 1000, 1));
  assert.deepEqual(answer, { error: mapError('unknownSubscriber'), rejectCause: 2 });
  assert.equal(procedures('UpdateLocation').length, 0);
});
