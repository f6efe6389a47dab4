import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../src/errors';
import { type AgreementRating, BillingEmulator } from '../../src/billing/emulator';
import { formatMoney } from '../../src/billing/money';
import { parseTariffRows, parseTariffsConfig } from '../../src/billing/tariffs';
import { EU_RLAH_ZONE } from '../../src/billing/zones';
import { EventBus, type JourneyEvent } from '../../src/roaming/events';
import { Pseudonymizer } from '../../src/subscribers/pseudonym';

const TADIG: Record<string, string> = { '262-01': 'DEUD1', '208-01': 'FRAF1', '228-01': 'CHEC1', '310-260': 'USAW6', '440-10': 'JPNDO' };

const AGREEMENTS: Record<string, AgreementRating> = {
  '262-01>208-01': {
    agreementId: 'DEUD1-FRAF1',
    tariffs: parseTariffsConfig({ currency: 'EUR', data: 'EUR 0.0125', voice: 'EUR 0.04', sms: 'EUR 0.01' }, 'agreements[0].tariffs'),
    zone: EU_RLAH_ZONE,
  },
  '262-01>228-01': {
    agreementId: 'DEUD1-CHEC1',
    tariffs: parseTariffsConfig({ currency: 'EUR', data: 'EUR 0.0125', voice: 'EUR 0.05', sms: 'EUR 0.02' }, 'agreements[1].tariffs'),
    zone: EU_RLAH_ZONE,
  },
  '262-01>310-260': {
    agreementId: 'DEUD1-USAW6',
    tariffs: parseTariffRows(
      [
        { service: 'data', unit: 'MB', price: 'USD 0.0125' },
        { service: 'sms', unit: 'message', price: 'USD 0.10' },
      ],
      'DEUD1-USAW6 tariffs',
    ),
  },
  '310-260>262-01': {
    agreementId: 'USAW6-DEUD1',
    tariffs: parseTariffsConfig({ currency: 'USD', voice: 'USD 0.25' }, 'agreements[3].tariffs'),
  },
};

const IMSI = '262011234567890';
const US_IMSI = '310260123456789';
const T0 = Date.UTC(2025, 5, 1, 9, 0, 0);

function world() {
  const bus = new EventBus();
  const journey: JourneyEvent[] = [];
  bus.onJourney((event) => journey.push(event));
  const emulator = new BillingEmulator({
    tariffsFor: (home, visited) => AGREEMENTS[`${home}>${visited}`],
    tadigOf: (plmn) => TADIG[plmn] ?? 'XXXXX',
    pseudonymizer: new Pseudonymizer('test-key'),
    runId: 'run-1',
  });
  emulator.attach(bus);
  let at = T0;
  const send = (type: JourneyEvent['type'], fields: Partial<JourneyEvent> = {}) =>
    bus.emitJourney({ type, at: (at += 1000), subscriber: { imsi: IMSI }, homePlmn: '262-01', ...fields });
  return { bus, journey, emulator, send };
}

describe('BillingEmulator flows', () => {
  it('registration → usage → detach', () => {
    const { emulator, send } = world();
    send('registration', { outcome: 'accepted', visitedPlmn: '228-01', scenario: 'zurich' });
    send('usage', { visitedPlmn: '228-01', scenario: 'zurich', detail: { service: 'sms', quantity: 2 } });
    send('usage', { scenario: 'zurich', detail: { service: 'data', quantity: 3 } });
    send('usage', { scenario: 'zurich', detail: { service: 'voice', quantity: 61, unit: 'seconds' } });
    send('detach', { scenario: 'zurich' });

    const triggers = emulator.triggersFor('zurich');
    assert.deepEqual(
      triggers.map((t) => [t.type, t.quantity, t.unit, t.charge, t.wholesale]),
      [
        ['registration', undefined, undefined, 'EUR 0.00', 'EUR 0.00'],
        ['sms', 2, 'message', 'EUR 0.04', 'EUR 0.04'],
        ['data', 3, 'MB', 'EUR 0.04', 'EUR 0.04'], // 0.0375 half up
        ['voice', 2, 'minute', 'EUR 0.10', 'EUR 0.10'], // 61 s is two started minutes
        ['deregistration', undefined, undefined, 'EUR 0.00', 'EUR 0.00'],
      ],
    );
    const sms = triggers[1];
    assert.equal(sms.timestamp, new Date(T0 + 2000).toISOString());
    assert.equal(sms.homeTadig, 'DEUD1');
    assert.equal(sms.visitedTadig, 'CHEC1');
    assert.equal(sms.homePlmn, '262-01');
    assert.equal(sms.visitedPlmn, '228-01');
    assert.equal(sms.service, 'sms');
    assert.equal(sms.currency, 'EUR');
    assert.equal(sms.agreement, 'DEUD1-CHEC1');
    assert.equal(sms.zone, undefined, 'Switzerland is outside the RLAH zone');
    assert.equal(triggers[0].service, undefined);
    assert.equal(formatMoney(emulator.total()), 'EUR 0.18');
    assert.equal(emulator.triggersFor().length, 0, 'no trigger without a scenario');
  });

  it('pseudonymises the IMSI keeping MCC+MNC by the home MNC length', () => {
    const { emulator, send } = world();
    send('registration', { outcome: 'accepted', visitedPlmn: '208-01' });
    send('registration', { outcome: 'accepted', visitedPlmn: '262-01', homePlmn: '310-260', subscriber: { imsi: US_IMSI } });
    const [de, us] = emulator.triggers;
    assert.equal(de.subscriberId.length, IMSI.length);
    assert.ok(de.subscriberId.startsWith('26201') && !de.subscriberId.startsWith('262011234567890'));
    assert.notEqual(de.subscriberId, IMSI);
    assert.ok(us.subscriberId.startsWith('310260'));
    assert.notEqual(us.subscriberId, US_IMSI);
    assert.equal(us.homeTadig, 'USAW6');
    assert.equal(us.visitedTadig, 'DEUD1');
    assert.ok(!JSON.stringify(emulator.triggers).includes(IMSI.slice(5)));
  });

  it('refuses usage before registration with a usage-refused event and no trigger', () => {
    const { emulator, send, journey } = world();
    send('usage', { visitedPlmn: '208-01', scenario: 's', detail: { service: 'sms', quantity: 1 } });
    assert.equal(emulator.triggers.length, 0);
    const refused = journey.filter((e) => e.type === 'usage-refused');
    assert.equal(refused.length, 1);
    assert.equal(refused[0].scenario, 's');
    assert.equal(refused[0].subscriber.imsi, IMSI);
    assert.equal(refused[0].detail?.service, 'sms');
    assert.match(String(refused[0].detail?.reason), /no open session/);
    assert.deepEqual(emulator.refusals, refused);
  });

  it('refuses usage reported on another network than the open session', () => {
    const { emulator, send, journey } = world();
    send('registration', { outcome: 'accepted', visitedPlmn: '208-01' });
    send('usage', { visitedPlmn: '228-01', detail: { service: 'data', quantity: 1 } });
    assert.deepEqual(emulator.triggers.map((t) => t.type), ['registration']);
    assert.match(String(journey.find((e) => e.type === 'usage-refused')?.detail?.reason), /registered on 208-01/);
  });

  it('opens nothing for a rejected or dead-lettered registration', () => {
    const { emulator, send, journey } = world();
    send('registration', { outcome: 'rejected', visitedPlmn: '208-01' });
    send('registration', { outcome: 'dead-lettered', visitedPlmn: '208-01' });
    send('dead-letter', { visitedPlmn: '208-01' });
    send('usage', { detail: { service: 'sms', quantity: 1 } });
    send('detach');
    assert.equal(emulator.triggers.length, 0);
    assert.equal(journey.filter((e) => e.type === 'usage-refused').length, 1);
  });

  it('closes the old session and opens a new one on a move', () => {
    const { emulator, send } = world();
    send('registration', { outcome: 'accepted', visitedPlmn: '208-01' });
    send('usage', { detail: { service: 'data', quantity: 10 } });
    send('move', { visitedPlmn: '228-01', outcome: 'accepted' });
    send('usage', { detail: { service: 'data', quantity: 10 } });
    send('move', { visitedPlmn: '228-01' }); // already there: nothing to close or open
    send('detach');
    assert.deepEqual(
      emulator.triggers.map((t) => [t.type, t.visitedPlmn, t.charge, t.wholesale, t.zone]),
      [
        ['registration', '208-01', 'EUR 0.00', 'EUR 0.00', 'eu-rlah'],
        ['data', '208-01', 'EUR 0.00', 'EUR 0.13', 'eu-rlah'], // RLAH: retail free, wholesale recorded (0.125 half up)
        ['deregistration', '208-01', 'EUR 0.00', 'EUR 0.00', 'eu-rlah'],
        ['registration', '228-01', 'EUR 0.00', 'EUR 0.00', undefined],
        ['data', '228-01', 'EUR 0.13', 'EUR 0.13', undefined],
        ['deregistration', '228-01', 'EUR 0.00', 'EUR 0.00', undefined],
      ],
    );
    assert.equal(formatMoney(emulator.total()), 'EUR 0.13');
  });

  it('a failed move leaves the old network: usage afterwards is refused', () => {
    const { emulator, send, journey } = world();
    send('registration', { outcome: 'accepted', visitedPlmn: '208-01' });
    send('move', { visitedPlmn: '228-01', outcome: 'rejected' });
    send('usage', { detail: { service: 'sms', quantity: 1 } });
    assert.deepEqual(emulator.triggers.map((t) => t.type), ['registration', 'deregistration']);
    assert.equal(journey.filter((e) => e.type === 'usage-refused').length, 1);
  });

  it('an accepted registration elsewhere acts as a move', () => {
    const { emulator, send } = world();
    send('registration', { outcome: 'accepted', visitedPlmn: '208-01' });
    send('registration', { outcome: 'accepted', visitedPlmn: '208-01' });
    send('registration', { outcome: 'accepted', visitedPlmn: '310-260' });
    assert.deepEqual(emulator.triggers.map((t) => `${t.type}@${t.visitedPlmn}`), ['registration@208-01', 'deregistration@208-01', 'registration@310-260']);
  });

  it('rates two agreements in different currencies and totals them per currency', () => {
    const { emulator, send } = world();
    send('registration', { outcome: 'accepted', visitedPlmn: '228-01' });
    send('usage', { detail: { service: 'sms', quantity: 3 } });
    send('move', { visitedPlmn: '310-260' });
    send('usage', { detail: { service: 'sms', quantity: 2 } });
    send('usage', { detail: { service: 'data', quantity: 5 } });
    send('detach');
    const rated = emulator.triggers.filter((t) => t.service);
    assert.deepEqual(
      rated.map((t) => [t.agreement, t.charge, t.currency]),
      [
        ['DEUD1-CHEC1', 'EUR 0.06', 'EUR'],
        ['DEUD1-USAW6', 'USD 0.20', 'USD'],
        ['DEUD1-USAW6', 'USD 0.06', 'USD'], // 0.0625 half up
      ],
    );
    assert.equal(emulator.triggers.find((t) => t.type === 'deregistration' && t.visitedPlmn === '310-260')?.charge, 'USD 0.00');
    assert.equal(formatMoney(emulator.total('EUR')), 'EUR 0.06');
    assert.equal(formatMoney(emulator.total('USD')), 'USD 0.26');
    assert.equal(formatMoney(emulator.total('GBP')), 'GBP 0.00');
    assert.throws(() => emulator.total(), (error: unknown) => error instanceof InputError && /EUR, USD/.test(error.message));
  });

  it('keeps sessions apart per scenario and subscriber', () => {
    const { emulator, send, journey } = world();
    send('registration', { outcome: 'accepted', visitedPlmn: '208-01', scenario: 'a' });
    send('usage', { scenario: 'b', detail: { service: 'sms', quantity: 1 } });
    send('usage', { scenario: 'a', subscriber: { imsi: '262019999999999' }, detail: { service: 'sms', quantity: 1 } });
    send('usage', { scenario: 'a', detail: { service: 'sms', quantity: 1 } });
    assert.deepEqual(emulator.triggersFor('a').map((t) => t.type), ['registration', 'sms']);
    assert.equal(journey.filter((e) => e.type === 'usage-refused').length, 2);
  });

  it('does not trigger at home', () => {
    const { emulator, send, journey } = world();
    send('registration', { outcome: 'accepted', visitedPlmn: '262-01' });
    send('usage', { detail: { service: 'data', quantity: 100 } });
    send('move', { visitedPlmn: '208-01' });
    send('move', { visitedPlmn: '262-01' });
    assert.deepEqual(emulator.triggers.map((t) => `${t.type}@${t.visitedPlmn}`), ['registration@208-01', 'deregistration@208-01']);
    assert.equal(journey.filter((e) => e.type === 'usage-refused').length, 0);
  });

  it('refuses negative or fractional quantities naming the value', () => {
    const { emulator } = world();
    const usage = (quantity: unknown): JourneyEvent => ({ type: 'usage', at: T0, subscriber: { imsi: IMSI }, homePlmn: '262-01', detail: { service: 'data', quantity } });
    for (const [quantity, text] of [[-1, '-1'], [2.5, '2.5'], [Number.NaN, 'NaN'], ['3', '3'], [undefined, '']] as const) {
      assert.throws(() => emulator.handle(usage(quantity)), (error: unknown) => error instanceof InputError && error.value === text && /quantity/.test(error.source), String(quantity));
    }
    assert.throws(() => emulator.handle({ ...usage(1), detail: { service: 'mms', quantity: 1 } }), /service: "mms" is not valid: expected one of data, voice, sms/);
    assert.equal(emulator.triggers.length, 0);
  });

  it('reports errors met on the bus in `errors` and to the bus sink counter', () => {
    const { bus, emulator, send } = world();
    send('registration', { outcome: 'accepted', visitedPlmn: '440-10' }); // no agreement with Japan
    send('registration', { outcome: 'accepted', visitedPlmn: '310-260' });
    send('usage', { detail: { service: 'voice', quantity: 1 } }); // the US agreement does not price voice
    send('usage', { detail: { service: 'data', quantity: -4 } });
    assert.equal(bus.sinkErrors, 3);
    assert.deepEqual(
      emulator.errors.map((e) => (e as InputError).value),
      ['440-10', 'voice', '-4'],
    );
    assert.match(emulator.errors[0].message, /billing for home network 262-01: "440-10" is not valid/);
    assert.match(emulator.errors[1].message, /tariffs of agreement DEUD1-USAW6: "voice" is not valid: expected a service the agreement prices: data, sms/);
    assert.deepEqual(emulator.triggers.map((t) => t.type), ['registration']);
  });

  it('detaching stops listening', () => {
    const bus = new EventBus();
    const emulator = new BillingEmulator({ tariffsFor: (h, v) => AGREEMENTS[`${h}>${v}`], tadigOf: (p) => TADIG[p], pseudonymizer: new Pseudonymizer('k'), runId: 'r' });
    const stop = emulator.attach(bus);
    bus.emitJourney({ type: 'registration', outcome: 'accepted', at: T0, subscriber: { imsi: IMSI }, homePlmn: '262-01', visitedPlmn: '208-01' });
    stop();
    bus.emitJourney({ type: 'detach', at: T0 + 1, subscriber: { imsi: IMSI }, homePlmn: '262-01' });
    assert.deepEqual(emulator.triggers.map((t) => t.type), ['registration']);
  });
});
