/**
 * Minimal BER writer (ITU-T X.690): definite lengths only, which is all TCAP and MAP need (Q.773 §4.1,
 * TS 29.002 §17.1 both require the definite form from a sender).
 */

export const TAG_CLASS = { universal: 0x00, application: 0x40, context: 0x80, private: 0xc0 } as const;
export const CONSTRUCTED = 0x20;

/** Identifier octets (X.690 §8.1.2): numbers above 30 take the high-tag-number form. */
export function tagBytes(tagClass: number, constructed: boolean, number: number): Buffer {
  const first = tagClass | (constructed ? CONSTRUCTED : 0);
  if (number < 31) return Buffer.from([first | number]);
  const tail: number[] = [number & 0x7f];
  for (let n = Math.floor(number / 128); n > 0; n = Math.floor(n / 128)) tail.unshift(0x80 | (n & 0x7f));
  return Buffer.from([first | 0x1f, ...tail]);
}

/** Length octets (X.690 §8.1.3): short form below 128, else long form with the fewest octets. */
export function encodeLength(length: number): Buffer {
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`BER length ${length} is not a non-negative integer`);
  if (length < 0x80) return Buffer.from([length]);
  const octets: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) octets.unshift(n & 0xff);
  return Buffer.from([0x80 | octets.length, ...octets]);
}

/** One TLV. `tag` is a single identifier octet (e.g. 0x30, 0xa1) or the octets from tagBytes. */
export function tlv(tag: number | Buffer, ...values: Buffer[]): Buffer {
  const value = values.length === 1 ? values[0] : Buffer.concat(values);
  const id = typeof tag === 'number' ? Buffer.from([tag]) : tag;
  return Buffer.concat([id, encodeLength(value.length), value]);
}

/** A constructed element: the tag given must already carry the constructed bit (0x30, 0xa0…). */
export function constructed(tag: number | Buffer, ...items: Array<Buffer | undefined>): Buffer {
  return tlv(tag, Buffer.concat(items.filter((item): item is Buffer => item !== undefined)));
}

export function sequence(...items: Array<Buffer | undefined>): Buffer {
  return constructed(0x30, ...items);
}

/** Minimal two's-complement contents (X.690 §8.3.2). */
export function integerContents(value: number | bigint): Buffer {
  let n = BigInt(value);
  const octets: number[] = [];
  for (;;) {
    const byte = Number(n & 0xffn);
    octets.unshift(byte);
    n >>= 8n;
    if ((n === 0n && (byte & 0x80) === 0) || (n === -1n && (byte & 0x80) !== 0)) break;
  }
  return Buffer.from(octets);
}

export function integer(value: number | bigint, tag = 0x02): Buffer {
  return tlv(tag, integerContents(value));
}

export function enumerated(value: number, tag = 0x0a): Buffer {
  return tlv(tag, integerContents(value));
}

export function octetString(value: Buffer, tag = 0x04): Buffer {
  return tlv(tag, value);
}

export function nullValue(tag = 0x05): Buffer {
  return Buffer.from([tag, 0x00]);
}

/** OBJECT IDENTIFIER contents (X.690 §8.19): first two arcs folded, then base-128 arcs. */
export function oidContents(oid: string | readonly number[]): Buffer {
  const arcs = typeof oid === 'string' ? oid.split('.').map(Number) : oid;
  if (arcs.length < 2 || arcs.some((arc) => !Number.isInteger(arc) || arc < 0)) throw new RangeError(`bad OID ${String(oid)}`);
  const out: number[] = [];
  const push = (arc: number) => {
    const chunk: number[] = [arc & 0x7f];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) chunk.unshift(0x80 | (n & 0x7f));
    out.push(...chunk);
  };
  push(arcs[0] * 40 + arcs[1]);
  for (let i = 2; i < arcs.length; i++) push(arcs[i]);
  return Buffer.from(out);
}

export function oid(value: string | readonly number[], tag = 0x06): Buffer {
  return tlv(tag, oidContents(value));
}
