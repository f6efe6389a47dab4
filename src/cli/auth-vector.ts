import { parseArgs } from 'node:util';
import { isUserError } from '../errors';
import { buildAutn, computeOpc, deriveKasme, milenage } from '../protocol/milenage';
import { encodePlmnId, parsePlmn } from '../protocol/plmn';

import { type CliIo, defaultIo } from './io';

export type { CliIo };

const USAGE = `Usage: roamsim auth-vector --k HEX (--opc HEX | --op HEX) --rand HEX --sqn HEX --amf HEX [--plmn MCC-MNC]

Computes one Milenage authentication vector (TS 35.206) and prints it as one JSON line with the
hexadecimal fields mac_a, mac_s, res, ck, ik, ak, ak_star, autn and, with --plmn, kasme (TS 33.401 A.2).

  --k HEX         subscriber key K, 32 hexadecimal digits
  --opc HEX       operator variant OPc, 32 hexadecimal digits
  --op HEX        operator variant OP, 32 hexadecimal digits (OPc is derived from it and K)
  --rand HEX      RAND, 32 hexadecimal digits
  --sqn HEX       sequence number SQN, 12 hexadecimal digits
  --amf HEX       authentication management field AMF, 4 hexadecimal digits (EPS vectors set 8000)
  --plmn MCC-MNC  serving network for KASME, e.g. 262-01 or 310-260
  -h, --help      show this text

Exit status: 0 on success, 2 on a usage error.`;

const OPTIONS = {
  k: { type: 'string' },
  opc: { type: 'string' },
  op: { type: 'string' },
  rand: { type: 'string' },
  sqn: { type: 'string' },
  amf: { type: 'string' },
  plmn: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const KNOWN_FLAGS = Object.keys(OPTIONS).map((name) => `--${name}`);

const HEX_FIELDS = {
  k: { bytes: 16, what: 'a 128-bit key' },
  opc: { bytes: 16, what: 'the 128-bit OPc' },
  op: { bytes: 16, what: 'the 128-bit OP' },
  rand: { bytes: 16, what: 'the 128-bit RAND' },
  sqn: { bytes: 6, what: 'the 48-bit SQN' },
  amf: { bytes: 2, what: 'the 16-bit AMF' },
} as const;

type HexField = keyof typeof HEX_FIELDS;

function expectation(field: HexField): string {
  const { bytes, what } = HEX_FIELDS[field];
  return `${bytes * 2} hexadecimal digits (${what})`;
}

function problem(flag: string, value: string, expected: string): string {
  return `${flag}: ${JSON.stringify(value)} is not valid: expected ${expected}`;
}

/**
 * parseArgs only says what went wrong in prose, so a rejected command line is walked again without
 * strictness to name the flag and value in our own words.
 */
function diagnose(argv: string[]): string[] {
  const { tokens } = parseArgs({ args: argv, options: OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const problems: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') {
      problems.push(problem('roamsim auth-vector', token.value, `only flags (${KNOWN_FLAGS.join(', ')})`));
    } else if (token.kind === 'option') {
      const known = Object.hasOwn(OPTIONS, token.name);
      if (!known) {
        const given = token.value === undefined ? token.rawName : `${token.rawName}=${token.value}`;
        problems.push(`${token.rawName}: ${JSON.stringify(given)} is not a known flag: expected one of ${KNOWN_FLAGS.join(', ')}`);
      } else if (token.name === 'help') {
        if (token.value !== undefined) problems.push(problem(token.rawName, token.value, 'no value'));
      } else if (token.value === undefined || (token.inlineValue === false && token.value.startsWith('-'))) {
        const field = token.name as HexField | 'plmn';
        const expected = field === 'plmn' ? 'a PLMN as MCC-MNC, e.g. 262-01' : expectation(field);
        problems.push(`${token.rawName}: a value is missing: expected ${expected}`);
      }
    }
  }
  return problems;
}

function readHex(values: Record<string, string | undefined>, field: HexField, problems: string[]): Buffer | undefined {
  const text = values[field];
  if (text === undefined) return undefined;
  const digits = HEX_FIELDS[field].bytes * 2;
  if (text.length !== digits || !/^[0-9a-fA-F]*$/.test(text)) {
    problems.push(problem(`--${field}`, text, expectation(field)));
    return undefined;
  }
  return Buffer.from(text, 'hex');
}

export async function run(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const usageError = (problems: string[]): number => {
    for (const line of problems) io.err(line);
    io.err('Run "roamsim auth-vector --help" for usage.');
    return 2;
  };

  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const problems = diagnose(argv);
    return usageError(problems.length > 0 ? problems : [error instanceof Error ? error.message : String(error)]);
  }
  if (values.help === true) {
    io.out(USAGE);
    return 0;
  }

  const text = values as Record<string, string | undefined>;
  const problems: string[] = [];
  for (const field of ['k', 'rand', 'sqn', 'amf'] as const) {
    if (text[field] === undefined) problems.push(`--${field} is required: expected ${expectation(field)}`);
  }
  if (text.opc !== undefined && text.op !== undefined) {
    problems.push(`--opc and --op: both given (${JSON.stringify(text.opc)}, ${JSON.stringify(text.op)}): expected exactly one of them`);
  } else if (text.opc === undefined && text.op === undefined) {
    problems.push(`--opc or --op is required: expected ${expectation('opc')}`);
  }
  const k = readHex(text, 'k', problems);
  const opcGiven = readHex(text, 'opc', problems);
  const op = readHex(text, 'op', problems);
  const rand = readHex(text, 'rand', problems);
  const sqn = readHex(text, 'sqn', problems);
  const amf = readHex(text, 'amf', problems);
  let snId: Buffer | undefined;
  if (text.plmn !== undefined) {
    try {
      snId = encodePlmnId(parsePlmn(text.plmn, '--plmn'));
    } catch (error) {
      if (!isUserError(error)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length > 0 || !k || !rand || !sqn || !amf) return usageError(problems);
  const opc = opcGiven ?? (op ? computeOpc(k, op) : undefined);
  if (!opc) return usageError(problems);

  const vector = milenage({ k, opc, rand, sqn, amf });
  const autn = buildAutn(sqn, vector.ak, amf, vector.macA);
  const result: Record<string, string> = {
    mac_a: vector.macA.toString('hex'),
    mac_s: vector.macS.toString('hex'),
    res: vector.res.toString('hex'),
    ck: vector.ck.toString('hex'),
    ik: vector.ik.toString('hex'),
    ak: vector.ak.toString('hex'),
    ak_star: vector.akStar.toString('hex'),
    autn: autn.toString('hex'),
  };
  if (snId) result.kasme = deriveKasme(vector.ck, vector.ik, snId, autn.subarray(0, 6)).toString('hex');
  io.out(JSON.stringify(result));
  return 0;
}

if (require.main === module) {
  run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
