import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../src/cli/auth-vector';

interface Captured {
  code: number;
  out: string[];
  err: string[];
}

async function cli(argv: string[]): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out, err };
}

const SET1 = {
  k: '465b5ce8b199b49faa5f0a2ee238a6bc',
  op: 'cdc202d5123e20f62b6d676ac72cb318',
  opc: 'cd63cb71954a9f4e48a5994e37a02baf',
  rand: '23553cbe9637a89d218ae64dae47bf35',
  sqn: 'ff9bb4d0b607',
  amf: 'b9b9',
};

const SET1_OUTPUT = {
  mac_a: '4a9ffac354dfafb3',
  mac_s: '01cfaf9ec4e871e9',
  res: 'a54211d5e3ba50bf',
  ck: 'b40ba9a3c58b2a05bbf0d987b21bf8cb',
  ik: 'f769bcd751044604127672711c6d3441',
  ak: 'aa689c648370',
  ak_star: '451e8beca43b',
  autn: '55f328b43577b9b94a9ffac354dfafb3',
};

function args(overrides: Record<string, string | undefined> = {}, base: Record<string, string> = { k: SET1.k, opc: SET1.opc, rand: SET1.rand, sqn: SET1.sqn, amf: SET1.amf }): string[] {
  const merged: Record<string, string | undefined> = { ...base, ...overrides };
  return Object.entries(merged).flatMap(([flag, value]) => (value === undefined ? [] : [`--${flag}`, value]));
}

function onlyJsonLine(result: Captured): Record<string, string> {
  assert.equal(result.code, 0, result.err.join('\n'));
  assert.equal(result.out.length, 1);
  assert.doesNotMatch(result.out[0], /\n/);
  return JSON.parse(result.out[0]) as Record<string, string>;
}

test('TS 35.208 set 1 with --opc reproduces every output and the AUTN', async () => {
  assert.deepEqual(onlyJsonLine(await cli(args())), SET1_OUTPUT);
});

test('TS 35.208 set 1 with --op derives OPc and gives the same vector', async () => {
  assert.deepEqual(onlyJsonLine(await cli(args({ opc: undefined, op: SET1.op }))), SET1_OUTPUT);
});

test('uppercase hex and --flag=value forms are accepted; output stays lowercase', async () => {
  const argv = [`--k=${SET1.k.toUpperCase()}`, `--opc=${SET1.opc.toUpperCase()}`, '--rand', SET1.rand, '--sqn', SET1.sqn, '--amf', 'B9B9'];
  assert.deepEqual(onlyJsonLine(await cli(argv)), SET1_OUTPUT);
});

test('--plmn 208-34 with SQN fd8eef40df7d gives the OAI KASME vector for SN id 02f843', async () => {
  const output = onlyJsonLine(await cli(args({ opc: undefined, op: SET1.op, sqn: 'fd8eef40df7d', amf: '8000', plmn: '208-34' })));
  assert.equal(output.kasme, 'bd7a0903a7d0f68767ee2f5c90cb7d7d835998d940afdbf73173e63567c5b894');
  assert.equal(output.ak, SET1_OUTPUT.ak);
});

test('--plmn 001-01 with AMF 8000 gives the harness AIA vector', async () => {
  const output = onlyJsonLine(await cli(args({ amf: '8000', plmn: '001-01' })));
  assert.equal(output.autn, '55f328b43577800059bcea576837152b');
  assert.equal(output.kasme, '48579af8781c742d5120e6ed8ccac13193f38c53ab7aa69396f49ca6e1b0562d');
});

test('without --plmn there is no kasme field', async () => {
  assert.equal('kasme' in onlyJsonLine(await cli(args())), false);
});

test('--help prints usage and exits 0', async () => {
  for (const flag of ['--help', '-h']) {
    const result = await cli([flag]);
    assert.equal(result.code, 0);
    assert.match(result.out.join('\n'), /Usage: roamsim auth-vector --k HEX/);
    assert.deepEqual(result.err, []);
  }
});

const BAD_INPUT: Array<{ name: string; argv: string[]; expect: RegExp[] }> = [
  { name: 'non-hex K', argv: args({ k: '12zz' }), expect: [/--k: "12zz" is not valid: expected 32 hexadecimal digits \(a 128-bit key\)/] },
  { name: 'short K', argv: args({ k: SET1.k.slice(2) }), expect: [/--k: ".*" is not valid: expected 32 hexadecimal digits/] },
  { name: 'long OPc', argv: args({ opc: `${SET1.opc}00` }), expect: [/--opc: ".*" is not valid: expected 32 hexadecimal digits/] },
  { name: 'bad OP', argv: args({ opc: undefined, op: 'xyz' }), expect: [/--op: "xyz" is not valid: expected 32 hexadecimal digits/] },
  { name: 'short RAND', argv: args({ rand: '00' }), expect: [/--rand: "00" is not valid: expected 32 hexadecimal digits/] },
  { name: 'long SQN', argv: args({ sqn: '0000000000001' }), expect: [/--sqn: "0000000000001" is not valid: expected 12 hexadecimal digits/] },
  { name: 'short AMF', argv: args({ amf: '80' }), expect: [/--amf: "80" is not valid: expected 4 hexadecimal digits/] },
  { name: 'empty AMF', argv: args({ amf: '' }), expect: [/--amf: "" is not valid: expected 4 hexadecimal digits/] },
  { name: 'both --opc and --op', argv: args({ op: SET1.op }), expect: [/--opc and --op: both given .*expected exactly one of them/] },
  { name: 'neither --opc nor --op', argv: args({ opc: undefined }), expect: [/--opc or --op is required: expected 32 hexadecimal digits/] },
  { name: 'missing --rand and --sqn', argv: args({ rand: undefined, sqn: undefined }), expect: [/--rand is required/, /--sqn is required: expected 12 hexadecimal digits/] },
  { name: 'no flags at all', argv: [], expect: [/--k is required/, /--rand is required/, /--sqn is required/, /--amf is required/, /--opc or --op is required/] },
  { name: 'unknown flag', argv: [...args(), '--kk', '00'], expect: [/--kk: "--kk" is not a known flag: expected one of --k, --opc, --op/] },
  { name: 'unknown flag with a value', argv: [...args(), '--imsi=001010123456789'], expect: [/--imsi: "--imsi=001010123456789" is not a known flag/] },
  { name: 'flag without its value', argv: [...args({ amf: undefined }), '--amf'], expect: [/--amf: a value is missing: expected 4 hexadecimal digits/] },
  { name: 'stray positional argument', argv: [...args(), 'extra'], expect: [/"extra" is not valid: expected only flags/] },
  { name: 'PLMN without a dash', argv: args({ plmn: '20834' }), expect: [/--plmn: "20834" is not valid: expected a PLMN as MCC-MNC/] },
  { name: 'PLMN with a 4-digit MNC', argv: args({ plmn: '208-3400' }), expect: [/--plmn: "208-3400" is not valid/] },
];

for (const c of BAD_INPUT) {
  test(`usage error, exit 2: ${c.name}`, async () => {
    const result = await cli(c.argv);
    assert.equal(result.code, 2);
    assert.deepEqual(result.out, []);
    const text = result.err.join('\n');
    for (const pattern of c.expect) assert.match(text, pattern);
  });
}
