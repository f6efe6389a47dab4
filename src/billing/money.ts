import { InputError } from '../errors';

/**
 * Money is held as integers, never as floating point.
 *
 * - A price is an exact decimal with at most 6 places, kept as integer micro-units (`scale` 6):
 *   `EUR 0.0125` is 12 500 micro-euro. Wholesale tariffs often carry sub-cent prices; a price with more
 *   than 6 places is refused rather than cut.
 * - A charge is computed once per trigger, on the exact product price × quantity (integer × integer, so
 *   nothing is lost), and only then rounded to the currency's minor unit (2 decimals for EUR, USD, GBP,
 *   0 for JPY, 3 for BHD or KWD: see CURRENCY_EXPONENTS) HALF UP: a remainder of half a minor unit or
 *   more goes up, less goes down. EUR 0.0125 × 2 = 0.025 → EUR 0.03; × 3 = 0.0375 → EUR 0.04;
 *   × 1 = 0.0125 → EUR 0.01. Amounts are never negative; a negative one would round half away from zero.
 * - A total is the exact sum of the rounded charges and is never rounded again, so it always equals the
 *   sum of the charges printed on its triggers.
 * - Amounts in different currencies are never added or compared (CurrencyMismatchError); there is no
 *   conversion.
 */
export const CHARGE_ROUNDING = {
  mode: 'half-up',
  priceScale: 6,
  appliesTo: 'the exact product price × quantity, once per trigger',
  roundsTo: "the currency's minor unit (CURRENCY_EXPONENTS)",
  description:
    "Prices are exact decimals with up to 6 places; each charge is the exact product price × quantity rounded once, half up, to the currency's minor unit. Totals are exact sums of the rounded charges and are not rounded again.",
} as const;

/** An exact amount: `minor` units of 10^-scale of `currency` (EUR 1.20 at scale 2 is 120n). */
export interface Money {
  readonly currency: string;
  readonly minor: bigint;
  readonly scale: number;
}

/** Decimal places a parsed price keeps (micro-units). */
export const PRICE_SCALE = 6;

/** ISO 4217 minor-unit exponents for the currencies a roaming agreement is likely to bill in. */
export const CURRENCY_EXPONENTS: Readonly<Record<string, number>> = {
  AED: 2, AUD: 2, BGN: 2, BRL: 2, CAD: 2, CHF: 2, CNY: 2, CZK: 2, DKK: 2, EGP: 2, EUR: 2, GBP: 2, HKD: 2,
  HUF: 2, IDR: 2, ILS: 2, INR: 2, MAD: 2, MXN: 2, MYR: 2, NGN: 2, NOK: 2, NZD: 2, PHP: 2, PKR: 2, PLN: 2,
  QAR: 2, RON: 2, RSD: 2, SAR: 2, SEK: 2, SGD: 2, THB: 2, TRY: 2, TWD: 2, UAH: 2, USD: 2, ZAR: 2,
  CLP: 0, ISK: 0, JPY: 0, KRW: 0, PYG: 0, UGX: 0, VND: 0, XAF: 0, XOF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
};

const MAX_SCALE = 18;
const CURRENCY_CODE = /^[A-Z]{3}$/;
const AMOUNT = /^(\d+)(?:\.(\d+))?$/;
const PRICE_EXAMPLE = 'e.g. "EUR 0.04" or "EUR 0.0125"';

/**
 * Amounts in two currencies met where one was needed. An InputError, so it prints as a sentence naming
 * the odd currency and the one expected.
 */
export class CurrencyMismatchError extends InputError {
  constructor(
    readonly expectedCurrency: string,
    readonly actualCurrency: string,
    source: string,
  ) {
    super(actualCurrency, source, `an amount in ${expectedCurrency} (amounts in different currencies are never added or compared)`);
    this.name = 'CurrencyMismatchError';
  }
}

/** The minor-unit exponent of a known currency; an InputError names an unknown one. */
export function currencyExponent(currency: string, source = 'currency'): number {
  const exponent = Object.prototype.hasOwnProperty.call(CURRENCY_EXPONENTS, currency) ? CURRENCY_EXPONENTS[currency] : undefined;
  if (exponent === undefined) {
    throw new InputError(currency, source, `a currency with a known minor unit: one of ${Object.keys(CURRENCY_EXPONENTS).join(', ')}`);
  }
  return exponent;
}

/** `EUR` → `EUR`; rejects anything but three capital letters of a currency in CURRENCY_EXPONENTS. */
export function parseCurrency(text: string, source: string): string {
  const code = text.trim();
  if (!CURRENCY_CODE.test(code)) throw new InputError(text, source, 'an ISO 4217 currency code of three capital letters, e.g. "EUR"');
  currencyExponent(code, source);
  return code;
}

/**
 * `EUR 0.0125` → { currency: 'EUR', minor: 12500n, scale: 6 }. Exactly one space between code and amount,
 * a decimal point (not a comma), at most 6 decimals, never negative. Errors name the whole text.
 */
export function parseMoney(text: string, source: string): Money {
  const trimmed = text.trim();
  const parts = /^(\S+) (\S+)$/.exec(trimmed);
  if (!parts) {
    if (/^[A-Za-z]{3}[-+\d.,]/.test(trimmed)) throw new InputError(text, source, `a space between the currency and the amount, ${PRICE_EXAMPLE}`);
    if (/^[-+\d.,]+$/.test(trimmed)) throw new InputError(text, source, `a currency code before the amount, ${PRICE_EXAMPLE}`);
    throw new InputError(text, source, `a price as an ISO 4217 currency code, a space and an amount, ${PRICE_EXAMPLE}`);
  }
  const [, code, amount] = parts;
  if (!CURRENCY_CODE.test(code)) throw new InputError(text, source, `an ISO 4217 currency code of three capital letters before the amount, ${PRICE_EXAMPLE}`);
  if (!Object.prototype.hasOwnProperty.call(CURRENCY_EXPONENTS, code)) {
    throw new InputError(text, source, `a currency with a known minor unit: one of ${Object.keys(CURRENCY_EXPONENTS).join(', ')}`);
  }
  if (amount.startsWith('-')) throw new InputError(text, source, `an amount that is not negative, ${PRICE_EXAMPLE}`);
  if (amount.includes(',')) throw new InputError(text, source, `a decimal point, not a comma, ${PRICE_EXAMPLE}`);
  const digits = AMOUNT.exec(amount);
  if (!digits) throw new InputError(text, source, `an amount of digits with an optional decimal point, ${PRICE_EXAMPLE}`);
  const [, whole, fraction = ''] = digits;
  if (fraction.length > PRICE_SCALE) throw new InputError(text, source, `an amount with at most ${PRICE_SCALE} decimals, ${PRICE_EXAMPLE}`);
  return { currency: code, minor: BigInt(whole + fraction.padEnd(PRICE_SCALE, '0')), scale: PRICE_SCALE };
}

/**
 * `USD 1.20`, `JPY 120`, `EUR 0.0125`: at least the currency's minor-unit places, more only when they
 * are not zero, so a sub-cent price reads exactly and a charge reads like an invoice.
 */
export function formatMoney(m: Money): string {
  const exponent = CURRENCY_EXPONENTS[m.currency] ?? 0;
  const negative = m.minor < 0n;
  const digits = (negative ? -m.minor : m.minor).toString().padStart(m.scale + 1, '0');
  const whole = digits.slice(0, digits.length - m.scale);
  let fraction = digits.slice(digits.length - m.scale);
  while (fraction.length > exponent && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  fraction = fraction.padEnd(exponent, '0');
  return `${m.currency} ${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** Zero in `currency`, at its minor-unit scale unless told otherwise. */
export function zeroMoney(currency: string, scale = currencyExponent(currency)): Money {
  return { currency, minor: 0n, scale: checkScale(scale) };
}

/** The same amount at a finer scale (exact); a coarser scale is rounding, see roundMoney. */
export function rescale(m: Money, scale: number): Money {
  checkScale(scale);
  if (scale < m.scale) throw new RangeError(`rescale: ${formatMoney(m)} from scale ${m.scale} to ${scale} would lose digits; use roundMoney`);
  return { currency: m.currency, minor: m.minor * 10n ** BigInt(scale - m.scale), scale };
}

/** Rounds half up (half away from zero) to `scale` places, by default the currency's minor unit. */
export function roundMoney(m: Money, scale = currencyExponent(m.currency)): Money {
  checkScale(scale);
  if (scale >= m.scale) return rescale(m, scale);
  const factor = 10n ** BigInt(m.scale - scale);
  const negative = m.minor < 0n;
  const magnitude = negative ? -m.minor : m.minor;
  let quotient = magnitude / factor;
  if ((magnitude % factor) * 2n >= factor) quotient += 1n;
  return { currency: m.currency, minor: negative ? -quotient : quotient, scale };
}

/** The exact product of an amount and a whole, non-negative quantity (no rounding). */
export function multiplyMoney(m: Money, quantity: number | bigint, source = 'quantity'): Money {
  if (typeof quantity === 'number' && !Number.isSafeInteger(quantity)) throw new InputError(String(quantity), source, 'a whole number');
  const factor = BigInt(quantity);
  if (factor < 0n) throw new InputError(String(quantity), source, 'a whole number that is not negative');
  return { currency: m.currency, minor: m.minor * factor, scale: m.scale };
}

/** What a trigger charges: price × quantity exactly, then rounded once by CHARGE_ROUNDING. */
export function chargeFor(price: Money, quantity: number | bigint, source = 'quantity'): Money {
  return roundMoney(multiplyMoney(price, quantity, source));
}

export function addMoney(a: Money, b: Money, source = 'amount'): Money {
  if (a.currency !== b.currency) throw new CurrencyMismatchError(a.currency, b.currency, source);
  const scale = Math.max(a.scale, b.scale);
  return { currency: a.currency, minor: rescale(a, scale).minor + rescale(b, scale).minor, scale };
}

export function compareMoney(a: Money, b: Money, source = 'amount'): -1 | 0 | 1 {
  if (a.currency !== b.currency) throw new CurrencyMismatchError(a.currency, b.currency, source);
  const scale = Math.max(a.scale, b.scale);
  const x = rescale(a, scale).minor;
  const y = rescale(b, scale).minor;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The exact sum, at the finest scale among the items (never coarser than the currency's minor unit).
 * With `currency`, every item must be in it and an empty list sums to zero; without, the first item sets it.
 */
export function sumMoney(items: Iterable<Money>, currency?: string, source = 'total'): Money {
  let total: Money | undefined = currency === undefined ? undefined : zeroMoney(currency);
  for (const item of items) total = total === undefined ? item : addMoney(total, item, source);
  if (total === undefined) throw new RangeError(`${source}: nothing to add up and no currency given`);
  const floor = CURRENCY_EXPONENTS[total.currency] ?? 0;
  return total.scale < floor ? rescale(total, floor) : total;
}

function checkScale(scale: number): number {
  if (!Number.isInteger(scale) || scale < 0 || scale > MAX_SCALE) throw new RangeError(`money scale ${scale} is not a whole number from 0 to ${MAX_SCALE}`);
  return scale;
}
