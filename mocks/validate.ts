import { parsePlmn } from '../src/protocol/plmn';
import { RATS, type Rat } from '../src/protocol/rat';

/** A request body field that is missing or wrong: becomes a 400 application/problem+json answer. */
export class BodyProblem extends Error {
  constructor(
    readonly field: string,
    readonly detail: string,
  ) {
    super(`${field}: ${detail}`);
    this.name = 'BodyProblem';
  }
}

type Reader<T> = (value: unknown, field: string) => T;

const digits = (min: number, max: number, what: string): Reader<string> => (value, field) => {
  if (typeof value !== 'string' || !new RegExp(`^\\d{${min},${max}}$`).test(value)) {
    throw new BodyProblem(field, `${describe(value)}: expected ${what} (${min}-${max} digits as a string)`);
  }
  return value;
};

export const imsi = digits(6, 15, 'an IMSI');
export const e164 = digits(5, 15, 'an E.164 number');
export const hex = (field: string, value: unknown): string => {
  if (typeof value !== 'string' || !/^[0-9a-fA-F]+$/.test(value) || value.length % 2 !== 0) throw new BodyProblem(field, `${describe(value)}: expected hexadecimal bytes`);
  return value;
};

/** Exactly `length` octets as hexadecimal digits (RAND 16, AUTS 14). */
export const octets = (length: number, what: string): Reader<string> => (value, field) => {
  if (typeof value !== 'string' || !new RegExp(`^[0-9a-fA-F]{${length * 2}}$`).test(value)) {
    throw new BodyProblem(field, `${describe(value)}: expected ${what} as ${length} octets (${length * 2} hexadecimal digits)`);
  }
  return value.toLowerCase();
};

/** Re-synchronisation info of a SAI/AIR: `{ rand, auts }` (TS 29.002 §8.5.2, TS 29.272 §7.3.15). */
export const resync: Reader<{ rand: string; auts: string }> = (value, field) => {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new BodyProblem(field, `${describe(value)}: expected { "rand": 16 octets hex, "auts": 14 octets hex }`);
  const source = value as Record<string, unknown>;
  return { rand: octets(16, 'RAND')(source.rand, `${field}.rand`), auts: octets(14, 'AUTS')(source.auts, `${field}.auts`) };
};

export const plmn: Reader<string> = (value, field) => {
  if (typeof value !== 'string') throw new BodyProblem(field, `${describe(value)}: expected a PLMN as "MCC-MNC"`);
  try {
    parsePlmn(value);
  } catch {
    throw new BodyProblem(field, `${describe(value)}: expected a PLMN as "MCC-MNC", e.g. "262-01"`);
  }
  return value;
};

export const rat: Reader<Rat> = (value, field) => {
  if (typeof value !== 'string' || !(RATS as readonly string[]).includes(value)) throw new BodyProblem(field, `${describe(value)}: expected one of ${RATS.join(', ')}`);
  return value as Rat;
};

export const rats: Reader<Rat[]> = (value, field) => {
  if (!Array.isArray(value) || value.length === 0) throw new BodyProblem(field, `${describe(value)}: expected a non-empty list of ${RATS.join(', ')}`);
  return value.map((item, i) => rat(item, `${field}[${i}]`));
};

export const flag: Reader<boolean> = (value, field) => {
  if (typeof value !== 'boolean') throw new BodyProblem(field, `${describe(value)}: expected true or false`);
  return value;
};

export const text: Reader<string> = (value, field) => {
  if (typeof value !== 'string' || value.length === 0 || value.length > 255) throw new BodyProblem(field, `${describe(value)}: expected a non-empty string`);
  return value;
};

export const count = (min: number, max: number): Reader<number> => (value, field) => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw new BodyProblem(field, `${describe(value)}: expected an integer from ${min} to ${max}`);
  return value;
};

/** A location area identity: `{ "plmn": "MCC-MNC", "lac": 0..65535 }` (SGsAP new LAI). */
export const lai: Reader<{ plmn: string; lac: number }> = (value, field) => {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new BodyProblem(field, `${describe(value)}: expected a location area as { "plmn": "MCC-MNC", "lac": 0-65535 }`);
  const area = value as Record<string, unknown>;
  return { plmn: plmn(area.plmn, `${field}.plmn`), lac: count(0, 0xffff)(area.lac, `${field}.lac`) };
};

export function optional<T>(reader: Reader<T>): Reader<T | undefined> {
  return (value, field) => (value === undefined ? undefined : reader(value, field));
}

export type Shape = Record<string, Reader<unknown>>;
export type Parsed<S extends Shape> = { [K in keyof S]: ReturnType<S[K]> };

/** Reads a JSON body against a shape; the first wrong field is named in the problem. */
export function readBody<S extends Shape>(body: unknown, shape: S): Parsed<S> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new BodyProblem('(body)', `${describe(body)}: expected a JSON object`);
  const source = body as Record<string, unknown>;
  const out: Record<string, unknown> = { ...source };
  for (const [field, reader] of Object.entries(shape)) {
    const value = reader(source[field], field);
    if (value !== undefined) out[field] = value;
  }
  return out as Parsed<S>;
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  const shown = JSON.stringify(value);
  return `${shown === undefined ? String(value) : shown.slice(0, 60)} is not valid`;
}
