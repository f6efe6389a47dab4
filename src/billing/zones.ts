import { InputError, describeValue } from '../errors';
import { parsePlmn } from '../protocol/plmn';
import { type Money, zeroMoney } from './money';

/** `free`: the subscriber pays no roaming charge inside the zone; `wholesale`: retail equals wholesale. */
export const RETAIL_RULES = ['free', 'wholesale'] as const;
export type RetailRule = (typeof RETAIL_RULES)[number];

/** A set of countries (by MCC) where a retail rule applies when both home and visited network are in it. */
export interface Zone {
  readonly name: string;
  readonly mccs: readonly string[];
  readonly retail: RetailRule;
}

/**
 * EU member states plus the EEA (Iceland, Liechtenstein, Norway), where Regulation (EU) 2022/612 makes
 * roaming "like at home". 340 (French Antilles, French Guiana) and 647 (Réunion, Mayotte) are EU outermost
 * regions; 340 also serves Saint-Barthélemy, which is not, and an MCC cannot tell them apart. Switzerland
 * (228), the UK (234, 235), Monaco (212), Andorra (213), San Marino (292) and the Vatican (225) are outside.
 */
export const EU_EEA_MCCS: readonly string[] = [
  '202', // Greece
  '204', // Netherlands
  '206', // Belgium
  '208', // France
  '214', // Spain
  '216', // Hungary
  '219', // Croatia
  '222', // Italy
  '226', // Romania
  '230', // Czech Republic
  '231', // Slovakia
  '232', // Austria
  '238', // Denmark
  '240', // Sweden
  '242', // Norway (EEA)
  '244', // Finland
  '246', // Lithuania
  '247', // Latvia
  '248', // Estonia
  '260', // Poland
  '262', // Germany
  '268', // Portugal
  '270', // Luxembourg
  '272', // Ireland
  '274', // Iceland (EEA)
  '278', // Malta
  '280', // Cyprus
  '284', // Bulgaria
  '293', // Slovenia
  '295', // Liechtenstein (EEA)
  '340', // French Antilles, French Guiana
  '647', // Réunion, Mayotte
];

export const EU_RLAH_ZONE: Zone = { name: 'eu-rlah', mccs: EU_EEA_MCCS, retail: 'free' };

/**
 * The YAML `zones:` list, `[{ name, mccs: [...], retail: free }]`. Errors carry the path
 * (`zones[1].mccs[3]`). MCCs may be written as numbers: no MCC starts with 0, so nothing is lost.
 */
export function parseZones(raw: unknown, source = 'zones'): Zone[] {
  if (!Array.isArray(raw)) throw new InputError(describeValue(raw), source, 'a list of zones like [{ name: eu-rlah, mccs: [262, 208], retail: free }]');
  const names = new Map<string, number>();
  return raw.map((entry, index) => {
    const path = `${source}[${index}]`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw new InputError(describeValue(entry), path, 'a mapping with name, mccs and retail');
    const fields = entry as Record<string, unknown>;
    for (const key of Object.keys(fields)) {
      if (!['name', 'mccs', 'retail'].includes(key)) throw new InputError(key, `${path}.${key}`, 'one of the keys name, mccs, retail');
    }
    const name = fields.name;
    if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
      throw new InputError(describeValue(name), `${path}.name`, 'a zone name of letters, digits, ".", "_" or "-", e.g. "eu-rlah"');
    }
    const first = names.get(name);
    if (first !== undefined) throw new InputError(name, `${path}.name`, `a name not already used by ${source}[${first}]`);
    names.set(name, index);
    if (!Array.isArray(fields.mccs) || fields.mccs.length === 0) throw new InputError(describeValue(fields.mccs), `${path}.mccs`, 'a non-empty list of 3-digit MCCs');
    const mccs = fields.mccs.map((mcc: unknown, i: number) => parseMcc(mcc, `${path}.mccs[${i}]`));
    const retail = fields.retail;
    if (typeof retail !== 'string' || !(RETAIL_RULES as readonly string[]).includes(retail)) {
      throw new InputError(describeValue(retail), `${path}.retail`, `one of ${RETAIL_RULES.join(', ')}`);
    }
    return { name, mccs: [...new Set(mccs)], retail: retail as RetailRule };
  });
}

/** True when both networks' MCCs are in the zone: roaming between two zone countries. */
export function inZone(zone: Zone, homePlmn: string, visitedPlmn: string): boolean {
  return zone.mccs.includes(parsePlmn(homePlmn, 'home PLMN').mcc) && zone.mccs.includes(parsePlmn(visitedPlmn, 'visited PLMN').mcc);
}

/** The first zone, in configuration order, holding both networks. */
export function findZone(zones: readonly Zone[], homePlmn: string, visitedPlmn: string): Zone | undefined {
  return zones.find((zone) => inZone(zone, homePlmn, visitedPlmn));
}

/**
 * What the subscriber pays for a wholesale charge: nothing inside a `free` zone holding both networks,
 * otherwise the wholesale charge itself. The wholesale charge is still recorded either way.
 */
export function retailCharge(wholesale: Money, zone: Zone | undefined, homePlmn: string, visitedPlmn: string): Money {
  if (zone && zone.retail === 'free' && inZone(zone, homePlmn, visitedPlmn)) return zeroMoney(wholesale.currency, wholesale.scale);
  return wholesale;
}

function parseMcc(value: unknown, source: string): string {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\d{3}$/.test(text.trim())) throw new InputError(describeValue(value), source, 'a 3-digit MCC, e.g. "262"');
  return text.trim();
}
