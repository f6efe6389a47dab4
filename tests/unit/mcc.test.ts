import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KNOWN_NETWORKS, MCC_TABLE, countryOfMcc, e164CountryCode, networkName, tadigOf } from '../../src/config/mcc';

const CONTINENTS = ['Europe', 'Asia', 'Africa', 'North America', 'South America', 'Oceania'];

test('countryOfMcc finds a country by MCC', () => {
  assert.deepEqual(countryOfMcc('262'), { mcc: '262', iso: 'DE', iso3: 'DEU', country: 'Germany', cc: '49', continent: 'Europe' });
  assert.equal(countryOfMcc('234')?.iso, 'GB');
  assert.equal(countryOfMcc('235')?.country, 'United Kingdom');
  assert.equal(countryOfMcc('311')?.iso3, 'USA');
  assert.equal(countryOfMcc('724')?.continent, 'South America');
  assert.equal(countryOfMcc('505')?.continent, 'Oceania');
  assert.equal(countryOfMcc('655')?.continent, 'Africa');
});

test('countryOfMcc is undefined for an unassigned or malformed MCC', () => {
  assert.equal(countryOfMcc('001'), undefined);
  assert.equal(countryOfMcc('999'), undefined);
  assert.equal(countryOfMcc('26'), undefined);
});

test('e164CountryCode gives the calling code, undefined when unknown', () => {
  assert.equal(e164CountryCode('262'), '49');
  assert.equal(e164CountryCode('310'), '1');
  assert.equal(e164CountryCode('302'), '1');
  assert.equal(e164CountryCode('250'), '7');
  assert.equal(e164CountryCode('244'), '358');
  assert.equal(e164CountryCode('454'), '852');
  assert.equal(e164CountryCode('001'), undefined);
});

test('networkName: a known operator, a known country, then an unknown MCC', () => {
  assert.equal(networkName('262-01'), 'Telekom Deutschland');
  assert.equal(networkName('310-260'), 'T-Mobile USA');
  assert.equal(networkName({ mcc: '234', mnc: '15' }), 'Vodafone UK');
  assert.equal(networkName('262-99'), 'Germany network 262-99');
  assert.equal(networkName('001-01'), 'Network 001-01');
});

test('networkName refuses text that is not MCC-MNC', () => {
  assert.throws(() => networkName('26201'), /PLMN: "26201" is not valid/);
});

test('tadigOf: known operators keep their issued code', () => {
  assert.equal(tadigOf('262-01'), 'DEUD1');
  assert.equal(tadigOf('234-10'), 'GBRCN');
  assert.equal(tadigOf('310-410'), 'USACG');
  assert.equal(tadigOf('226-01'), 'ROMCS');
});

test('tadigOf: synthetic codes are alpha-3 plus the base-36 MNC ordinal', () => {
  assert.equal(tadigOf('262-99'), 'DEU2R');
  assert.equal(tadigOf('262-05'), 'DEU05');
  assert.equal(tadigOf('310-999'), 'USAUJ');
  assert.equal(tadigOf('310-001'), 'USA2T');
  assert.notEqual(tadigOf('262-09'), tadigOf('262-009'));
  assert.equal(tadigOf('001-01'), 'ZZZ01');
  assert.equal(tadigOf('999-123'), tadigOf('998-123'));
});

test('synthetic TADIGs are distinct for every MNC of one MCC', () => {
  const seen = new Set<string>();
  for (let n = 0; n < 100; n++) seen.add(tadigOf(`262-${String(n).padStart(2, '0')}`));
  for (let n = 0; n < 1000; n++) seen.add(tadigOf(`262-${String(n).padStart(3, '0')}`));
  // 262-01/02/03 are known operators, whose issued codes replace three synthetic ones.
  assert.ok(seen.size >= 1100 - 3);
  for (const code of seen) assert.match(code, /^[A-Z]{3}[0-9A-Z]{2}$/);
});

test('the MCC table covers at least 120 countries on every continent', () => {
  const countries = new Set(MCC_TABLE.map((entry) => entry.iso));
  assert.ok(countries.size >= 120, `only ${countries.size} countries`);
  for (const continent of CONTINENTS) assert.ok(MCC_TABLE.some((entry) => entry.continent === continent), continent);
});

test('every MCC entry is well formed and no MCC appears twice', () => {
  const seen = new Set<string>();
  const byIso = new Map<string, { iso3: string; country: string; cc: string }>();
  for (const entry of MCC_TABLE) {
    const label = `MCC ${entry.mcc}`;
    assert.match(entry.mcc, /^[2-7]\d{2}$/, label);
    assert.ok(!seen.has(entry.mcc), `${label} is listed twice`);
    seen.add(entry.mcc);
    assert.match(entry.iso, /^[A-Z]{2}$/, label);
    assert.match(entry.iso3, /^[A-Z]{3}$/, label);
    assert.match(entry.cc, /^[1-9]\d{0,2}$/, label);
    assert.ok(entry.country.length > 0, label);
    assert.ok(CONTINENTS.includes(entry.continent), label);
    const earlier = byIso.get(entry.iso);
    if (earlier) assert.deepEqual({ iso3: entry.iso3, country: entry.country, cc: entry.cc }, earlier, `${label} disagrees with an earlier ${entry.iso} row`);
    else byIso.set(entry.iso, { iso3: entry.iso3, country: entry.country, cc: entry.cc });
  }
});

test('every known network is well formed and sits in a known country', () => {
  assert.ok(Object.keys(KNOWN_NETWORKS).length >= 40);
  const tadigs = new Set<string>();
  for (const [plmn, network] of Object.entries(KNOWN_NETWORKS)) {
    assert.match(plmn, /^\d{3}-\d{2,3}$/, plmn);
    assert.ok(countryOfMcc(plmn.slice(0, 3)), `${plmn}: MCC not in the table`);
    assert.match(network.tadig, /^[A-Z]{3}[0-9A-Z]{2}$/, `${plmn}: TADIG ${network.tadig}`);
    assert.ok(!tadigs.has(network.tadig), `${plmn}: TADIG ${network.tadig} is used twice`);
    tadigs.add(network.tadig);
    assert.ok(network.name.trim().length > 0, plmn);
  }
});
