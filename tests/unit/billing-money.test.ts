import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../src/errors';
import {
  CHARGE_ROUNDING,
  CurrencyMismatchError,
  PRICE_SCALE,
  addMoney,
  chargeFor,
  compareMoney,
  formatMoney,
  multiplyMoney,
  parseCurrency,
  parseMoney,
  roundMoney,
  sumMoney,
  zeroMoney,
} from '../../src/billing/money';

const charge = (price: string, quantity: number) => formatMoney(chargeFor(parseMoney(price, 'price'), quantity));

describe('parseMoney', () => {
  it('keeps prices exact in micro-units', () => {
    assert.deepEqual(parseMoney('USD 0.10', 'p'), { currency: 'USD', minor: 100_000n, scale: PRICE_SCALE });
    assert.deepEqual(parseMoney('EUR 0.0125', 'p'), { currency: 'EUR', minor: 12_500n, scale: 6 });
    assert.deepEqual(parseMoney(' JPY 120 ', 'p'), { currency: 'JPY', minor: 120_000_000n, scale: 6 });
    assert.deepEqual(parseMoney('EUR 0.000001', 'p'), { currency: 'EUR', minor: 1n, scale: 6 });
  });

  for (const [text, why] of [
    ['EUR1,20', /space between the currency and the amount/],
    ['1.20', /currency code before the amount/],
    ['EUR -1', /not negative/],
    ['EUR 1,20', /decimal point, not a comma/],
    ['eur 1.20', /three capital letters/],
    ['EURO 1.20', /three capital letters/],
    ['XXX 1.00', /known minor unit/],
    ['EUR 0.0000001', /at most 6 decimals/],
    ['EUR 1.', /digits/],
    ['EUR .5', /digits/],
    ['EUR', /ISO 4217/],
    ['', /ISO 4217/],
    ['EUR  1.20', /ISO 4217/],
  ] as const) {
    it(`rejects ${JSON.stringify(text)} naming the value and the source`, () => {
      assert.throws(
        () => parseMoney(text, 'tariffs row 2 price'),
        (error: unknown) =>
          error instanceof InputError &&
          error.value === text &&
          error.message.startsWith(`tariffs row 2 price: ${JSON.stringify(text)} is not valid: expected`) &&
          why.test(error.message),
      );
    });
  }

  it('parses a currency code alone', () => {
    assert.equal(parseCurrency('GBP', 'c'), 'GBP');
    assert.throws(() => parseCurrency('gbp', 'c'), /c: "gbp" is not valid/);
    assert.throws(() => parseCurrency('ABC', 'c'), /known minor unit/);
  });
});

describe('formatMoney', () => {
  it('shows the minor-unit places, and more only when they are not zero', () => {
    assert.equal(formatMoney(parseMoney('USD 1.2', 'p')), 'USD 1.20');
    assert.equal(formatMoney({ currency: 'USD', minor: 120n, scale: 2 }), 'USD 1.20');
    assert.equal(formatMoney(parseMoney('EUR 0.0125', 'p')), 'EUR 0.0125');
    assert.equal(formatMoney(parseMoney('JPY 120', 'p')), 'JPY 120');
    assert.equal(formatMoney(parseMoney('BHD 0.1', 'p')), 'BHD 0.100');
    assert.equal(formatMoney(zeroMoney('EUR')), 'EUR 0.00');
    assert.equal(formatMoney({ currency: 'EUR', minor: 5n, scale: 0 }), 'EUR 5.00');
    assert.equal(formatMoney({ currency: 'EUR', minor: -120n, scale: 2 }), 'EUR -1.20');
  });

  it('round-trips what it prints', () => {
    for (const text of ['EUR 0.00', 'USD 1.20', 'EUR 0.0125', 'JPY 7', 'KWD 12.345', 'GBP 1234567.89']) {
      assert.equal(formatMoney(parseMoney(text, 'p')), text);
    }
  });
});

describe('no floating-point drift', () => {
  it('0.1 + 0.2 is exactly 0.3', () => {
    assert.notEqual(0.1 + 0.2, 0.3); // what floats would have done
    const sum = addMoney(parseMoney('EUR 0.1', 'a'), parseMoney('EUR 0.2', 'b'));
    assert.equal(compareMoney(sum, parseMoney('EUR 0.3', 'c')), 0);
    assert.equal(formatMoney(sum), 'EUR 0.30');
  });

  it('ten times EUR 0.10 is EUR 1.00, added or multiplied', () => {
    const tenth = parseMoney('EUR 0.10', 'p');
    assert.equal(formatMoney(sumMoney(Array.from({ length: 10 }, () => tenth))), 'EUR 1.00');
    assert.equal(formatMoney(chargeFor(tenth, 10)), 'EUR 1.00');
    let float = 0;
    for (let i = 0; i < 10; i++) float += 0.1;
    assert.notEqual(float, 1);
  });

  it('EUR 1.005 rounds to EUR 1.01 (float arithmetic gives 1.00)', () => {
    assert.equal(Math.round(1.005 * 100) / 100, 1);
    assert.equal(charge('EUR 1.005', 1), 'EUR 1.01');
  });

  it('USD 0.333333 × 3 is 0.999999 and charges USD 1.00', () => {
    assert.equal(formatMoney(multiplyMoney(parseMoney('USD 0.333333', 'p'), 3)), 'USD 0.999999');
    assert.equal(charge('USD 0.333333', 3), 'USD 1.00');
  });
});

describe('charge rounding', () => {
  it('is documented as half up on the exact product', () => {
    assert.equal(CHARGE_ROUNDING.mode, 'half-up');
    assert.equal(CHARGE_ROUNDING.priceScale, PRICE_SCALE);
    assert.match(CHARGE_ROUNDING.description, /exact product price × quantity rounded once, half up/);
  });

  it('rounds sub-cent tariffs × quantity half up, once, on the product', () => {
    assert.equal(charge('EUR 0.0125', 1), 'EUR 0.01'); // 0.0125
    assert.equal(charge('EUR 0.0125', 2), 'EUR 0.03'); // 0.025: exactly half goes up
    assert.equal(charge('EUR 0.0125', 3), 'EUR 0.04'); // 0.0375
    assert.equal(charge('EUR 0.0125', 4), 'EUR 0.05'); // per unit it would have been 4 × 0.01 = 0.04
    assert.equal(charge('EUR 0.0125', 7), 'EUR 0.09'); // 0.0875
    assert.equal(charge('EUR 0.004999', 1), 'EUR 0.00');
    assert.equal(charge('EUR 0.005', 1), 'EUR 0.01');
    assert.equal(charge('EUR 0.0125', 1_000_000), 'EUR 12500.00');
    assert.equal(charge('EUR 0.0125', 0), 'EUR 0.00');
  });

  it('uses each currency minor unit', () => {
    assert.equal(charge('JPY 2.5', 1), 'JPY 3');
    assert.equal(charge('JPY 2.4', 1), 'JPY 2');
    assert.equal(charge('JPY 0.35', 10), 'JPY 4'); // 3.5
    assert.equal(charge('BHD 0.0125', 1), 'BHD 0.013');
    assert.equal(charge('GBP 0.015', 1), 'GBP 0.02');
  });

  it('rounds a negative amount half away from zero', () => {
    assert.deepEqual(roundMoney({ currency: 'EUR', minor: -25n, scale: 3 }), { currency: 'EUR', minor: -3n, scale: 2 });
    assert.deepEqual(roundMoney({ currency: 'EUR', minor: -24n, scale: 3 }), { currency: 'EUR', minor: -2n, scale: 2 });
  });

  it('refuses negative or fractional quantities naming the value', () => {
    const price = parseMoney('EUR 0.01', 'p');
    assert.throws(() => multiplyMoney(price, -2, 'usage quantity'), /usage quantity: "-2" is not valid/);
    assert.throws(() => chargeFor(price, 1.5, 'usage quantity'), /usage quantity: "1.5" is not valid/);
    assert.throws(() => chargeFor(price, Number.NaN), /"NaN" is not valid/);
  });
});

describe('add, compare, sum', () => {
  const eur = parseMoney('EUR 1.00', 'a');
  const usd = parseMoney('USD 1.00', 'b');

  it('adds across scales exactly', () => {
    assert.equal(formatMoney(addMoney({ currency: 'EUR', minor: 120n, scale: 2 }, parseMoney('EUR 0.0125', 'p'))), 'EUR 1.2125');
    assert.equal(compareMoney({ currency: 'EUR', minor: 100n, scale: 2 }, eur), 0);
    assert.equal(compareMoney(parseMoney('EUR 0.0125', 'p'), parseMoney('EUR 0.01', 'p')), 1);
    assert.equal(compareMoney(parseMoney('EUR 0.0099', 'p'), parseMoney('EUR 0.01', 'p')), -1);
  });

  it('refuses to mix currencies', () => {
    for (const mix of [() => addMoney(eur, usd), () => compareMoney(eur, usd), () => sumMoney([eur, usd]), () => sumMoney([usd], 'EUR')]) {
      assert.throws(mix, (error: unknown) => error instanceof CurrencyMismatchError && error instanceof InputError && /in EUR/.test(error.message) && /"USD"/.test(error.message));
    }
    assert.throws(() => addMoney(eur, usd, 'agreement total'), /^CurrencyMismatchError: agreement total: "USD" is not valid: expected an amount in EUR/);
  });

  it('sums an empty list to zero only when told the currency', () => {
    assert.equal(formatMoney(sumMoney([], 'JPY')), 'JPY 0');
    assert.throws(() => sumMoney([]), RangeError);
    assert.equal(sumMoney([{ currency: 'EUR', minor: 1n, scale: 0 }]).scale, 2);
  });
});
