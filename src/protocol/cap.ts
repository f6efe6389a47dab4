/**
 * CAMEL Application Part v2 (TS 29.078) for prepaid call control between the visited MSC's gsmSSF and the
 * home gsmSCF: InitialDP, ApplyCharging with a maximum call period, ApplyChargingReport, ReleaseCall.
 */
import { CONSTRUCTED, constructed, integer, octetString, sequence, tlv } from './ber';
import { encodeTbcd } from './tbcd';

/** gsmSSF-to-gsmSCF application context, CAP v2 (29.078 §13). */
export const CAP_V2_SSF_TO_SCF = [0, 4, 0, 0, 1, 0, 50, 1];
export const CAP_OPERATIONS = { initialDP: 0, releaseCall: 22, continue: 31, applyCharging: 35, applyChargingReport: 36 } as const;
/** SSN of gsmSCF and gsmSSF (Q.713 Annex B / 23.003). */
export const CAP_SSN = 146;

const ctx = (n: number): number => 0x80 | n;
const ctxC = (n: number): number => 0x80 | CONSTRUCTED | n;

/** Long-form tag for context numbers ≥ 31 (X.690 §8.1.2.4). */
function ctxLong(n: number, value: Buffer): Buffer {
  return tlv(Buffer.from([0x9f, n]), value);
}

/** ISUP Calling Party Number (Q.763 §3.10): international, ISDN plan, presentation allowed, network provided. */
function isupCallingNumber(digits: string): Buffer {
  const odd = digits.length % 2 === 1 ? 0x80 : 0x00;
  return Buffer.concat([Buffer.from([odd | 0x04, 0x13]), encodeTbcd(digits)]);
}

/** Called Party BCD Number (24.008 §10.5.4.7): international, ISDN plan. */
function calledBcd(digits: string): Buffer {
  return Buffer.concat([Buffer.from([0x91]), encodeTbcd(digits)]);
}

export function initialDpArg(a: { serviceKey: number; callingNumber: string; calledNumber: string; imsi: string; mscAddress: string; callReference: number }): Buffer {
  const reference = Buffer.alloc(4);
  reference.writeUInt32BE(a.callReference >>> 0);
  return sequence(
    integer(a.serviceKey, ctx(0)),
    octetString(isupCallingNumber(a.callingNumber), ctx(3)),
    ctxLong(28, Buffer.from([2])), // eventTypeBCSM collectedInfo
    ctxLong(50, encodeTbcd(a.imsi)), // iMSI
    ctxLong(54, reference), // callReferenceNumber
    ctxLong(55, calledBcd(a.mscAddress)), // mscAddress
    ctxLong(56, calledBcd(a.calledNumber)), // calledPartyBCDNumber
  );
}

/**
 * ApplyCharging: CAMEL-AChBillingChargingCharacteristics timeDurationCharging, maxCallPeriodDuration in
 * 100 ms units; releaseIfdurationExceeded (in CAP v2 a SEQUENCE {tone BOOLEAN DEFAULT FALSE}, present =
 * release the call when the period runs out); party to charge: leg 1.
 */
export function applyChargingArg(maxCallPeriodSeconds: number, releaseIfExceeded: boolean): Buffer {
  const timeDuration = constructed(ctxC(0), integer(maxCallPeriodSeconds * 10, ctx(0)), releaseIfExceeded ? constructed(ctxC(1)) : undefined);
  return sequence(octetString(timeDuration, ctx(0)), constructed(ctxC(2), octetString(Buffer.from([0x01]), ctx(0))));
}

/** ApplyChargingReport: CAMEL-CallResult timeDurationChargingResult, time in 100 ms units. */
export function applyChargingReportArg(seconds: number, callActive: boolean): Buffer {
  const result = constructed(
    ctxC(0),
    constructed(ctxC(0), octetString(Buffer.from([0x01]), ctx(1))),
    constructed(ctxC(1), integer(seconds * 10, ctx(0))),
    tlv(ctx(2), Buffer.from([callActive ? 0xff : 0x00])),
  );
  return octetString(result);
}

/** ReleaseCall: Cause (Q.850): coding ITU-T, location public network serving the local user, cause 31 normal unspecified. */
export function releaseCallArg(): Buffer {
  return octetString(Buffer.from([0x82, 0x9f]));
}
