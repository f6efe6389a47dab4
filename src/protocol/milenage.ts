import { createCipheriv, createHmac, timingSafeEqual, type Cipher } from 'node:crypto';
import { InputError } from '../errors';

/**
 * Milenage (TS 35.206) with the AUTN/AUTS framing of TS 33.102, GSM-Milenage (TS 55.205) and the KASME
 * KDF of TS 33.401 A.2. Inputs are Buffers in spec byte order; nothing here keeps state between calls.
 */

export interface MilenageInput {
  k: Buffer;
  opc: Buffer;
  rand: Buffer;
  sqn: Buffer;
  amf: Buffer;
}

export interface MilenageOutput {
  macA: Buffer;
  macS: Buffer;
  res: Buffer;
  ck: Buffer;
  ik: Buffer;
  ak: Buffer;
  akStar: Buffer;
}

export type AutnCheck = { ok: true; sqn: Buffer; res: Buffer; ck: Buffer; ik: Buffer } | { ok: false; reason: 'macFailure' };

/** Most significant bit of AMF octet 0: set in vectors meant for E-UTRAN (TS 33.401 §6.1.1, 33.102 Annex H). */
export const EPS_AMF_SEPARATION_BIT = 0x80;

const AMF_RESYNC = Buffer.alloc(2);

function expectLength(value: Buffer, bytes: number, name: string): void {
  if (!Buffer.isBuffer(value) || value.length !== bytes) {
    const shown = Buffer.isBuffer(value) ? value.toString('hex') : String(value);
    throw new InputError(shown, name, `${bytes} bytes (${bytes * 2} hexadecimal digits)`);
  }
}

// ECB has no chaining, so one cipher object encrypts every block of a call through update().
function keyCipher(k: Buffer): Cipher {
  expectLength(k, 16, 'Milenage K');
  const cipher = createCipheriv('aes-128-ecb', k, null);
  cipher.setAutoPadding(false);
  return cipher;
}

function xor16(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.allocUnsafe(16);
  for (let i = 0; i < 16; i++) out[i] = a[i] ^ b[i];
  return out;
}

/** E_K(RAND ⊕ OPc), shared by f1..f5*. */
function temp(cipher: Cipher, opc: Buffer, rand: Buffer): Buffer {
  return cipher.update(xor16(rand, opc));
}

/** TEMP ⊕ rot(IN1 ⊕ OPc, 64) ⊕ c1 (c1 = 0), written at `at`. All rotations are whole bytes: an index shift. */
function in1Block(into: Buffer, at: number, opc: Buffer, tmp: Buffer, sqn: Buffer, amf: Buffer): void {
  for (let i = 0; i < 16; i++) {
    const j = (i + 8) & 15;
    const in1 = j < 6 ? sqn[j] : j < 8 ? amf[j - 6] : j < 14 ? sqn[j - 8] : amf[j - 14];
    into[at + i] = tmp[i] ^ in1 ^ opc[j];
  }
}

/** rot(TEMP ⊕ OPc, r) ⊕ c, written at `at`; c only touches the last byte. */
function inKBlock(into: Buffer, at: number, opc: Buffer, tmp: Buffer, rotateBytes: number, c: number): void {
  for (let i = 0; i < 16; i++) {
    const j = (i + rotateBytes) & 15;
    into[at + i] = tmp[j] ^ opc[j];
  }
  into[at + 15] ^= c;
}

/** E_K of every block in one native call, then ⊕ OPc on each: OUTk = E_K(…) ⊕ OPc. */
function encryptBlocks(cipher: Cipher, opc: Buffer, blocks: Buffer): Buffer {
  const out = cipher.update(blocks);
  for (let i = 0; i < out.length; i++) out[i] ^= opc[i & 15];
  return out;
}

export function computeOpc(k: Buffer, op: Buffer): Buffer {
  expectLength(op, 16, 'Milenage OP');
  return xor16(keyCipher(k).update(op), op);
}

/** f1, f1*, f2, f3, f4, f5 and f5* for one RAND. */
export function milenage(input: MilenageInput): MilenageOutput {
  const { k, opc, rand, sqn, amf } = input;
  expectLength(opc, 16, 'Milenage OPc');
  expectLength(rand, 16, 'Milenage RAND');
  expectLength(sqn, 6, 'Milenage SQN');
  expectLength(amf, 2, 'Milenage AMF');
  const cipher = keyCipher(k);
  const tmp = temp(cipher, opc, rand);
  const blocks = Buffer.allocUnsafe(80);
  in1Block(blocks, 0, opc, tmp, sqn, amf);
  inKBlock(blocks, 16, opc, tmp, 0, 0x01);
  inKBlock(blocks, 32, opc, tmp, 4, 0x02);
  inKBlock(blocks, 48, opc, tmp, 8, 0x04);
  inKBlock(blocks, 64, opc, tmp, 12, 0x08);
  const out = encryptBlocks(cipher, opc, blocks);
  return {
    macA: out.subarray(0, 8),
    macS: out.subarray(8, 16),
    res: out.subarray(24, 32),
    ck: out.subarray(32, 48),
    ik: out.subarray(48, 64),
    ak: out.subarray(16, 22),
    akStar: out.subarray(64, 70),
  };
}

function xorBytes(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.allocUnsafe(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}

/** AUTN = (SQN ⊕ AK) ‖ AMF ‖ MAC-A; MAC-A must have been computed with this same AMF. */
export function buildAutn(sqn: Buffer, ak: Buffer, amf: Buffer, macA: Buffer): Buffer {
  expectLength(sqn, 6, 'AUTN SQN');
  expectLength(ak, 6, 'AUTN AK');
  expectLength(amf, 2, 'AUTN AMF');
  expectLength(macA, 8, 'AUTN MAC-A');
  return Buffer.concat([xorBytes(sqn, ak), amf, macA]);
}

/** AUTS = (SQN_MS ⊕ AK*) ‖ MAC-S, where MAC-S uses the dummy AMF 0000 (TS 33.102 §6.3.3). */
export function buildAuts(k: Buffer, opc: Buffer, rand: Buffer, sqnMs: Buffer): Buffer {
  const out = milenage({ k, opc, rand, sqn: sqnMs, amf: AMF_RESYNC });
  return Buffer.concat([xorBytes(sqnMs, out.akStar), out.macS]);
}

/** TS 55.205 conversion: SRES = RES[0..3] ⊕ RES[4..7]; Kc = CK[0..7] ⊕ CK[8..15] ⊕ IK[0..7] ⊕ IK[8..15]. */
export function gsmFromUmts(res: Buffer, ck: Buffer, ik: Buffer): { sres: Buffer; kc: Buffer } {
  expectLength(res, 8, 'GSM-Milenage RES');
  expectLength(ck, 16, 'GSM-Milenage CK');
  expectLength(ik, 16, 'GSM-Milenage IK');
  const sres = Buffer.allocUnsafe(4);
  for (let i = 0; i < 4; i++) sres[i] = res[i] ^ res[i + 4];
  const kc = Buffer.allocUnsafe(8);
  for (let i = 0; i < 8; i++) kc[i] = ck[i] ^ ck[i + 8] ^ ik[i] ^ ik[i + 8];
  return { sres, kc };
}

/** KASME = HMAC-SHA-256(CK ‖ IK, 0x10 ‖ SN id ‖ 0x0003 ‖ SQN⊕AK ‖ 0x0006) (TS 33.401 A.2). */
export function deriveKasme(ck: Buffer, ik: Buffer, snId: Buffer, sqnXorAk: Buffer): Buffer {
  expectLength(ck, 16, 'KASME CK');
  expectLength(ik, 16, 'KASME IK');
  expectLength(snId, 3, 'KASME SN id');
  expectLength(sqnXorAk, 6, 'KASME SQN⊕AK');
  const s = Buffer.concat([Buffer.from([0x10]), snId, Buffer.from([0x00, 0x03]), sqnXorAk, Buffer.from([0x00, 0x06])]);
  return createHmac('sha256', Buffer.concat([ck, ik])).update(s).digest();
}

/**
 * The USIM side of AKA: recover SQN with AK, recompute MAC-A with the AMF carried in AUTN and compare in
 * constant time. SQN freshness is the caller's policy, so it is returned rather than judged here.
 */
export function verifyAutn(k: Buffer, opc: Buffer, rand: Buffer, autn: Buffer): AutnCheck {
  expectLength(opc, 16, 'Milenage OPc');
  expectLength(rand, 16, 'Milenage RAND');
  expectLength(autn, 16, 'AUTN');
  const cipher = keyCipher(k);
  const tmp = temp(cipher, opc, rand);
  // AK (OUT2) is needed before SQN is known, so OUT2..OUT4 go first and OUT1 follows.
  const blocks = Buffer.allocUnsafe(48);
  inKBlock(blocks, 0, opc, tmp, 0, 0x01);
  inKBlock(blocks, 16, opc, tmp, 4, 0x02);
  inKBlock(blocks, 32, opc, tmp, 8, 0x04);
  const out = encryptBlocks(cipher, opc, blocks);
  const sqn = xorBytes(autn.subarray(0, 6), out.subarray(0, 6));
  const block1 = Buffer.allocUnsafe(16);
  in1Block(block1, 0, opc, tmp, sqn, autn.subarray(6, 8));
  const macA = encryptBlocks(cipher, opc, block1).subarray(0, 8);
  if (!timingSafeEqual(macA, autn.subarray(8, 16))) return { ok: false, reason: 'macFailure' };
  return { ok: true, sqn, res: out.subarray(8, 16), ck: out.subarray(16, 32), ik: out.subarray(32, 48) };
}

/** A copy of AMF with the E-UTRAN separation bit set. */
export function withSeparationBit(amf: Buffer): Buffer {
  expectLength(amf, 2, 'AMF');
  const out = Buffer.from(amf);
  out[0] |= EPS_AMF_SEPARATION_BIT;
  return out;
}

/** A 48-bit sequence number as the 6 octets AUTN and AUTS carry (TS 33.102 §6.3.2). */
export function sqnBytes(sqn: number): Buffer {
  const out = Buffer.alloc(6);
  out.writeUIntBE(sqn, 0, 6);
  return out;
}
