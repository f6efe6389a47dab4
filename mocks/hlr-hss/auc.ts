import { buildAutn, deriveKasme, gsmFromUmts, milenage, sqnBytes, withSeparationBit } from '../../src/protocol/milenage';
import { encodePlmnId, parsePlmn } from '../../src/protocol/plmn';
import type { KeyMaterial } from '../../src/subscribers/generator';

/** AMF for UTRAN/GERAN vectors: separation bit 0 (TS 33.102 Annex H). */
const AMF_UMTS = Buffer.from('0000', 'hex');


/** UTRAN quintuplet (TS 33.102 §6.3.2). */
export function quintuplet(keys: KeyMaterial, sqn: number, rand: Buffer) {
  const sqnBuf = sqnBytes(sqn);
  const out = milenage({ k: keys.ki, opc: keys.opc, rand, sqn: sqnBuf, amf: AMF_UMTS });
  return {
    rand: rand.toString('hex'),
    xres: out.res.toString('hex'),
    ck: out.ck.toString('hex'),
    ik: out.ik.toString('hex'),
    autn: buildAutn(sqnBuf, out.ak, AMF_UMTS, out.macA).toString('hex'),
  };
}

/** GERAN triplet from the same Milenage run by the c2/c3 conversion (TS 33.102 §6.8.1.2, TS 55.205). */
export function triplet(keys: KeyMaterial, sqn: number, rand: Buffer) {
  const out = milenage({ k: keys.ki, opc: keys.opc, rand, sqn: sqnBytes(sqn), amf: AMF_UMTS });
  const gsm = gsmFromUmts(out.res, out.ck, out.ik);
  return { rand: rand.toString('hex'), sres: gsm.sres.toString('hex'), kc: gsm.kc.toString('hex') };
}

/** E-UTRAN vector: AMF separation bit 1, KASME bound to the serving network (TS 33.401 §6.1.2, A.2). */
export function eutranVector(keys: KeyMaterial, sqn: number, rand: Buffer, visitedPlmn: string) {
  const amf = withSeparationBit(AMF_UMTS);
  const sqnBuf = sqnBytes(sqn);
  const out = milenage({ k: keys.ki, opc: keys.opc, rand, sqn: sqnBuf, amf });
  const autn = buildAutn(sqnBuf, out.ak, amf, out.macA);
  const kasme = deriveKasme(out.ck, out.ik, encodePlmnId(parsePlmn(visitedPlmn)), autn.subarray(0, 6));
  return { rand: rand.toString('hex'), xres: out.res.toString('hex'), autn: autn.toString('hex'), kasme: kasme.toString('hex') };
}
