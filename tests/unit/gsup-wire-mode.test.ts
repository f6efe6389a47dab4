import { test } from 'node:test';
import assert from 'node:assert/strict';
import { elementProviders } from '../../mocks/embedded';
import { MockNetwork } from '../../mocks/network';
import { buildSimulation } from '../../src/simulation/root';
import { loadConfig } from '../../src/config/load';
import { PeerProblems } from '../../src/gsup/problems';
import { WireTransport } from '../../mocks/gsup/wire-transport';
import { SimulatedClock } from '../../src/roaming/clock';
import { RoamingEngine } from '../../src/roaming/engine';
import { EventBus, type SignallingEvent } from '../../src/roaming/events';

const config = loadConfig({ envFile: '/nonexistent', env: { ROAMSIM_KI_SECRET: 'unit-test-secret', ROAMSIM_OP: 'cdc202d5123e20f62b6d676ac72cb318' }, announce: () => undefined });

/** A scenario in wire mode, built as the feature suite builds it (support/world.ts + support/wire-hook.ts). */
async function wireScenario(t: { after: (fn: () => Promise<void>) => void }) {
  const clock = new SimulatedClock(1_700_000_000_000);
  const bus = new EventBus((error) => assert.fail(String(error)));
  const events: SignallingEvent[] = [];
  bus.onSignalling((event) => events.push(event));
  const problems = new PeerProblems();
  let transport: WireTransport | undefined;
  const network = new MockNetwork({ config, seed: 7, clock, bus, scenario: 'wire', transport: (n) => (transport = new WireTransport(n, { problems, deadlineMs: 1500 })) });
  const wire = transport as WireTransport;
  const hlr = await wire.serveHome();
  t.after(() => wire.close());
  const engine = new RoamingEngine({ link: network.link, store: network.store, bus, clock, scenario: 'wire' });
  const identity = { ...network.generator('234-15').identity(11), profile: 'postpaid' };
  network.store.add(identity);
  return { network, hlr, engine, imsi: identity.imsi, events, problems };
}

test('wire mode: a GSM attach crosses GSUP (SAI, UL with ISD), a move cancels the old VLR over GSUP', async (t) => {
  const { network, hlr, engine, imsi, events, problems } = await wireScenario(t);
  assert.equal((await engine.attach(imsi, '262-01', 'GSM')).outcome, 'accepted');
  assert.deepEqual([hlr.counts.sai, hlr.counts.ul], [1, 1]);
  assert.equal(network.vlrMme('262-01').record(imsi)?.msisdn, network.store.record(imsi)?.identity.msisdn, 'the MSISDN came in the ISD over GSUP');
  assert.equal((await engine.move(imsi, '208-01', 'UMTS')).outcome, 'accepted');
  assert.equal(network.vlrMme('262-01').record(imsi), undefined, 'the LocationCancel reached the old VLR element');
  assert.ok(hlr.counts.pushes >= 3, `ISD, ISD and LocationCancel pushed over GSUP (${hlr.counts.pushes})`);
  assert.deepEqual(
    events.map((event) => event.procedure).filter((name) => name !== 'Attach' && !name.startsWith('Authentication') && name !== 'SecurityModeComplete'),
    ['SendAuthenticationInfo', 'InsertSubscriberData', 'UpdateLocation', 'SendAuthenticationInfo', 'CancelLocation', 'InsertSubscriberData', 'UpdateLocation'],
  );
  assert.equal(problems.total, 0);
  t.after(async () => engine.stop());
});

test('wire mode: refusals come back as the same MAP errors (no agreement with 440-10)', async (t) => {
  const { engine, imsi } = await wireScenario(t);
  const outcome = await engine.attach(imsi, '440-10', 'UMTS');
  assert.equal(outcome.outcome, 'rejected');
  if (outcome.outcome === 'rejected') assert.deepEqual(outcome.error, { kind: 'map', name: 'roamingNotAllowed', code: 8, cause: 'plmnRoamingNotAllowed' });
  t.after(async () => engine.stop());
});

test('wire mode: a SIM with the wrong key fails authentication at the VLR, which reports it to the HLR (AuthFailureReport)', async (t) => {
  const { network, hlr, engine, imsi } = await wireScenario(t);
  (network.store.sim(imsi) as { foreignKey: boolean }).foreignKey = true;
  const outcome = await engine.attach(imsi, '262-01', 'UMTS');
  assert.equal(outcome.outcome, 'rejected');
  if (outcome.outcome === 'rejected') assert.equal(outcome.error.kind === 'local' && outcome.error.name, 'authenticationFailure');
  // The report has no answer in GSUP: a round trip on the same connection orders it before this check.
  const other = { ...network.generator('234-15').identity(12), profile: 'postpaid' };
  network.store.add(other);
  assert.equal((await engine.attach(other.imsi, '262-01', 'GSM')).outcome, 'accepted');
  assert.equal(hlr.counts.authFailureReports, 1);
  t.after(async () => engine.stop());
});

test('wire mode through the composition root: the embedded networks answer over GSUP, a move cancels over GSUP', async (t) => {
  const providers = elementProviders();
  const simulation = buildSimulation({ config, mode: 'wire', clock: new SimulatedClock(1_700_000_000_000), seed: 9, scenario: 'root', elements: providers });
  t.after(async () => {
    await simulation.close();
    providers.embedded.close();
  });
  const identity = { ...simulation.subscribers.generator('234-15').identity(21), profile: 'postpaid' };
  await simulation.addSubscriber(identity);
  assert.equal((await simulation.engine.attach(identity.imsi, '262-01', 'GSM')).outcome, 'accepted');
  assert.equal((await simulation.engine.move(identity.imsi, '208-01', 'UMTS')).outcome, 'accepted');
  const network = simulation.networkFor('234-15') as MockNetwork;
  const hlr = await providers.embedded.wire(network, simulation.config).serveHome();
  assert.deepEqual([hlr.counts.sai, hlr.counts.ul], [2, 2], 'both registrations crossed GSUP');
  assert.ok(hlr.counts.pushes >= 3, 'ISD, CancelLocation, ISD pushed over GSUP');
  assert.deepEqual(await simulation.visited('262-01').inspection.visitor(identity.imsi), { held: false, source: 'element' });
  const located = await simulation.home('234-15').inspection.locate(identity.imsi);
  assert.equal(located.known && located.serving?.plmn, '208-01');
});
