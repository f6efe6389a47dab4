/**
 * NAS integrity protection with 128-EIA2 (TS 33.401 Annex B.2.3: AES-CMAC, RFC 4493) under K_NASint derived
 * from KASME (Annex A.7), so a protected NAS message's MAC is the one a real MME or UE would compute; and
 * K_eNB (Annex A.3), which the MME hands the eNodeB in the initial context set-up.
 */
import { createCipheriv, createHmac } from 'node:crypto';

/** Algorithm type distinguisher NAS-int-alg (TS 33.401 Table A.7-1) and the identity of 128-EIA2. */
const NAS_INT_ALG = 0x02;
const EIA2 = 0x02;

/** K_NASint = the 128 least significant bits of KDF(KASME, 0x15 ‖ 0x02 ‖ 0x0001 ‖ alg id ‖ 0x0001). */
export function nasIntegrityKey(kasme: Buffer, algorithm = EIA2): Buffer {
  if (kasme.length !== 32) throw new RangeError(`KASME is ${kasme.length} octets, 33.401 wants 32`);
  const s = Buffer.from([0x15, NAS_INT_ALG, 0x00, 0x01, algorithm, 0x00, 0x01]);
  return createHmac('sha256', kasme).update(s).digest().subarray(16, 32);
}

/** K_eNB = KDF(KASME, 0x11 ‖ uplink NAS COUNT ‖ 0x0004) (TS 33.401 A.3). */
export function deriveKenb(kasme: Buffer, uplinkNasCount: number): Buffer {
  if (kasme.length !== 32) throw new RangeError(`KASME is ${kasme.length} octets, 33.401 wants 32`);
  const s = Buffer.alloc(7);
  s[0] = 0x11;
  s.writeUInt32BE(uplinkNasCount >>> 0, 1);
  s.writeUInt16BE(4, 5);
  return createHmac('sha256', kasme).update(s).digest();
}

function aesBlock(key: Buffer, block: Buffer): Buffer {
  const cipher = createCipheriv('aes-128-ecb', key, null);
  cipher.setAutoPadding(false);
  return cipher.update(block);
}

/** One-bit left shift of a 16-octet block, with the CMAC subkey reduction (RFC 4493 §2.3). */
function subkey(block: Buffer): Buffer {
  const out = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) out[i] = ((block[i] << 1) | (i < 15 ? block[i + 1] >> 7 : 0)) & 0xff;
  if (block[0] & 0x80) out[15] ^= 0x87;
  return out;
}

/** AES-CMAC (RFC 4493) of an octet-aligned message. */
export function aesCmac(key: Buffer, message: Buffer): Buffer {
  const k1 = subkey(aesBlock(key, Buffer.alloc(16)));
  const k2 = subkey(k1);
  const blocks = Math.max(1, Math.ceil(message.length / 16));
  const complete = message.length > 0 && message.length % 16 === 0;
  const last = Buffer.alloc(16);
  message.copy(last, 0, (blocks - 1) * 16);
  if (!complete) last[message.length - (blocks - 1) * 16] = 0x80;
  const tail = complete ? k1 : k2;
  for (let i = 0; i < 16; i++) last[i] ^= tail[i];
  let x: Buffer = Buffer.alloc(16);
  for (let b = 0; b < blocks; b++) {
    const block = b === blocks - 1 ? last : message.subarray(b * 16, b * 16 + 16);
    const y = Buffer.alloc(16);
    for (let i = 0; i < 16; i++) y[i] = x[i] ^ block[i];
    x = aesBlock(key, y);
  }
  return x;
}

/**
 * 128-EIA2 MAC-I (33.401 B.2.3): the first 32 bits of AES-CMAC over COUNT ‖ BEARER ‖ DIRECTION ‖ 0^26 ‖ MESSAGE.
 * For NAS the bearer is 0, the direction 0 uplink / 1 downlink, COUNT the NAS COUNT, and the message the
 * sequence number octet followed by the plain NAS message (TS 24.301 §4.4.3.3).
 */
export function eia2(key: Buffer, count: number, bearer: number, direction: 0 | 1, message: Buffer): Buffer {
  if (key.length !== 16) throw new RangeError(`an EIA2 key is 16 octets, not ${key.length}`);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(count >>> 0, 0);
  header[4] = ((bearer & 0x1f) << 3) | ((direction & 1) << 2);
  return aesCmac(key, Buffer.concat([header, message])).subarray(0, 4);
}
