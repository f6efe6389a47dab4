import { timingSafeEqual } from 'node:crypto';
import type { KeyMaterial } from '../subscribers/generator';
import { buildAutn, gsmFromUmts, milenage, sqnBytes, withSeparationBit } from '../protocol/milenage';
import type { AuthTuple } from '../protocol/gsup';

const AMF_UMTS = Buffer.alloc(2);

/**
 * One GSUP auth tuple as osmo-hlr builds it from Milenage: the UMTS quintuplet plus the GSM triplet by the
 * c2/c3 conversion (TS 55.205), AMF 8000 (separation bit) when the request came for E-UTRAN.
 */
export function gsupTuple(keys: KeyMaterial, sqn: number, rand: Buffer, eutran: boolean): AuthTuple {
  const amf = eutran ? withSeparationBit(AMF_UMTS) : AMF_UMTS;
  const sqnBuf = sqnBytes(sqn);
  const out = milenage({ k: keys.ki, opc: keys.opc, rand, sqn: sqnBuf, amf });
  const gsm = gsmFromUmts(out.res, out.ck, out.ik);
  return { rand, sres: gsm.sres, kc: gsm.kc, ik: Buffer.from(out.ik), ck: Buffer.from(out.ck), autn: buildAutn(sqnBuf, out.ak, amf, out.macA), res: Buffer.from(out.res) };
}

/**
 * The AuC side of resynchronisation (TS 33.102 §6.3.5): SQN_MS from AUTS = (SQN_MS ⊕ AK*) ‖ MAC-S, checked
 * with MAC-S over the dummy AMF 0000. Undefined when MAC-S does not verify (the AUTS is not from this USIM).
 */
export function sqnFromAuts(keys: KeyMaterial, rand: Buffer, auts: Buffer): number | undefined {
  if (rand.length !== 16 || auts.length !== 14) return undefined;
  const first = milenage({ k: keys.ki, opc: keys.opc, rand, sqn: Buffer.alloc(6), amf: AMF_UMTS });
  const sqnMs = Buffer.alloc(6);
  for (let i = 0; i < 6; i++) sqnMs[i] = auts[i] ^ first.akStar[i];
  const check = milenage({ k: keys.ki, opc: keys.opc, rand, sqn: sqnMs, amf: AMF_UMTS });
  if (!timingSafeEqual(check.macS, auts.subarray(6, 14))) return undefined;
  return sqnMs.readUIntBE(0, 6);
}
