import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AgreementRating, BillingEmulator } from '../../src/billing/emulator';
import { parseTariffsConfig } from '../../src/billing/tariffs';
import { type UsageDeps, recordUsage } from '../../src/billing/usage';
import { InputError } from '../../src/errors';
import { SimulatedClock } from '../../src/roaming/clock';
import { EventBus, type JourneyEvent } from '../../src/roaming/events';
import type { Target } from '../../src/roaming/ue';
import { Pseudonymizer } from '../../src/subscribers/pseudonym';

const IMSI = '234159900000001';
const OTHER = '234159900000002';
const T0 = Date.UTC(2025, 5, 1, 9, 0, 0);

const AGREEMENTS: Record<string, AgreementRating> = {
  '234-15>262-01': { agreementId: 'GBRVF-DEUD1', tariffs: parseTariffsConfig({ data: 'EUR 0.0020', voice: 'EUR 0.0220', sms: 'EUR 0.0040' }, 'test tariffs') },
};

function setup(options: { billing?: boolean } = {}) {
  const bus = new EventBus((error) => {
    throw error;
  });
  const journeys: JourneyEvent[] = [];
  bus.onJourney((event) => journeys.push(event));
  const sims = new Map([
    [IMSI, { identity: { imsi: IMSI, msisdn: '447700900001', homePlmn: '234-15' } }],
    [OTHER, { identity: { imsi: OTHER, msisdn: '447700900002', homePlmn: '234-15' } }],
  ]);
  const store: UsageDeps['store'] = { sim: (imsi) => sims.get(imsi) };
  const serving = new Map<string, Target>();
  const clock = new SimulatedClock(T0);
  const deps: UsageDeps = { bus, engine: { servingOf: (imsi) => serving.get(imsi) }, store, clock, scenario: 'usage test' };
  let emulator: BillingEmulator | undefined;
  if (options.billing) {
    emulator = new BillingEmulator({
      tariffsFor: (home, visited) => AGREEMENTS[`${home}>${visited}`],
      tadigOf: (plmn) => ({ '234-15': 'GBRVF', '262-01': 'DEUD1' })[plmn] ?? 'XXXXX',
      pseudonymizer: new Pseudonymizer('k'),
      runId: 'usage-test',
    });
    emulator.attach(bus);
  }
  /** What the engine would do on an accepted registration: remember the serving network and say so on the bus. */
  const register = (imsi: string, target: Target) => {
    serving.set(imsi, target);
    bus.emitJourney({ type: 'registration', scenario: 'usage test', at: clock.now(), subscriber: { imsi }, homePlmn: '234-15', visitedPlmn: target.plmn, rat: target.rat, outcome: 'accepted' });
  };
  return { bus, journeys, deps, clock, serving, register, emulator };
}

describe('recordUsage', () => {
  it('emits one usage event with the serving network, the subscriber and the whole quantity', () => {
    const { deps, journeys, clock, serving } = setup();
    serving.set(IMSI, { plmn: '262-01', rat: 'LTE' });
    clock.elapse(1500);
    const { event, refusal } = recordUsage(deps, IMSI, 'data', 250);
    assert.equal(refusal, undefined);
    assert.deepEqual(journeys, [event]);
    assert.deepEqual(event, {
      type: 'usage',
      scenario: 'usage test',
      at: T0 + 1500,
      subscriber: { imsi: IMSI, msisdn: '447700900001' },
      homePlmn: '234-15',
      visitedPlmn: '262-01',
      rat: 'LTE',
      detail: { service: 'data', quantity: 250 },
    });
  });

  it('leaves the visited network out when the subscriber is registered nowhere', () => {
    const { deps, journeys } = setup();
    const { event } = recordUsage(deps, IMSI, 'sms', 2);
    assert.equal(journeys.length, 1);
    assert.equal(event.visitedPlmn, undefined);
    assert.equal(event.rat, undefined);
    assert.equal('visitedPlmn' in event, false);
  });

  it('keeps a unit when one is given and leaves the scenario out when there is none', () => {
    const { deps, serving } = setup();
    serving.set(IMSI, { plmn: '262-01', rat: 'UMTS' });
    const { event } = recordUsage({ ...deps, scenario: undefined }, IMSI, 'voice', 61, 'seconds');
    assert.deepEqual(event.detail, { service: 'voice', quantity: 61, unit: 'seconds' });
    assert.equal('scenario' in event, false);
  });

  it('is rated by billing as one trigger for the whole quantity', () => {
    const { deps, register, emulator } = setup({ billing: true });
    register(IMSI, { plmn: '262-01', rat: 'LTE' });
    recordUsage(deps, IMSI, 'data', 250);
    recordUsage(deps, IMSI, 'voice', 61, 'seconds');
    recordUsage(deps, IMSI, 'sms', 5);
    const rated = emulator?.triggers.filter((t) => t.service) ?? [];
    assert.deepEqual(
      rated.map((t) => [t.type, t.quantity, t.unit, t.charge, t.visitedPlmn]),
      [
        ['data', 250, 'MB', 'EUR 0.50', '262-01'],
        ['voice', 2, 'minute', 'EUR 0.04', '262-01'], // 61 s is two started minutes: 0.044 → 0.04
        ['sms', 5, 'message', 'EUR 0.02', '262-01'],
      ],
    );
  });

  it('returns the refusal billing answers with when the subscriber is not registered', () => {
    const { deps, journeys, emulator } = setup({ billing: true });
    const { event, refusal } = recordUsage(deps, IMSI, 'sms', 2);
    assert.ok(refusal);
    assert.equal(refusal.type, 'usage-refused');
    assert.equal(refusal.subscriber.imsi, IMSI);
    assert.equal(refusal.scenario, 'usage test');
    assert.match(String(refusal.detail?.reason), /not registered/);
    assert.deepEqual(
      journeys.map((e) => e.type),
      ['usage', 'usage-refused'],
    );
    assert.equal(journeys[0], event);
    assert.equal(emulator?.triggers.length, 0);
  });

  it("does not take another subscriber's refusal for its own, nor keep listening afterwards", () => {
    const { deps, bus, register } = setup({ billing: true });
    register(IMSI, { plmn: '262-01', rat: 'LTE' });
    const first = recordUsage(deps, IMSI, 'data', 1);
    assert.equal(first.refusal, undefined);
    const other = recordUsage(deps, OTHER, 'data', 1);
    assert.equal(other.refusal?.subscriber.imsi, OTHER);
    bus.emitJourney({ type: 'usage-refused', at: T0, subscriber: { imsi: IMSI }, homePlmn: '234-15' });
    assert.equal(first.refusal, undefined);
  });

  it('refuses bad input with an InputError naming the value, and emits nothing', () => {
    const { deps, journeys, serving } = setup();
    serving.set(IMSI, { plmn: '262-01', rat: 'LTE' });
    const cases: Array<[string, number, string | undefined, RegExp]> = [
      ['data', -5, undefined, /^usage of data quantity: "-5" is not valid: expected a whole number of MB that is not negative$/],
      ['sms', 1.5, undefined, /^usage of sms quantity: "1.5" is not valid: expected a whole number of message/],
      ['data', Number.NaN, undefined, /quantity: "NaN" is not valid/],
      ['data', 5, 'GB', /^usage of data unit: "GB" is not valid: expected "MB" for data$/],
      ['voice', 3, 'hours', /^usage of voice unit: "hours" is not valid: expected "minute" or "second" for voice$/],
      ['fax', 1, undefined, /^usage of fax service: "fax" is not valid: expected one of data, voice, sms$/],
    ];
    for (const [service, quantity, unit, message] of cases) {
      assert.throws(
        () => recordUsage(deps, IMSI, service, quantity, unit),
        (error: unknown) => error instanceof InputError && message.test(error.message),
        `${service} ${quantity} ${unit ?? ''}`,
      );
    }
    assert.equal(journeys.length, 0);
  });

  it('refuses an unknown subscriber without printing its IMSI, and emits nothing', () => {
    const { deps, journeys } = setup();
    const stranger = '234159999999999';
    assert.throws(
      () => recordUsage(deps, stranger, 'data', 1),
      (error: unknown) => error instanceof Error && /not known in this run/.test(error.message) && !error.message.includes(stranger),
    );
    assert.equal(journeys.length, 0);
  });

  it('accepts a quantity of zero', () => {
    const { deps, register, emulator } = setup({ billing: true });
    register(IMSI, { plmn: '262-01', rat: 'LTE' });
    recordUsage(deps, IMSI, 'data', 0);
    assert.equal(emulator?.triggers.find((t) => t.type === 'data')?.charge, 'EUR 0.00');
  });
});
