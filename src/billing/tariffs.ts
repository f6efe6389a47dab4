import { InputError, describeValue } from '../errors';
import { type Money, parseCurrency, parseMoney } from './money';

export const SERVICES = ['data', 'voice', 'sms'] as const;
export type Service = (typeof SERVICES)[number];

/** The unit each service is priced and rated in. */
export const SERVICE_UNITS: Readonly<Record<Service, string>> = { data: 'MB', voice: 'minute', sms: 'message' };

/** Spellings accepted for each unit, compared case-insensitively. */
const UNIT_SPELLINGS: Readonly<Record<Service, readonly string[]>> = {
  data: ['mb'],
  voice: ['minute', 'minutes', 'min'],
  sms: ['message', 'messages', 'sms'],
};
const SECOND_SPELLINGS = ['second', 'seconds', 'sec', 's'];

/** One agreement's inter-operator prices, all in one currency; a service without a price cannot be rated. */
export interface Tariffs {
  readonly currency: string;
  readonly data?: Money;
  readonly voice?: Money;
  readonly sms?: Money;
}

/** The YAML shape: `{ currency: EUR, data: EUR 0.02, voice: EUR 0.04, sms: EUR 0.01 }`. */
export interface TariffsConfig {
  readonly currency?: string;
  readonly data?: string;
  readonly voice?: string;
  readonly sms?: string;
}

export function parseService(text: string, source: string): Service {
  const service = text.trim().toLowerCase();
  if ((SERVICES as readonly string[]).includes(service)) return service as Service;
  throw new InputError(text, source, `one of ${SERVICES.join(', ')}`);
}

export function priceOf(tariffs: Tariffs, service: Service): Money | undefined {
  return tariffs[service];
}

/**
 * A Gherkin `| service | unit | price |` table for one agreement. Errors name the 1-based data row, the
 * column and the value: unknown service, a unit that is not the service's, a malformed price, a service
 * priced twice, or a currency other than the first row's (one agreement bills in one currency).
 */
export function parseTariffRows(rows: ReadonlyArray<Readonly<Record<string, string>>>, source: string): Tariffs {
  if (rows.length === 0) throw new InputError('', source, 'at least one row of | service | unit | price |');
  const prices: Partial<Record<Service, Money>> = {};
  const rowOf: Partial<Record<Service, number>> = {};
  let currency: string | undefined;
  rows.forEach((raw, index) => {
    const n = index + 1;
    const row = normaliseColumns(raw);
    for (const column of ['service', 'unit', 'price']) {
      if (row[column] === undefined) {
        throw new InputError(Object.keys(raw).join(', '), `${source} row ${n} columns`, 'the columns service, unit and price');
      }
    }
    const service = parseService(row.service, `${source} row ${n} service`);
    if (!unitMatches(service, row.unit)) {
      throw new InputError(row.unit, `${source} row ${n} unit`, `"${SERVICE_UNITS[service]}" for ${service}`);
    }
    const earlier = rowOf[service];
    if (earlier !== undefined) throw new InputError(row.service, `${source} row ${n} service`, `a service not already priced (row ${earlier} prices ${service})`);
    const price = parseMoney(row.price, `${source} row ${n} price`);
    if (currency === undefined) currency = price.currency;
    else if (price.currency !== currency) {
      throw new InputError(row.price, `${source} row ${n} price`, `a price in ${currency} like row 1 (one agreement bills in one currency)`);
    }
    prices[service] = price;
    rowOf[service] = n;
  });
  return { currency: currency as string, ...prices };
}

/**
 * The YAML `tariffs` block of an agreement; `source` is its path (`agreements[2].tariffs`), extended per
 * field (`agreements[2].tariffs.data`). `currency` is optional; when given, every price must be in it.
 */
export function parseTariffsConfig(raw: unknown, source: string): Tariffs {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InputError(describeValue(raw), source, 'a mapping like { currency: EUR, data: EUR 0.02, voice: EUR 0.04, sms: EUR 0.01 }');
  }
  const fields = raw as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (key !== 'currency' && !(SERVICES as readonly string[]).includes(key)) {
      throw new InputError(key, `${source}.${key}`, `one of the keys currency, ${SERVICES.join(', ')}`);
    }
  }
  let currency: string | undefined;
  let currencyFrom = '';
  if (fields.currency !== undefined) {
    if (typeof fields.currency !== 'string') throw new InputError(describeValue(fields.currency), `${source}.currency`, 'an ISO 4217 currency code, e.g. "EUR"');
    currency = parseCurrency(fields.currency, `${source}.currency`);
    currencyFrom = `${source}.currency`;
  }
  const prices: Partial<Record<Service, Money>> = {};
  for (const service of SERVICES) {
    const text = fields[service];
    if (text === undefined) continue;
    const path = `${source}.${service}`;
    if (typeof text !== 'string') throw new InputError(describeValue(text), path, 'a price with its currency as text, e.g. "EUR 0.02"');
    const price = parseMoney(text, path);
    if (currency === undefined) {
      currency = price.currency;
      currencyFrom = path;
    } else if (price.currency !== currency) {
      throw new InputError(text, path, `a price in ${currency}, as set by ${currencyFrom} (one agreement bills in one currency)`);
    }
    prices[service] = price;
  }
  if (Object.keys(prices).length === 0) throw new InputError(describeValue(raw), source, `a price for at least one of ${SERVICES.join(', ')}`);
  return { currency: currency as string, ...prices };
}

/** Whole minutes for a call of `seconds`, rounded up: a started minute is a billed minute. */
export function minutesFromSeconds(seconds: number, source = 'call duration'): number {
  if (!Number.isSafeInteger(seconds) || seconds < 0) throw new InputError(String(seconds), source, 'a whole number of seconds that is not negative');
  return Math.ceil(seconds / 60);
}

/**
 * A usage quantity in the service's tariff unit. `unit` may be left out (the tariff unit is meant); voice
 * also takes seconds, rounded up to whole minutes. Quantities must be whole and not negative.
 */
export function billableQuantity(service: Service, quantity: unknown, unit: unknown, source: string): { quantity: number; unit: string } {
  if (typeof quantity !== 'number' || !Number.isSafeInteger(quantity) || quantity < 0) {
    throw new InputError(describeValue(quantity), `${source} quantity`, `a whole number of ${SERVICE_UNITS[service]} that is not negative`);
  }
  if (unit === undefined) return { quantity, unit: SERVICE_UNITS[service] };
  if (typeof unit === 'string' && unitMatches(service, unit)) return { quantity, unit: SERVICE_UNITS[service] };
  if (service === 'voice' && typeof unit === 'string' && SECOND_SPELLINGS.includes(unit.trim().toLowerCase())) {
    return { quantity: minutesFromSeconds(quantity, `${source} quantity`), unit: SERVICE_UNITS.voice };
  }
  const expected = service === 'voice' ? '"minute" or "second" for voice' : `"${SERVICE_UNITS[service]}" for ${service}`;
  throw new InputError(describeValue(unit), `${source} unit`, expected);
}

function unitMatches(service: Service, unit: string): boolean {
  return UNIT_SPELLINGS[service].includes(unit.trim().toLowerCase());
}

/** Gherkin headers may be capitalised or padded; the table `| Service | Unit | Price |` is the same table. */
function normaliseColumns(row: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(row)) out[key.trim().toLowerCase()] = value;
  return out;
}
