import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EPS_AMF_SEPARATION_BIT,
  buildAuts,
  buildAutn,
  computeOpc,
  deriveKasme,
  gsmFromUmts,
  milenage,
  verifyAutn,
  withSeparationBit,
} from '../../src/protocol/milenage';

const hex = (text: string): Buffer => Buffer.from(text, 'hex');

interface Set35208 {
  set: number;
  k: string;
  rand: string;
  sqn: string;
  amf: string;
  op: string;
  opc: string;
  f1: string;
  f1star: string;
  f2: string;
  f3: string;
  f4: string;
  f5: string;
  f5star: string;
  autn: string;
}

// TS 35.208 §4.3, sets 1 to 13; AUTN uses each set's own AMF.
const SETS: Set35208[] = [
  { set: 1, k: '465b5ce8b199b49faa5f0a2ee238a6bc', rand: '23553cbe9637a89d218ae64dae47bf35', sqn: 'ff9bb4d0b607', amf: 'b9b9', op: 'cdc202d5123e20f62b6d676ac72cb318', opc: 'cd63cb71954a9f4e48a5994e37a02baf', f1: '4a9ffac354dfafb3', f1star: '01cfaf9ec4e871e9', f2: 'a54211d5e3ba50bf', f3: 'b40ba9a3c58b2a05bbf0d987b21bf8cb', f4: 'f769bcd751044604127672711c6d3441', f5: 'aa689c648370', f5star: '451e8beca43b', autn: '55f328b43577b9b94a9ffac354dfafb3' },
  { set: 2, k: '465b5ce8b199b49faa5f0a2ee238a6bc', rand: '23553cbe9637a89d218ae64dae47bf35', sqn: 'ff9bb4d0b607', amf: 'b9b9', op: 'cdc202d5123e20f62b6d676ac72cb318', opc: 'cd63cb71954a9f4e48a5994e37a02baf', f1: '4a9ffac354dfafb3', f1star: '01cfaf9ec4e871e9', f2: 'a54211d5e3ba50bf', f3: 'b40ba9a3c58b2a05bbf0d987b21bf8cb', f4: 'f769bcd751044604127672711c6d3441', f5: 'aa689c648370', f5star: '451e8beca43b', autn: '55f328b43577b9b94a9ffac354dfafb3' },
  { set: 3, k: 'fec86ba6eb707ed08905757b1bb44b8f', rand: '9f7c8d021accf4db213ccff0c7f71a6a', sqn: '9d0277595ffc', amf: '725c', op: 'dbc59adcb6f9a0ef735477b7fadf8374', opc: '1006020f0a478bf6b699f15c062e42b3', f1: '9cabc3e99baf7281', f1star: '95814ba2b3044324', f2: '8011c48c0c214ed2', f3: '5dbdbb2954e8f3cde665b046179a5098', f4: '59a92d3b476a0443487055cf88b2307b', f5: '33484dc2136b', f5star: 'deacdd848cc6', autn: 'ae4a3a9b4c97725c9cabc3e99baf7281' },
  { set: 4, k: '9e5944aea94b81165c82fbf9f32db751', rand: 'ce83dbc54ac0274a157c17f80d017bd6', sqn: '0b604a81eca8', amf: '9e09', op: '223014c5806694c007ca1eeef57f004f', opc: 'a64a507ae1a2a98bb88eb4210135dc87', f1: '74a58220cba84c49', f1star: 'ac2cc74a96871837', f2: 'f365cd683cd92e96', f3: 'e203edb3971574f5a94b0d61b816345d', f4: '0c4524adeac041c4dd830d20854fc46b', f5: 'f0b9c08ad02e', f5star: '6085a86c6f63', autn: 'fbd98a0b3c869e0974a58220cba84c49' },
  { set: 5, k: '4ab1deb05ca6ceb051fc98e77d026a84', rand: '74b0cd6031a1c8339b2b6ce2b8c4a186', sqn: 'e880a1b580b6', amf: '9f07', op: '2d16c5cd1fdf6b22383584e3bef2a8d8', opc: 'dcf07cbd51855290b92a07a9891e523e', f1: '49e785dd12626ef2', f1star: '9e85790336bb3fa2', f2: '5860fc1bce351e7e', f3: '7657766b373d1c2138f307e3de9242f9', f4: '1c42e960d89b8fa99f2744e0708ccb53', f5: '31e11a609118', f5star: 'fe2555e54aa9', autn: 'd961bbd511ae9f0749e785dd12626ef2' },
  { set: 6, k: '6c38a116ac280c454f59332ee35c8c4f', rand: 'ee6466bc96202c5a557abbeff8babf63', sqn: '414b98222181', amf: '4464', op: '1ba00a1a7c6700ac8c3ff3e96ad08725', opc: '3803ef5363b947c6aaa225e58fae3934', f1: '078adfb488241a57', f1star: '80246b8d0186bcf1', f2: '16c8233f05a0ac28', f3: '3f8c7587fe8e4b233af676aede30ba3b', f4: 'a7466cc1e6b2a1337d49d3b66e95d7b4', f5: '45b0f69ab06c', f5star: '1f53cd2b1113', autn: '04fb6eb891ed4464078adfb488241a57' },
  { set: 7, k: '2d609d4db0ac5bf0d2c0de267014de0d', rand: '194aa756013896b74b4a2a3b0af4539e', sqn: '6bf69438c2e4', amf: '5f67', op: '460a48385427aa39264aac8efc9e73e8', opc: 'c35a0ab0bcbfc9252caff15f24efbde0', f1: 'bd07d3003b9e5cc3', f1star: 'bcb6c2fcad152250', f2: '8c25a16cd918a1df', f3: '4cd0846020f8fa0731dd47cbdc6be411', f4: '88ab80a415f15c73711254a1d388f696', f5: '7e6455f34cf3', f5star: 'dc6dd01e8f15', autn: '1592c1cb8e175f67bd07d3003b9e5cc3' },
  { set: 8, k: 'a530a7fe428fad1082c45eddfce13884', rand: '3a4c2b3245c50eb5c71d08639395764d', sqn: 'f63f5d768784', amf: 'b90e', op: '511c6c4e83e38c89b1c5d8dde62426fa', opc: '27953e49bc8af6dcc6e730eb80286be3', f1: '53761fbd679b0bad', f1star: '21adfd334a10e7ce', f2: 'a63241e1ffc3e5ab', f3: '10f05bab75a99a5fbb98a9c287679c3b', f4: 'f9ec0865eb32f22369cade40c59c3a44', f5: '88196c47986f', f5star: 'c987a3d23115', autn: '7e2631311febb90e53761fbd679b0bad' },
  { set: 9, k: 'd9151cf04896e25830bf2e08267b8360', rand: 'f761e5e93d603feb730e27556cb8a2ca', sqn: '47ee0199820a', amf: '9113', op: '75fc2233a44294ee8e6de25c4353d26b', opc: 'c4c93effe8a08138c203d4c27ce4e3d9', f1: '66cc4be44862af1f', f1star: '7a4b8d7a8753f246', f2: '4a90b2171ac83a76', f3: '71236b7129f9b22ab77ea7a54c96da22', f4: '90527ebaa5588968db41727325a04d9e', f5: '82a0f5287a71', f5star: '527dbf41f35f', autn: 'c54ef4b1f87b911366cc4be44862af1f' },
  { set: 10, k: 'a0e2971b6822e8d354a18cc235624ecb', rand: '08eff828b13fdb562722c65c7f30a9b2', sqn: 'db5c066481e0', amf: '716b', op: '323792faca21fb4d5d6f13c145a9d2c1', opc: '82a26f22bba9e9488f949a10d98e9cc4', f1: '9485fe24621cb9f6', f1star: 'bce325ce03e2e9b9', f2: '4bc2212d8624910a', f3: '08cef6d004ec61471a3c3cda048137fa', f4: 'ed0318ca5deb9206272f6e8fa64ba411', f5: 'a2f858aa9e5d', f5star: '74e76fbbec38', autn: '79a45ece1fbd716b9485fe24621cb9f6' },
  { set: 11, k: '0da6f7ba86d5eac8a19cf563ac58642d', rand: '679ac4dbacd7d233ff9d6806f4149ce3', sqn: '6e2331d692ad', amf: '224a', op: '4b9a26fa459e3acbff36f4015de3bdc1', opc: '0db1071f8767562ca43a0a64c41e8d08', f1: '2831d7ae9088e492', f1star: '9b2e16951135d523', f2: '6fc30fee6d123523', f3: '69b1cae7c7429d975e245cacb05a517c', f4: '74f24e8c26df58e1b38d7dcd4f1b7fbd', f5: '4c539a26e1fa', f5star: '07861e126928', autn: '2270abf07357224a2831d7ae9088e492' },
  { set: 12, k: '77b45843c88e58c10d202684515ed430', rand: '4c47eb3076dc55fe5106cb2034b8cd78', sqn: 'fe1a8731005d', amf: 'ad25', op: 'bf3286c7a51409ce95724d503bfe6e70', opc: 'd483afae562409a326b5bb0b20c4d762', f1: '08332d7e9f484570', f1star: 'ed41b734489d5207', f2: 'aefa357beac2a87a', f3: '908c43f0569cb8f74bc971e706c36c5f', f4: 'c251df0d888dd9329bcf46655b226e40', f5: '30ff25cdadf6', f5star: 'e84ed0d4677e', autn: 'cee5a2fcadabad2508332d7e9f484570' },
  { set: 13, k: '729b17729270dd87ccdf1bfe29b4e9bb', rand: '311c4c929744d675b720f3b7e9b1cbd0', sqn: 'c85c4cf65916', amf: '5bb2', op: 'd04c9c35bd2262fa810d2924d036fd13', opc: '228c2f2f06ac3268a9e616ee16db4ba1', f1: 'ff794fe2f827ebf8', f1star: '24fe4dc61e874b52', f2: '98dbbd099b3b408d', f3: '44c0f23c5493cfd241e48f197e1d1012', f4: '0c9fb81613884c2535dd0eabf3b440d8', f5: '5380d158cfe3', f5star: '87ac3b559fb6', autn: '9bdc9dae96f55bb2ff794fe2f827ebf8' },
];

for (const v of SETS) {
  test(`TS 35.208 test set ${v.set}: OPc from OP, f1..f5*, AUTN`, () => {
    const opc = computeOpc(hex(v.k), hex(v.op));
    assert.equal(opc.toString('hex'), v.opc, 'OPc');
    const out = milenage({ k: hex(v.k), opc, rand: hex(v.rand), sqn: hex(v.sqn), amf: hex(v.amf) });
    assert.equal(out.macA.toString('hex'), v.f1, 'f1 (MAC-A)');
    assert.equal(out.macS.toString('hex'), v.f1star, 'f1* (MAC-S)');
    assert.equal(out.res.toString('hex'), v.f2, 'f2 (RES)');
    assert.equal(out.ck.toString('hex'), v.f3, 'f3 (CK)');
    assert.equal(out.ik.toString('hex'), v.f4, 'f4 (IK)');
    assert.equal(out.ak.toString('hex'), v.f5, 'f5 (AK)');
    assert.equal(out.akStar.toString('hex'), v.f5star, 'f5* (AK*)');
    assert.equal(buildAutn(hex(v.sqn), out.ak, hex(v.amf), out.macA).toString('hex'), v.autn, 'AUTN');
  });
}

const SET1 = SETS[0];
const SET1_CK = hex(SET1.f3);
const SET1_IK = hex(SET1.f4);
const SET1_AK = hex(SET1.f5);

function xor(a: Buffer, b: Buffer): Buffer {
  return Buffer.from(a.map((byte, i) => byte ^ b[i]));
}

// OAI test_security_kasme.c vectors (CK/IK/AK are the set-1 outputs).
const KASME_VECTORS = [
  { snId: '024830', sqn: 'fd8eef40df7d', kasme: '238e457e0f758badbca8d34bb2612c10428d426757cb5553b2b184fa64bfc549' },
  { snId: '02f843', sqn: 'fd8eef40df7d', kasme: 'bd7a0903a7d0f68767ee2f5c90cb7d7d835998d940afdbf73173e63567c5b894' },
  { snId: '024830', sqn: 'ff9bb4d0b607', kasme: '564cb4d2007e4f293b67d9b29392a64add4c776b133d895af6499aa6882aab62' },
  { snId: '02f843', sqn: 'ff9bb4d0b607', kasme: '34865eb0dc9a6d788a905c0514529bf588485da817ffbe92e9a9b4d033b8cc6f' },
];

for (const v of KASME_VECTORS) {
  test(`KASME (TS 33.401 A.2): SN id ${v.snId}, SQN ${v.sqn}`, () => {
    const kasme = deriveKasme(SET1_CK, SET1_IK, hex(v.snId), xor(hex(v.sqn), SET1_AK));
    assert.equal(kasme.toString('hex'), v.kasme);
  });
}

test('harness AIA vector: set 1 with AMF 8000 and SN id 00f110 (MCC 001 / MNC 01)', () => {
  const amf = withSeparationBit(Buffer.alloc(2));
  assert.equal(amf.toString('hex'), '8000');
  const k = hex(SET1.k);
  const sqn = hex(SET1.sqn);
  const out = milenage({ k, opc: hex(SET1.opc), rand: hex(SET1.rand), sqn, amf });
  const autn = buildAutn(sqn, out.ak, amf, out.macA);
  assert.equal(autn.toString('hex'), '55f328b43577800059bcea576837152b');
  assert.equal(out.res.toString('hex'), 'a54211d5e3ba50bf');
  const kasme = deriveKasme(out.ck, out.ik, hex('00f110'), autn.subarray(0, 6));
  assert.equal(kasme.toString('hex'), '48579af8781c742d5120e6ed8ccac13193f38c53ab7aa69396f49ca6e1b0562d');
});

test('separation bit: set on a copy, other AMF bits kept', () => {
  const amf = hex('1234');
  assert.equal(EPS_AMF_SEPARATION_BIT, 0x80);
  assert.equal(withSeparationBit(amf).toString('hex'), '9234');
  assert.equal(withSeparationBit(hex('b9b9')).toString('hex'), 'b9b9');
  assert.equal(amf.toString('hex'), '1234');
});

test('AUTS (libosmocore example): K = OPc = 000102..0f, RAND 0, SQN_MS 00000000001f', () => {
  const key = hex('000102030405060708090a0b0c0d0e0f');
  const rand = Buffer.alloc(16);
  const out = milenage({ k: key, opc: key, rand, sqn: hex('00000000001f'), amf: Buffer.alloc(2) });
  assert.equal(out.akStar.toString('hex'), '8711a0ec9e09');
  assert.equal(out.macS.toString('hex'), '37df17f80b384ee4');
  assert.equal(buildAuts(key, key, rand, hex('00000000001f')).toString('hex'), '8711a0ec9e1637df17f80b384ee4');
});

test('libosmocore reference vector: SQN 34, AMF 0000, OPc of OP = 0', () => {
  const key = hex('000102030405060708090a0b0c0d0e0f');
  const rand = Buffer.alloc(16);
  const sqn = hex('000000000022');
  const amf = Buffer.alloc(2);
  const out = milenage({ k: key, opc: key, rand, sqn, amf });
  assert.equal(buildAutn(sqn, out.ak, amf, out.macA).toString('hex'), 'ec9320c2c2120000c8b7de2a3449f1bd');
  assert.equal(out.ik.toString('hex'), '12cb2dd3e0ec8378f6fc1d606c619f47');
  assert.equal(out.ck.toString('hex'), '7200a184d8f2c758fbdf87900ddbf275');
  assert.equal(out.res.toString('hex'), 'e9fc88ccc8a35381');
  const gsm = gsmFromUmts(out.res, out.ck, out.ik);
  assert.equal(gsm.sres.toString('hex'), '215fdb4d');
  assert.equal(gsm.kc.toString('hex'), '6de816a759a42912');
  assert.equal(computeOpc(key, Buffer.alloc(16)).toString('hex'), 'c6a13b37878f5b826f4f8162a1c8d879');
});

test('GSM-Milenage (TS 55.205 set 1 = TS 35.208 set 1): SRES 46f8416a, Kc eae4be823af9a08b', () => {
  const gsm = gsmFromUmts(hex(SET1.f2), SET1_CK, SET1_IK);
  assert.equal(gsm.sres.toString('hex'), '46f8416a');
  assert.equal(gsm.kc.toString('hex'), 'eae4be823af9a08b');
});

test('verifyAutn accepts a genuine AUTN and returns SQN, RES, CK and IK', () => {
  const autn = hex('55f328b43577800059bcea576837152b');
  const result = verifyAutn(hex(SET1.k), hex(SET1.opc), hex(SET1.rand), autn);
  assert.equal(result.ok, true);
  if (!result.ok) return;
  assert.equal(result.sqn.toString('hex'), SET1.sqn);
  assert.equal(result.res.toString('hex'), SET1.f2);
  assert.equal(result.ck.toString('hex'), SET1.f3);
  assert.equal(result.ik.toString('hex'), SET1.f4);
});

test('verifyAutn rejects an AUTN made with another key, and a tampered AMF', () => {
  const other = SETS[2];
  const fromOtherKey = hex(other.autn);
  assert.deepEqual(verifyAutn(hex(SET1.k), hex(SET1.opc), hex(other.rand), fromOtherKey), { ok: false, reason: 'macFailure' });
  const tampered = hex(SET1.autn);
  tampered[6] ^= EPS_AMF_SEPARATION_BIT;
  assert.deepEqual(verifyAutn(hex(SET1.k), hex(SET1.opc), hex(SET1.rand), tampered), { ok: false, reason: 'macFailure' });
});

test('wrong input lengths are refused with the field named', () => {
  assert.throws(() => computeOpc(Buffer.alloc(15), Buffer.alloc(16)), /Milenage K: .* expected 16 bytes/);
  assert.throws(
    () => milenage({ k: hex(SET1.k), opc: hex(SET1.opc), rand: hex(SET1.rand), sqn: Buffer.alloc(5), amf: hex(SET1.amf) }),
    /Milenage SQN/,
  );
  assert.throws(() => deriveKasme(SET1_CK, SET1_IK, Buffer.alloc(4), Buffer.alloc(6)), /KASME SN id/);
});
