/**
 * Diameter message decoding (RFC 6733 §3, §4): the header and the AVP list of one complete message, as
 * written by diameter.ts or sent by any other peer. AVPs are kept raw (code, flags, vendor, data) and walked
 * by their length, so an AVP this side does not know is carried along, never misread; grouped AVPs are
 * decoded on demand. A problem a peer must be told about is thrown as a DiameterProblem carrying the RFC 6733
 * Result-Code and, for an AVP, the bytes that go into Failed-AVP.
 */
import { FLAG_ERROR, FLAG_REQUEST } from './diameter';

export const HEADER_LENGTH = 20;
/** AVP flag bits (RFC 6733 §4.1): V, M, P; the other five are reserved and must be zero. */
export const AVP_FLAG_VENDOR = 0x80;
export const AVP_FLAG_MANDATORY = 0x40;
const AVP_FLAGS_RESERVED = 0x1f;
/** Header flag bits R P E T; the low four are reserved and must be zero. */
const HEADER_FLAGS_RESERVED = 0x0f;

export interface RawAvp {
  readonly code: number;
  readonly flags: number;
  /** Present when the V bit is set. */
  readonly vendorId?: number;
  readonly data: Buffer;
  /** The whole AVP as it was on the wire, padding excluded (what Failed-AVP echoes). */
  readonly raw: Buffer;
}

export interface DecodedMessage {
  readonly flags: number;
  readonly commandCode: number;
  readonly applicationId: number;
  readonly hopByHop: number;
  readonly endToEnd: number;
  readonly avps: readonly RawAvp[];
  /** The message bytes. */
  readonly raw: Buffer;
}

export const isRequest = (message: { flags: number }): boolean => (message.flags & FLAG_REQUEST) !== 0;

/** Why a message cannot be processed, in RFC 6733 terms. */
export class DiameterProblem extends Error {
  constructor(
    /** RFC 6733 §7.1 Result-Code to answer with. */
    readonly resultCode: number,
    message: string,
    /** The offending AVP as received (for Failed-AVP), when one is to blame. */
    readonly failedAvp?: Buffer,
  ) {
    super(message);
    this.name = 'DiameterProblem';
  }
}

/** RFC 6733 Result-Codes used when a message itself is at fault. */
export const RESULT = {
  SUCCESS: 2001,
  COMMAND_UNSUPPORTED: 3001,
  UNABLE_TO_DELIVER: 3002,
  TOO_BUSY: 3004,
  APPLICATION_UNSUPPORTED: 3007,
  INVALID_HDR_BITS: 3008,
  INVALID_AVP_BITS: 3009,
  UNKNOWN_PEER: 3010,
  AVP_UNSUPPORTED: 5001,
  INVALID_AVP_VALUE: 5004,
  MISSING_AVP: 5005,
  NO_COMMON_APPLICATION: 5010,
  UNABLE_TO_COMPLY: 5012,
  INVALID_AVP_LENGTH: 5014,
  INVALID_MESSAGE_LENGTH: 5015,
} as const;

/**
 * Decodes one complete message (the framer has checked version and length). Throws DiameterProblem for
 * header bits (3008), AVP flag bits (3009) and AVP lengths (5014).
 */
export function decodeMessage(raw: Buffer): DecodedMessage {
  if (raw.length < HEADER_LENGTH) throw new DiameterProblem(RESULT.INVALID_MESSAGE_LENGTH, `a Diameter message is at least ${HEADER_LENGTH} bytes, got ${raw.length}`);
  const length = raw.readUIntBE(1, 3);
  if (length !== raw.length) throw new DiameterProblem(RESULT.INVALID_MESSAGE_LENGTH, `the header says ${length} bytes, the message has ${raw.length}`);
  const flags = raw[4] as number;
  if ((flags & HEADER_FLAGS_RESERVED) !== 0) throw new DiameterProblem(RESULT.INVALID_HDR_BITS, `reserved command flag bits set (flags 0x${flags.toString(16)})`);
  if ((flags & FLAG_REQUEST) !== 0 && (flags & FLAG_ERROR) !== 0) throw new DiameterProblem(RESULT.INVALID_HDR_BITS, 'R and E flags set together');
  return {
    flags,
    commandCode: raw.readUIntBE(5, 3),
    applicationId: raw.readUInt32BE(8),
    hopByHop: raw.readUInt32BE(12),
    endToEnd: raw.readUInt32BE(16),
    avps: decodeAvps(raw, HEADER_LENGTH, raw.length),
    raw,
  };
}

/** The AVPs between `start` and `end` of `buffer` (a message body or a grouped AVP's data). */
export function decodeAvps(buffer: Buffer, start = 0, end = buffer.length): RawAvp[] {
  const out: RawAvp[] = [];
  let at = start;
  while (at < end) {
    if (end - at < 8) throw new DiameterProblem(RESULT.INVALID_AVP_LENGTH, `${end - at} bytes left at offset ${at}, too few for an AVP header`, buffer.subarray(at, end));
    const code = buffer.readUInt32BE(at);
    const flags = buffer[at + 4] as number;
    const length = buffer.readUIntBE(at + 5, 3);
    const vendor = (flags & AVP_FLAG_VENDOR) !== 0;
    const headerLength = vendor ? 12 : 8;
    if (length < headerLength || at + length > end) {
      // Failed-AVP echoes the AVP header as received (RFC 6733 §7.1.5, DIAMETER_INVALID_AVP_LENGTH).
      throw new DiameterProblem(RESULT.INVALID_AVP_LENGTH, `AVP ${code} at offset ${at} says ${length} bytes, ${end - at} are left`, buffer.subarray(at, Math.min(end, at + headerLength)));
    }
    const raw = buffer.subarray(at, at + length);
    if ((flags & AVP_FLAGS_RESERVED) !== 0) throw new DiameterProblem(RESULT.INVALID_AVP_BITS, `AVP ${code} has reserved flag bits set (0x${flags.toString(16)})`, raw);
    out.push({ code, flags, ...(vendor ? { vendorId: buffer.readUInt32BE(at + 8) } : {}), data: buffer.subarray(at + headerLength, at + length), raw });
    // Padding to a multiple of 4 follows every AVP but the last may end exactly at `end`.
    at += (length + 3) & ~3;
  }
  return out;
}

/** An AVP by code (and vendor: 0 or absent for base AVPs). */
export function findAvp(avps: readonly RawAvp[], code: number, vendorId?: number): RawAvp | undefined {
  return avps.find((a) => a.code === code && (a.vendorId ?? 0) === (vendorId ?? 0));
}

export function findAll(avps: readonly RawAvp[], code: number, vendorId?: number): RawAvp[] {
  return avps.filter((a) => a.code === code && (a.vendorId ?? 0) === (vendorId ?? 0));
}

export function avpText(avp: RawAvp | undefined): string | undefined {
  return avp?.data.toString('utf8');
}

export function avpU32(avp: RawAvp | undefined): number | undefined {
  if (!avp) return undefined;
  if (avp.data.length !== 4) throw new DiameterProblem(RESULT.INVALID_AVP_LENGTH, `AVP ${avp.code} is an Unsigned32 and has ${avp.data.length} bytes`, avp.raw);
  return avp.data.readUInt32BE(0);
}

export function grouped(avp: RawAvp | undefined): RawAvp[] {
  return avp ? decodeAvps(avp.data) : [];
}
