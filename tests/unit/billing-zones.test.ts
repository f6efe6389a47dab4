import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../src/errors';
import { formatMoney, parseMoney, roundMoney } from '../../src/billing/money';
import { EU_EEA_MCCS, EU_RLAH_ZONE, findZone, inZone, parseZones, retailCharge } from '../../src/billing/zones';

describe('eu-rlah zone', () => {
  it('lists the EU and EEA countries and no others', () => {
    assert.equal(new Set(EU_EEA_MCCS).size, EU_EEA_MCCS.length);
    for (const mcc of ['262', '208', '214', '222', '242', '274', '295', '272']) assert.ok(EU_EEA_MCCS.includes(mcc), mcc);
    for (const mcc of ['228', '234', '235', '212', '213', '310', '440']) assert.ok(!EU_EEA_MCCS.includes(mcc), mcc);
    assert.equal(EU_RLAH_ZONE.name, 'eu-rlah');
    assert.equal(EU_RLAH_ZONE.retail, 'free');
  });

  it('makes retail zero when home and visited are both inside, keeping wholesale', () => {
    const wholesale = roundMoney(parseMoney('EUR 0.0375', 'w'));
    assert.equal(formatMoney(retailCharge(wholesale, EU_RLAH_ZONE, '262-01', '208-01')), 'EUR 0.00');
    assert.equal(formatMoney(wholesale), 'EUR 0.04');
    assert.equal(formatMoney(retailCharge(wholesale, EU_RLAH_ZONE, '262-01', '242-01')), 'EUR 0.00');
  });

  it('charges retail equal to wholesale when either network is outside', () => {
    const wholesale = roundMoney(parseMoney('EUR 0.04', 'w'));
    assert.equal(formatMoney(retailCharge(wholesale, EU_RLAH_ZONE, '262-01', '228-01')), 'EUR 0.04');
    assert.equal(formatMoney(retailCharge(wholesale, EU_RLAH_ZONE, '234-15', '208-01')), 'EUR 0.04');
    assert.equal(formatMoney(retailCharge(wholesale, undefined, '262-01', '208-01')), 'EUR 0.04');
    assert.equal(formatMoney(retailCharge(wholesale, { ...EU_RLAH_ZONE, retail: 'wholesale' }, '262-01', '208-01')), 'EUR 0.04');
  });
});

describe('parseZones', () => {
  it('reads zones from config, MCCs as text or numbers', () => {
    const zones = parseZones([
      { name: 'dach', mccs: [262, '232', '228'], retail: 'free' },
      { name: 'eu-rlah', mccs: [...EU_EEA_MCCS], retail: 'free' },
    ]);
    assert.deepEqual(zones[0], { name: 'dach', mccs: ['262', '232', '228'], retail: 'free' });
    assert.equal(findZone(zones, '262-01', '228-01')?.name, 'dach');
    assert.equal(findZone(zones, '262-01', '208-01')?.name, 'eu-rlah');
    assert.equal(findZone(zones, '262-01', '310-260'), undefined);
    assert.ok(inZone(zones[0], '228-01', '262-02'));
  });

  it('names the path and value of a bad entry', () => {
    const bad: [unknown, string, string][] = [
      [[{ name: 'z', mccs: ['262', '2620'], retail: 'free' }], 'zones[0].mccs[1]', '2620'],
      [[{ name: 'z', mccs: ['262'], retail: 'free' }, { name: 'y', mccs: ['262'], retail: 'cheap' }], 'zones[1].retail', 'cheap'],
      [[{ name: 'z', mccs: ['262'], retail: 'free' }, { name: 'z', mccs: ['208'], retail: 'free' }], 'zones[1].name', 'z'],
      [[{ name: 'z', mccs: [], retail: 'free' }], 'zones[0].mccs', '[]'],
      [[{ name: 'z', mcc: ['262'], retail: 'free' }], 'zones[0].mcc', 'mcc'],
      [{ name: 'z' }, 'zones', '{"name":"z"}'],
    ];
    for (const [raw, source, value] of bad) {
      assert.throws(() => parseZones(raw), (error: unknown) => error instanceof InputError && error.source === source && error.value === value, source);
    }
  });
});
