/**
 * MAP short message relay, mobile originated (TS 29.002 §12.2, ASN.1 MO-ForwardSM-Arg), with the SMS-SUBMIT
 * TPDU it carries (TS 23.040 §9.2.2.2) in GSM 7-bit default alphabet.
 */
import { octetString, sequence } from './ber';
import { encodeTbcd } from './tbcd';

/** AddressString (29.002 §17.7.8): extension, international number, ISDN/telephony numbering plan, TBCD. */
function addressString(digits: string, tag: number): Buffer {
  return octetString(Buffer.concat([Buffer.from([0x91]), encodeTbcd(digits)]), tag);
}

/** GSM 7-bit packing of characters that are the same in ASCII and the default alphabet (letters, digits, space). */
export function pack7(text: string): Buffer {
  const out: number[] = [];
  let carry = 0;
  let bits = 0;
  for (const ch of text) {
    const code = ch.charCodeAt(0) & 0x7f;
    carry |= code << bits;
    bits += 7;
    while (bits >= 8) {
      out.push(carry & 0xff);
      carry >>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) out.push(carry & 0xff);
  return Buffer.from(out);
}

/** SMS-SUBMIT: MTI 01, no validity period, TP-MR, TP-DA, PID 0, DCS 0 (GSM 7-bit), UDL in septets, UD. */
export function smsSubmit(r: { reference: number; destination: string; text: string }): Buffer {
  const destination = encodeTbcd(r.destination);
  return Buffer.concat([
    Buffer.from([0x01, r.reference & 0xff, r.destination.length, 0x91]),
    destination,
    Buffer.from([0x00, 0x00, r.text.length]),
    pack7(r.text),
  ]);
}

export const SMS_TEXT = 'roaming test';

/** MO-ForwardSM-Arg: sm-RP-DA serviceCentreAddressDA [4], sm-RP-OA msisdn [2], sm-RP-UI, imsi. */
export function moForwardSmArg(a: { serviceCentre: string; msisdn: string; imsi: string; destination: string; reference: number }): Buffer {
  return sequence(
    addressString(a.serviceCentre, 0x84),
    addressString(a.msisdn, 0x82),
    octetString(smsSubmit({ reference: a.reference, destination: a.destination, text: SMS_TEXT })),
    octetString(encodeTbcd(a.imsi)),
  );
}
