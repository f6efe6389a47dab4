import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config/load';
import type { AnswerOf, RequestOf } from '../../src/elements/procedures';
import type { ElementBuildOptions, ElementNetwork, ElementProvider, HomeElement, HomeLocation, ProvisionedSubscriber, VisitedElement, VisitorView } from '../../src/elements/seam';
import { SignallingWitness } from '../../src/elements/witness';
import { expectHomeLocation, expectVisitorRecord } from '../../src/expectations/network';
import { mapError } from '../../src/protocol/codes';
import { gsmFromUmts, milenage } from '../../src/protocol/milenage';
import { SimulatedClock } from '../../src/roaming/clock';
import type { CallMeta, Route, Transport, TransportReply } from '../../src/roaming/transport';
import { buildSimulation } from '../../src/simulation/root';
import { elementProviders } from '../../mocks/embedded';

const config = loadConfig({ announce: () => undefined });

/**
 * A fake element implementation, nothing of mocks/: a GSM VLR that answers the UE itself and an HLR that
 * holds what it was provisioned with (identity and keys). It sees requests only through the seam's
 * signalling face (a Transport) and is provisioned and inspected only through the seam's faces.
 */
class FakeElements implements ElementProvider {
  readonly name = 'fake';
  readonly modes = ['direct'] as const;
  readonly provisioned: ProvisionedSubscriber[] = [];
  build(_options: ElementBuildOptions): ElementNetwork {
    const subscribers = new Map<string, { keys: ProvisionedSubscriber['keys']; barred: boolean; at?: string }>();
    const challenges = new Map<string, string>();
    const visitors = new Map<string, string>();
    const provider = this;
    const answer = (body: unknown): TransportReply => ({ kind: 'answer', body });
    const transport: Transport = {
      mode: 'direct',
      async send(route: Route, body: unknown, _meta: CallMeta): Promise<TransportReply> {
        const imsi = (body as { imsi: string }).imsi;
        const subscriber = subscribers.get(imsi);
        if (route.operation === 'ue/attach') {
          const request = body as RequestOf<'Attach'>;
          if (!subscriber) return answer({ error: mapError('unknownSubscriber') } satisfies AnswerOf<'Attach'>);
          const rand = randomBytes(16);
          const out = milenage({ k: subscriber.keys.ki, opc: subscriber.keys.opc, rand, sqn: Buffer.alloc(6), amf: Buffer.alloc(2) });
          challenges.set(request.imsi, gsmFromUmts(out.res, out.ck, out.ik).sres.toString('hex'));
          return answer({ result: { rand: rand.toString('hex') } } satisfies AnswerOf<'Attach'>);
        }
        if (route.operation === 'ue/authentication') {
          const request = body as RequestOf<'Authentication'>;
          const ok = request.res !== undefined && request.res === challenges.get(imsi);
          return answer(ok ? { result: { authenticated: true } } : { error: { kind: 'local', name: 'authenticationFailure', detail: 'SRES mismatch' } });
        }
        if (route.operation === 'ue/security-mode-complete') {
          if (!subscriber) return answer({ error: mapError('unknownSubscriber') });
          if (subscriber.barred) return answer({ error: mapError('roamingNotAllowed', 'operatorDeterminedBarring') });
          subscriber.at = route.plmn;
          visitors.set(imsi, route.plmn);
          return answer({ result: { accepted: true } } satisfies AnswerOf<'SecurityModeComplete'>);
        }
        if (route.operation === 'ue/detach') {
          visitors.delete(imsi);
          if (subscriber) delete subscriber.at;
          return answer({ result: { detached: true, purged: true } });
        }
        throw new Error(`the fake elements have no ${route.element} ${route.operation}`);
      },
    };
    return {
      transport: () => transport,
      home: (plmn): HomeElement => ({
        plmn,
        provisioning: {
          async createSubscriber(subscriber) {
            provider.provisioned.push(subscriber);
            subscribers.set(subscriber.identity.imsi, { keys: subscriber.keys, barred: false });
          },
          async bar(imsi, barred) {
            const known = subscribers.get(imsi);
            if (known) known.barred = barred;
          },
          async forget(imsi) {
            subscribers.delete(imsi);
          },
          async changeKey() {
            throw new Error('the fake HLR keeps its keys');
          },
        },
        inspection: {
          async locate(imsi): Promise<HomeLocation> {
            const known = subscribers.get(imsi);
            if (!known) return { known: false, source: 'element' };
            return known.at ? { known: true, source: 'element', serving: { kind: 'VLR', plmn: known.at, rat: 'GSM' } } : { known: true, source: 'element' };
          },
        },
      }),
      visited: (plmn): VisitedElement => ({
        plmn,
        inspection: {
          async visitor(imsi): Promise<VisitorView> {
            return visitors.get(imsi) === plmn ? { held: true, source: 'element', node: { kind: 'VLR', plmn }, rat: 'GSM' } : { held: false, source: 'element' };
          },
        },
      }),
    };
  }
}

/** The config with every network served by the fake elements. */
const fakeConfig = { ...config, networks: config.networks.map((network) => ({ ...network, elements: 'fake' })) };

function simulate(fake: FakeElements) {
  const clock = new SimulatedClock(Date.UTC(2026, 0, 1));
  return buildSimulation({ config: fakeConfig, mode: 'direct', clock, seed: 7, elements: { ...elementProviders(), fake } });
}

test('a registration runs through a fake element implementation: provisioned, signalled and inspected only through the seam', async () => {
  const fake = new FakeElements();
  const simulation = simulate(fake);
  const identity = { ...simulation.subscribers.generator('234-15').identity(5), profile: 'postpaid' };
  await simulation.addSubscriber(identity);
  assert.equal(fake.provisioned.length, 1);
  assert.equal(fake.provisioned[0].identity.imsi, identity.imsi);
  assert.equal(fake.provisioned[0].keys.ki.length, 16, 'the home element gets the subscriber keys to provision');

  const outcome = await simulation.engine.attach(identity.imsi, '262-01', 'GSM');
  assert.equal(outcome.outcome, 'accepted');
  await expectHomeLocation(simulation.home('234-15').inspection, identity.imsi, '262-01');
  await expectVisitorRecord(simulation.visited('262-01').inspection, identity.imsi, '262-01');
  await assert.rejects(expectVisitorRecord(simulation.visited('208-01').inspection, identity.imsi, '208-01'), /holds none \(read from the element's own subscriber data\)/);
  await simulation.close();
});

test('a barred subscriber is refused by the fake elements, and faults are refused with the implementation named', async () => {
  const fake = new FakeElements();
  const simulation = simulate(fake);
  const identity = { ...simulation.subscribers.generator('234-15').identity(6), profile: 'postpaid' };
  await simulation.addSubscriber(identity);
  await simulation.home('234-15').provisioning.bar(identity.imsi, true);
  const outcome = await simulation.engine.attach(identity.imsi, '262-01', 'GSM');
  assert.equal(outcome.outcome, 'rejected');
  assert.equal(outcome.outcome === 'rejected' ? outcome.error.name : '', 'roamingNotAllowed');
  assert.throws(() => simulation.faults('234-15'), /the fake elements of 234-15 take no injected faults/);
  await simulation.close();
});

test('a network naming an implementation the run does not offer is a config error naming it', () => {
  const clock = new SimulatedClock(0);
  assert.throws(() => buildSimulation({ config: fakeConfig, mode: 'direct', clock, seed: 1, elements: elementProviders() }), /networks\[0\]\.elements: "fake" is not an element implementation this run offers: embedded/);
  const fake = new FakeElements();
  assert.throws(() => buildSimulation({ config: fakeConfig, mode: 'live', clock, seed: 1, elements: { ...elementProviders(), fake } }), /the fake elements do not run in live mode: use one of direct/);
});

test('the signalling witness locates a subscriber from what the elements were seen to exchange', async () => {
  const clock = new SimulatedClock(Date.UTC(2026, 0, 1));
  const simulation = buildSimulation({ config, mode: 'direct', clock, seed: 9, elements: elementProviders() });
  const witness = new SignallingWitness(simulation.bus);
  const identity = { ...simulation.subscribers.generator('234-15').identity(1), profile: 'postpaid' };
  await simulation.addSubscriber(identity);
  assert.deepEqual(witness.locate(identity.imsi), { known: false, source: 'signalling' });
  assert.equal((await simulation.engine.attach(identity.imsi, '262-01', 'LTE')).outcome, 'accepted');
  assert.deepEqual(witness.locate(identity.imsi), { known: true, source: 'signalling', serving: { kind: 'MME', plmn: '262-01', rat: 'LTE', address: 'mme.epc.mnc001.mcc262.3gppnetwork.org' } });
  assert.equal(witness.visitor(identity.imsi, '262-01').held, true);
  assert.equal((await simulation.engine.move(identity.imsi, '208-01', 'UMTS')).outcome, 'accepted');
  const moved = witness.locate(identity.imsi);
  assert.equal(moved.known ? moved.serving?.plmn : undefined, '208-01');
  assert.equal(witness.visitor(identity.imsi, '262-01').held, true, 'a CS registration sends no cancel to the MME (CS and EPS apart)');
  await simulation.engine.detach(identity.imsi);
  assert.deepEqual(witness.locate(identity.imsi), { known: true, source: 'signalling', purged: true });
  witness.close();
  await simulation.close();
});
