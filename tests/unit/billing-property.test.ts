import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AgreementRating, BillingEmulator, type BillingTrigger } from '../../src/billing/emulator';
import { formatMoney } from '../../src/billing/money';
import { type Service, parseTariffsConfig } from '../../src/billing/tariffs';
import { EU_RLAH_ZONE } from '../../src/billing/zones';
import { EventBus, type JourneyEvent } from '../../src/roaming/events';
import { Pseudonymizer } from '../../src/subscribers/pseudonym';

/** mulberry32: a 32-bit seeded generator, enough to replay a failing case from its seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEQUENCES = 600;
const EXPONENT: Record<string, number> = { EUR: 2, USD: 2, GBP: 2, JPY: 0, BHD: 3 };
const CURRENCIES = Object.keys(EXPONENT);
const NETWORKS = ['262-01', '208-01', '214-07', '228-01', '234-15', '310-260', '440-10'];
const SERVICES: Service[] = ['data', 'voice', 'sms'];
const EU = new Set(['262', '208', '214']); // the fixture networks inside the EU/EEA

/** Independent of the money module: `EUR 12.34` → 1234n, checking the currency's places. */
function minorUnits(text: string): { currency: string; minor: bigint } {
  const [currency, amount] = text.split(' ');
  const [whole, fraction = ''] = amount.split('.');
  assert.equal(fraction.length, EXPONENT[currency], `${text} has the minor-unit places of ${currency}`);
  return { currency, minor: BigInt(whole + fraction) };
}

/** Half up on the exact product, at micro-unit price scale. */
function expectedCharge(priceMicro: bigint, quantity: number, currency: string): bigint {
  const divisor = 10n ** BigInt(6 - EXPONENT[currency]);
  return (2n * priceMicro * BigInt(quantity) + divisor) / (2n * divisor);
}

function microText(currency: string, micro: bigint): string {
  const digits = micro.toString().padStart(7, '0');
  return `${currency} ${digits.slice(0, -6)}.${digits.slice(-6)}`;
}

interface Model {
  sessions: Map<string, string>;
  rated: { currency: string; wholesale: bigint; retail: bigint; service: Service; quantity: number }[];
  refusals: number;
}

function runSequence(seed: number) {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const home = pick(['262-01', '310-260']);
  const prices = new Map<string, { currency: string; micro: Record<Service, bigint>; rating: AgreementRating }>();
  for (const visited of NETWORKS) {
    if (visited === home) continue;
    const currency = pick(CURRENCIES);
    // Sub-cent prices: anything from 0 to 9.999999 with six exact decimals.
    const micro = { data: BigInt(Math.floor(random() * 10_000_000)), voice: BigInt(Math.floor(random() * 10_000_000)), sms: BigInt(Math.floor(random() * 1_000_000)) };
    const tariffs = parseTariffsConfig({ currency, data: microText(currency, micro.data), voice: microText(currency, micro.voice), sms: microText(currency, micro.sms) }, `agreements[${visited}].tariffs`);
    prices.set(visited, { currency, micro, rating: { agreementId: `${home}/${visited}`, tariffs, zone: random() < 0.7 ? EU_RLAH_ZONE : undefined } });
  }
  const bus = new EventBus((error) => {
    throw error;
  });
  const emulator = new BillingEmulator({
    tariffsFor: (h, v) => (h === home ? prices.get(v)?.rating : undefined),
    tadigOf: (plmn) => `T${plmn.replace('-', '')}`.slice(0, 5),
    pseudonymizer: new Pseudonymizer(`seed-${seed}`),
    runId: `prop-${seed}`,
  });
  emulator.attach(bus);
  let refusedOnBus = 0;
  bus.onJourney((event) => {
    if (event.type === 'usage-refused') refusedOnBus++;
  });

  const model: Model = { sessions: new Map(), rated: [], refusals: 0 };
  const imsis = ['01', '02'].map((tail) => `${home.replace('-', '')}0000000000`.slice(0, 13) + tail);
  const open = (imsi: string, visited: string) => {
    if (model.sessions.get(imsi) === visited) return;
    model.sessions.set(imsi, visited);
  };
  let at = Date.UTC(2025, 0, 1);
  const steps = 1 + Math.floor(random() * 40);
  for (let step = 0; step < steps; step++) {
    const imsi = pick(imsis);
    const base = { at: (at += 1 + Math.floor(random() * 60_000)), subscriber: { imsi }, homePlmn: home };
    const roll = random();
    let event: JourneyEvent;
    if (roll < 0.2) {
      const outcome = pick(['accepted', 'accepted', 'rejected', 'dead-lettered'] as const);
      event = { ...base, type: 'registration', outcome, visitedPlmn: pick(NETWORKS) };
      if (outcome === 'accepted') open(imsi, event.visitedPlmn!);
    } else if (roll < 0.3) {
      const outcome = pick([undefined, 'accepted', 'rejected'] as const);
      event = { ...base, type: 'move', outcome, visitedPlmn: pick(NETWORKS) };
      if (outcome === 'rejected') model.sessions.delete(imsi);
      else open(imsi, event.visitedPlmn!);
    } else if (roll < 0.37) {
      event = { ...base, type: 'detach' };
      model.sessions.delete(imsi);
    } else {
      const service = pick(SERVICES);
      const seconds = service === 'voice' && random() < 0.5;
      const quantity = Math.floor(random() * (seconds ? 7200 : random() < 0.1 ? 1_000_000 : 500));
      const reported = random() < 0.3 ? pick(NETWORKS) : undefined;
      event = { ...base, type: 'usage', visitedPlmn: reported, detail: seconds ? { service, quantity, unit: 'seconds' } : { service, quantity } };
      const visited = model.sessions.get(imsi);
      if (visited === undefined || (reported !== undefined && reported !== visited)) model.refusals++;
      else if (visited !== home) {
        const agreement = prices.get(visited)!;
        const billed = seconds ? Math.ceil(quantity / 60) : quantity;
        const wholesale = expectedCharge(agreement.micro[service], billed, agreement.currency);
        const free = agreement.rating.zone !== undefined && EU.has(home.slice(0, 3)) && EU.has(visited.slice(0, 3));
        model.rated.push({ currency: agreement.currency, wholesale, retail: free ? 0n : wholesale, service, quantity: billed });
      }
    }
    bus.emitJourney(event);
  }
  return { emulator, model, refusedOnBus, bus };
}

describe('billing totals (property)', () => {
  it(`equal the exact bigint sum of the rated triggers over ${SEQUENCES} random journeys`, () => {
    let ratedSeen = 0;
    let multiCurrency = 0;
    for (let seed = 1; seed <= SEQUENCES; seed++) {
      const { emulator, model, refusedOnBus, bus } = runSequence(seed);
      const context = `seed ${seed}`;
      assert.equal(bus.sinkErrors, 0, context);
      assert.equal(emulator.errors.length, 0, context);
      assert.equal(refusedOnBus, model.refusals, context);

      const rated = emulator.triggers.filter((t): t is BillingTrigger & { service: Service } => t.service !== undefined);
      assert.deepEqual(
        rated.map((t) => ({ currency: t.currency, wholesale: minorUnits(t.wholesale).minor, retail: minorUnits(t.charge).minor, service: t.service, quantity: t.quantity })),
        model.rated,
        context,
      );
      ratedSeen += rated.length;

      const sums = new Map<string, bigint>();
      for (const trigger of emulator.triggers) {
        const { currency, minor } = minorUnits(trigger.charge);
        assert.equal(currency, trigger.currency, context);
        sums.set(currency, (sums.get(currency) ?? 0n) + minor);
      }
      for (const currency of CURRENCIES) {
        const total = emulator.total(currency);
        assert.equal(total.currency, currency, context);
        assert.equal(total.scale, EXPONENT[currency], context);
        assert.equal(total.minor, sums.get(currency) ?? 0n, `${context}: ${currency} total ${formatMoney(total)}`);
      }
      if (sums.size === 1) {
        const [[currency, minor]] = [...sums];
        assert.deepEqual(emulator.total(), { currency, minor, scale: EXPONENT[currency] }, context);
      } else if (sums.size > 1) {
        multiCurrency++;
        assert.throws(() => emulator.total(), /billing total/, context);
      }
    }
    // The generator must actually exercise rating and the mixed-currency path.
    assert.ok(ratedSeen > SEQUENCES, `only ${ratedSeen} rated triggers`);
    assert.ok(multiCurrency > 10, `only ${multiCurrency} mixed-currency runs`);
  });

  it('the generator is deterministic per seed', () => {
    const a = runSequence(42).emulator.triggers;
    const b = runSequence(42).emulator.triggers;
    assert.deepEqual(a, b);
  });
});
