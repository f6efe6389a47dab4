/**
 * Scrubbing of Diameter bytes before they are written to disk: the same rules as scrub.ts for events, applied
 * in place to the AVPs (User-Name → the IMSI's pseudonym, MSISDN → the MSISDN's pseudonym, both of the same
 * length; RAND, XRES, AUTN, KASME, CK, IK, SRES, Kc and Re-Synchronization-Info → zero bytes of the same
 * length), walking grouped AVPs. Lengths never change, so the message stays valid byte for byte.
 */
import { VENDOR_3GPP } from '../protocol/codes';
import { decodeAvps } from '../protocol/diameter-decode';
import { decodeTbcd, encodeTbcd } from '../protocol/tbcd';
import type { Scrubber } from './scrub';

const GROUPED = new Set([260, 279, 284, 297, 1400, 1401, 1408, 1409, 1413, 1414, 1415, 1416]);
const SECRET_3GPP = new Set([625, 626, 1411, 1447, 1448, 1449, 1450, 1453, 1454]);
const USER_NAME = 1;
const MSISDN = 701;

/** A scrubbed copy of one Diameter message (the input is left alone). */
export function scrubDiameter(message: Buffer, scrubber: Scrubber): Buffer {
  const out = Buffer.from(message);
  if (out.length < 20) return out;
  walk(out, 20, out.length, scrubber);
  return out;
}

function walk(buffer: Buffer, start: number, end: number, scrubber: Scrubber): void {
  let avps;
  try {
    avps = decodeAvps(buffer, start, end);
  } catch {
    // A malformed message is zeroed from here on rather than written with something unscrubbed in it.
    buffer.fill(0, start, end);
    return;
  }
  for (const avp of avps) {
    const vendor = avp.vendorId ?? 0;
    const dataStart = avp.data.byteOffset - buffer.byteOffset;
    const dataEnd = dataStart + avp.data.length;
    if (GROUPED.has(avp.code)) walk(buffer, dataStart, dataEnd, scrubber);
    else if (vendor === 0 && avp.code === USER_NAME) {
      const text = avp.data.toString('utf8');
      if (/^\d+$/.test(text)) Buffer.from(scrubber.imsi(text), 'utf8').copy(buffer, dataStart, 0, avp.data.length);
      else buffer.fill(0x30, dataStart, dataEnd);
    } else if (vendor === VENDOR_3GPP && avp.code === MSISDN) {
      const digits = decodeTbcd(avp.data);
      encodeTbcd(/^\d+$/.test(digits) ? scrubber.msisdn(digits) : '0'.repeat(digits.length)).copy(buffer, dataStart, 0, avp.data.length);
    } else if (vendor === VENDOR_3GPP && SECRET_3GPP.has(avp.code)) buffer.fill(0, dataStart, dataEnd);
  }
}
