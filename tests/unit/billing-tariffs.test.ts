import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../src/errors';
import { formatMoney } from '../../src/billing/money';
import { SERVICE_UNITS, billableQuantity, minutesFromSeconds, parseTariffRows, parseTariffsConfig, priceOf } from '../../src/billing/tariffs';

const rows = (...table: string[][]) => table.map(([service, unit, price]) => ({ service, unit, price }));

function throwsNaming(fn: () => unknown, source: string, value: string, why?: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`);
    assert.equal(error.source, source);
    assert.equal(error.value, value);
    if (why) assert.match(error.message, why);
    return true;
  });
}

describe('parseTariffRows', () => {
  it('reads a | service | unit | price | table', () => {
    const tariffs = parseTariffRows(rows(['data', 'MB', 'EUR 0.0125'], ['voice', 'minute', 'EUR 0.04'], ['sms', 'message', 'EUR 0.01']), 'tariffs');
    assert.equal(tariffs.currency, 'EUR');
    assert.equal(formatMoney(priceOf(tariffs, 'data')!), 'EUR 0.0125');
    assert.equal(formatMoney(priceOf(tariffs, 'voice')!), 'EUR 0.04');
    assert.equal(formatMoney(priceOf(tariffs, 'sms')!), 'EUR 0.01');
    assert.deepEqual(SERVICE_UNITS, { data: 'MB', voice: 'minute', sms: 'message' });
  });

  it('takes capitalised headers, plural units and a partial table', () => {
    const tariffs = parseTariffRows([{ Service: 'SMS', Unit: 'messages', Price: 'USD 0.10' }], 'tariffs');
    assert.equal(tariffs.currency, 'USD');
    assert.equal(priceOf(tariffs, 'data'), undefined);
    assert.equal(formatMoney(tariffs.sms!), 'USD 0.10');
  });

  it('names the row and value of an unknown service', () => {
    throwsNaming(() => parseTariffRows(rows(['data', 'MB', 'EUR 0.02'], ['fax', 'page', 'EUR 0.50']), 'tariffs'), 'tariffs row 2 service', 'fax', /one of data, voice, sms/);
  });

  it('names the row and value of a unit that is not the service unit', () => {
    throwsNaming(() => parseTariffRows(rows(['data', 'minute', 'EUR 0.02']), 'tariffs'), 'tariffs row 1 unit', 'minute', /"MB" for data/);
    throwsNaming(() => parseTariffRows(rows(['sms', 'message', 'EUR 0.01'], ['voice', 'second', 'EUR 0.04']), 'tariffs'), 'tariffs row 2 unit', 'second', /"minute" for voice/);
  });

  it('names the row and value of a malformed price', () => {
    throwsNaming(() => parseTariffRows(rows(['data', 'MB', 'EUR 0.02'], ['voice', 'minute', 'EUR 0.04'], ['sms', 'message', 'EUR1,20']), 'tariffs'), 'tariffs row 3 price', 'EUR1,20', /space between/);
    throwsNaming(() => parseTariffRows(rows(['sms', 'message', '0.01']), 'tariffs'), 'tariffs row 1 price', '0.01', /currency code/);
  });

  it('refuses a second currency within one agreement', () => {
    throwsNaming(
      () => parseTariffRows(rows(['data', 'MB', 'EUR 0.02'], ['sms', 'message', 'USD 0.10']), 'agreement DEUD1-FRAF1 tariffs'),
      'agreement DEUD1-FRAF1 tariffs row 2 price',
      'USD 0.10',
      /a price in EUR like row 1/,
    );
  });

  it('refuses a service priced twice, a missing column and an empty table', () => {
    throwsNaming(() => parseTariffRows(rows(['sms', 'message', 'EUR 0.01'], ['sms', 'message', 'EUR 0.02']), 't'), 't row 2 service', 'sms', /row 1 prices sms/);
    throwsNaming(() => parseTariffRows([{ service: 'sms', price: 'EUR 0.01' }], 't'), 't row 1 columns', 'service, price', /service, unit and price/);
    throwsNaming(() => parseTariffRows([], 't'), 't', '');
  });
});

describe('parseTariffsConfig', () => {
  it('reads the YAML shape', () => {
    const tariffs = parseTariffsConfig({ currency: 'EUR', data: 'EUR 0.02', voice: 'EUR 0.04', sms: 'EUR 0.01' }, 'agreements[2].tariffs');
    assert.equal(tariffs.currency, 'EUR');
    assert.deepEqual([tariffs.data, tariffs.voice, tariffs.sms].map((m) => formatMoney(m!)), ['EUR 0.02', 'EUR 0.04', 'EUR 0.01']);
    assert.equal(parseTariffsConfig({ sms: 'JPY 3' }, 't').currency, 'JPY');
  });

  it('names the path of a bad field', () => {
    throwsNaming(() => parseTariffsConfig({ currency: 'EUR', data: 'EUR 0,02' }, 'agreements[2].tariffs'), 'agreements[2].tariffs.data', 'EUR 0,02', /decimal point/);
    throwsNaming(() => parseTariffsConfig({ currency: 'EUR', data: 'USD 0.02' }, 'agreements[2].tariffs'), 'agreements[2].tariffs.data', 'USD 0.02', /in EUR, as set by agreements\[2\]\.tariffs\.currency/);
    throwsNaming(() => parseTariffsConfig({ data: 'EUR 0.02', sms: 'GBP 0.01' }, 'a.tariffs'), 'a.tariffs.sms', 'GBP 0.01', /as set by a\.tariffs\.data/);
    throwsNaming(() => parseTariffsConfig({ currency: 'Euro', sms: 'EUR 0.01' }, 'a.tariffs'), 'a.tariffs.currency', 'Euro');
    throwsNaming(() => parseTariffsConfig({ currency: 'EUR', date: 'EUR 0.02' }, 'a.tariffs'), 'a.tariffs.date', 'date', /currency, data, voice, sms/);
    throwsNaming(() => parseTariffsConfig({ currency: 'EUR', voice: 0.04 }, 'a.tariffs'), 'a.tariffs.voice', '0.04', /as text/);
    throwsNaming(() => parseTariffsConfig({ currency: 'EUR' }, 'a.tariffs'), 'a.tariffs', '{"currency":"EUR"}', /at least one/);
    throwsNaming(() => parseTariffsConfig('EUR 0.02', 'a.tariffs'), 'a.tariffs', 'EUR 0.02', /a mapping/);
  });
});

describe('billable quantities', () => {
  it('rounds call seconds up to whole minutes', () => {
    assert.deepEqual([0, 1, 59, 60, 61, 120, 121].map((s) => minutesFromSeconds(s)), [0, 1, 1, 1, 2, 2, 3]);
    assert.deepEqual(billableQuantity('voice', 90, 'seconds', 'usage'), { quantity: 2, unit: 'minute' });
    assert.deepEqual(billableQuantity('voice', 3, 'minute', 'usage'), { quantity: 3, unit: 'minute' });
    assert.deepEqual(billableQuantity('sms', 2, undefined, 'usage'), { quantity: 2, unit: 'message' });
  });

  it('names a bad quantity or unit', () => {
    throwsNaming(() => billableQuantity('data', -1, undefined, 'usage'), 'usage quantity', '-1', /not negative/);
    throwsNaming(() => billableQuantity('data', 1.5, undefined, 'usage'), 'usage quantity', '1.5');
    throwsNaming(() => billableQuantity('sms', '2', undefined, 'usage'), 'usage quantity', '2');
    throwsNaming(() => billableQuantity('data', 5, 'GB', 'usage'), 'usage unit', 'GB', /"MB" for data/);
    throwsNaming(() => billableQuantity('sms', 1, 'second', 'usage'), 'usage unit', 'second');
    throwsNaming(() => minutesFromSeconds(-5), 'call duration', '-5');
  });
});
