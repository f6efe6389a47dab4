/**
 * Digit packings. TBCD (TS 29.002 MAP-CommonDataTypes TBCD-STRING) and SCCP global-title BCD (ITU-T Q.713
 * §3.4.2.3.1) share the nibble order, first digit in the low nibble, but differ in the filler of an odd
 * count: F for TBCD, 0 for a global title (whose odd/even flag lives in the encoding scheme instead).
 */

const TBCD_DIGITS = '0123456789*#abc';

function nibble(ch: string, what: string, digits: string): number {
  const value = TBCD_DIGITS.indexOf(ch.toLowerCase());
  if (value < 0) throw new RangeError(`${what} "${digits}" holds "${ch}", which is not a TBCD digit`);
  return value;
}

/** TBCD-STRING: 0-9, * (a), # (b), a/b/c (c/d/e); odd count filled with F. */
export function encodeTbcd(digits: string): Buffer {
  const out = Buffer.alloc((digits.length + 1) >> 1);
  for (let i = 0; i < digits.length; i += 2) {
    const low = nibble(digits[i], 'TBCD', digits);
    const high = i + 1 < digits.length ? nibble(digits[i + 1], 'TBCD', digits) : 0xf;
    out[i >> 1] = (high << 4) | low;
  }
  return out;
}

/** Reverse of encodeTbcd; stops at the first F filler. */
export function decodeTbcd(bytes: Buffer): string {
  let digits = '';
  for (const byte of bytes) {
    for (const n of [byte & 0x0f, byte >> 4]) {
      if (n === 0xf) return digits;
      digits += TBCD_DIGITS[n];
    }
  }
  return digits;
}

/** Nature of address "international number" with numbering plan E.164 (29.002 AddressString octet 1). */
export const NOA_INTERNATIONAL_E164 = 0x91;

/** ISDN-AddressString / AddressString: the NoA/NPI octet, then TBCD digits (at most 9 octets in all). */
export function encodeAddressString(digits: string, natureAndPlan = NOA_INTERNATIONAL_E164): Buffer {
  return Buffer.concat([Buffer.from([natureAndPlan]), encodeTbcd(digits)]);
}

/** Encoding scheme values of a GTI 4 global title (Q.713 §3.4.2.3.3). */
export const GT_ENCODING_BCD_ODD = 1;
export const GT_ENCODING_BCD_EVEN = 2;

/** Global-title address signals: BCD with a 0 filler, and the matching encoding scheme. */
export function encodeGtDigits(digits: string): { bytes: Buffer; encodingScheme: number } {
  if (!/^[0-9]+$/.test(digits)) throw new RangeError(`global title "${digits}" must be decimal digits`);
  const bytes = Buffer.alloc((digits.length + 1) >> 1);
  for (let i = 0; i < digits.length; i += 2) {
    const low = digits.charCodeAt(i) - 48;
    const high = i + 1 < digits.length ? digits.charCodeAt(i + 1) - 48 : 0;
    bytes[i >> 1] = (high << 4) | low;
  }
  return { bytes, encodingScheme: digits.length % 2 === 1 ? GT_ENCODING_BCD_ODD : GT_ENCODING_BCD_EVEN };
}
