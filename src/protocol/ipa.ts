/**
 * IPA framing over TCP as Osmocom speaks it (libosmocore `ipaccess.h`, libosmo-abis `ipa.c`):
 * `length (2 octets, big-endian, counts what follows the 3-octet header) | stream (1) | payload`.
 * GSUP rides on stream 0xEE with the extension octet 0x05, the CTRL interface on 0xEE with 0x00, and the
 * identity handshake (CCM) on 0xFE.
 */

export const IPA_HEADER_BYTES = 3;
export const IPA_MAX_PAYLOAD = 0xffff;

export const IPA_STREAM = { CCM: 0xfe, OSMO: 0xee } as const;
export const IPA_OSMO_EXT = { CTRL: 0x00, GSUP: 0x05 } as const;

/** CCM message types (ipaccess.h `IPAC_MSGT_*`). */
export const CCM = { PING: 0x00, PONG: 0x01, ID_GET: 0x04, ID_RESP: 0x05, ID_ACK: 0x06 } as const;

/** CCM identity tags (ipaccess.h `IPAC_IDTAG_*`). The HLR routes answers by SERNR and requires UNIT too. */
export const CCM_TAG = {
  SERNR: 0x00,
  UNITNAME: 0x01,
  LOCATION1: 0x02,
  LOCATION2: 0x03,
  EQUIPVERS: 0x04,
  SWVERSION: 0x05,
  IPADDR: 0x06,
  MACADDR: 0x07,
  UNIT: 0x08,
} as const;

export interface IpaFrame {
  readonly stream: number;
  readonly payload: Buffer;
}

export function encodeIpa(stream: number, payload: Buffer): Buffer {
  if (payload.length > IPA_MAX_PAYLOAD) throw new RangeError(`IPA payload of ${payload.length} octets exceeds ${IPA_MAX_PAYLOAD}`);
  const header = Buffer.from([payload.length >> 8, payload.length & 0xff, stream]);
  return Buffer.concat([header, payload]);
}

/** An OSMO-extension frame: stream 0xEE, the extension octet, then the message. */
export function encodeOsmo(extension: number, message: Buffer): Buffer {
  return encodeIpa(IPA_STREAM.OSMO, Buffer.concat([Buffer.from([extension]), message]));
}

export function encodeCcm(type: number, body: Buffer = Buffer.alloc(0)): Buffer {
  return encodeIpa(IPA_STREAM.CCM, Buffer.concat([Buffer.from([type]), body]));
}

/**
 * Reassembles IPA frames from TCP chunks. The length prefix is the only framing, so every complete frame,
 * well-formed or not, leaves the stream synchronised: the caller judges the payload, this never throws.
 */
export class IpaReassembler {
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): IpaFrame[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const frames: IpaFrame[] = [];
    let at = 0;
    while (this.buffered.length - at >= IPA_HEADER_BYTES) {
      const length = this.buffered.readUInt16BE(at);
      if (this.buffered.length - at < IPA_HEADER_BYTES + length) break;
      frames.push({ stream: this.buffered[at + 2], payload: this.buffered.subarray(at + IPA_HEADER_BYTES, at + IPA_HEADER_BYTES + length) });
      at += IPA_HEADER_BYTES + length;
    }
    // Copy the remainder so the frames handed out do not pin (or get overwritten by) later chunks.
    this.buffered = at === 0 ? this.buffered : Buffer.from(this.buffered.subarray(at));
    return frames;
  }

  /** Octets of an incomplete frame still waiting for the rest (non-zero at close: a truncated frame). */
  get pending(): number {
    return this.buffered.length;
  }
}

/** ID_GET body: `len (1) | tag` entries, as the HLR sends on accept. */
export function encodeIdGet(tags: readonly number[]): Buffer {
  return encodeCcm(CCM.ID_GET, Buffer.from(tags.flatMap((tag) => [0x01, tag])));
}

export function decodeIdGet(body: Buffer): number[] | undefined {
  const tags: number[] = [];
  for (let at = 0; at < body.length; ) {
    const length = body[at];
    if (length < 1 || at + 1 + length > body.length) return undefined;
    tags.push(body[at + 1]);
    at += 1 + length;
  }
  return tags;
}

/**
 * ID_RESP body: entries `len16 (1 + text + NUL) | tag | text NUL`. The NUL is part of the value on purpose:
 * osmo-hlr stores the name with it and routes pushed DeleteSubscriberData by that exact value.
 */
export function encodeIdResp(identity: ReadonlyMap<number, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [tag, text] of identity) {
    const value = Buffer.concat([Buffer.from(text, 'latin1'), Buffer.from([0])]);
    const head = Buffer.alloc(3);
    head.writeUInt16BE(1 + value.length, 0);
    head[2] = tag;
    parts.push(head, value);
  }
  return encodeCcm(CCM.ID_RESP, Buffer.concat(parts));
}

/** Parses an ID_RESP body; the trailing NUL is stripped from each text. Undefined when an entry overruns. */
export function decodeIdResp(body: Buffer): Map<number, string> | undefined {
  const out = new Map<number, string>();
  for (let at = 0; at < body.length; ) {
    if (at + 3 > body.length) return undefined;
    const length = body.readUInt16BE(at);
    if (length < 1 || at + 2 + length > body.length) return undefined;
    let value = body.subarray(at + 3, at + 2 + length);
    if (value.length > 0 && value[value.length - 1] === 0) value = value.subarray(0, value.length - 1);
    out.set(body[at + 2], value.toString('latin1'));
    at += 2 + length;
  }
  return out;
}
