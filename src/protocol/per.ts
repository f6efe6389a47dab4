/**
 * The few ALIGNED PER (ITU-T X.691) building blocks S1AP (TS 36.413) and RANAP (TS 25.413) messages need:
 * a bit writer with octet alignment, length determinants, constrained whole numbers and the
 * ProtocolIE-Container / open-type shape both protocols share.
 */

export class BitWriter {
  private readonly octets: number[] = [];
  private bitCount = 0;

  /** `count` bits of `value`, most significant first (count ≤ 32). */
  bits(value: number, count: number): this {
    for (let i = count - 1; i >= 0; i--) {
      const bit = Math.floor(value / 2 ** i) % 2;
      if (this.bitCount % 8 === 0) this.octets.push(0);
      if (bit) this.octets[this.octets.length - 1] |= 0x80 >> this.bitCount % 8;
      this.bitCount++;
    }
    return this;
  }

  /** Pads with zero bits to the next octet boundary (X.691 §10.1 "octet-aligned"). */
  align(): this {
    this.bitCount = this.octets.length * 8;
    return this;
  }

  /** Octets, aligned first. */
  octetsOf(data: Buffer): this {
    this.align();
    for (const byte of data) this.octets.push(byte);
    this.bitCount = this.octets.length * 8;
    return this;
  }

  /** An unconstrained length determinant (X.691 §10.9.3.6-7): aligned, one octet below 128, two below 16384. */
  length(n: number): this {
    if (n < 0 || n >= 16384) throw new RangeError(`PER length ${n} needs fragmentation, which these messages never do`);
    this.align();
    return n < 128 ? this.bits(n, 8) : this.bits(0x8000 | n, 16);
  }

  /**
   * A constrained whole number lb..ub (X.691 §10.5.7, aligned variant): a bit-field when the range is at most
   * 255, one aligned octet for 256, two aligned octets up to 64K, else the octet count (itself constrained
   * 1..n) then the aligned minimum octets.
   */
  constrained(value: number, lb: number, ub: number): this {
    if (!Number.isInteger(value) || value < lb || value > ub) throw new RangeError(`PER value ${value} is outside ${lb}..${ub}`);
    const range = ub - lb + 1;
    const offset = value - lb;
    if (range <= 255) return this.bits(offset, Math.ceil(Math.log2(range)));
    if (range === 256) return this.align().bits(offset, 8);
    if (range <= 65536) return this.align().bits(offset, 16);
    const maxOctets = Math.ceil(Math.log2(range) / 8);
    let octets = 1;
    while (offset >= 2 ** (8 * octets)) octets++;
    this.bits(octets - 1, Math.ceil(Math.log2(maxOctets)));
    this.align();
    return this.bits(offset, 8 * octets);
  }

  toBuffer(): Buffer {
    return Buffer.from(this.octets);
  }
}

export const CRITICALITY = { reject: 0, ignore: 1, notify: 2 } as const;
export type Criticality = keyof typeof CRITICALITY;

export interface ProtocolIe {
  readonly id: number;
  readonly criticality: Criticality;
  /** The IE value's own complete PER encoding (an open type's contents). */
  readonly value: Buffer;
}

/** An open type (X.691 §10.2): the value's encoding as an aligned, length-prefixed octet string. */
export function openType(w: BitWriter, value: Buffer): BitWriter {
  return w.length(value.length).octetsOf(value);
}

/**
 * A message body `SEQUENCE { protocolIEs ProtocolIE-Container, ... }`: the extension bit, the IE count
 * (0..65535, two aligned octets), then each ProtocolIE-Field {id 0..65535, criticality, open-type value}.
 */
export function ieContainer(ies: readonly ProtocolIe[]): Buffer {
  const w = new BitWriter().bits(0, 1).constrained(ies.length, 0, 65535);
  for (const ie of ies) {
    w.constrained(ie.id, 0, 65535).bits(CRITICALITY[ie.criticality], 2);
    openType(w, ie.value);
  }
  return w.toBuffer();
}

/**
 * The elementary-procedure PDU `CHOICE { initiatingMessage, successfulOutcome, unsuccessfulOutcome, … }`
 * (an extensible CHOICE of `alternatives` roots), then `{procedureCode 0..255, criticality, value}`.
 */
export function procedurePdu(choice: number, alternatives: number, procedureCode: number, criticality: Criticality, value: Buffer): Buffer {
  const w = new BitWriter().bits(0, 1).constrained(choice, 0, alternatives - 1).constrained(procedureCode, 0, 255).bits(CRITICALITY[criticality], 2);
  return openType(w, value).toBuffer();
}

/** An OCTET STRING with no size constraint (NAS-PDU): length determinant and octets. */
export function octetString(data: Buffer): Buffer {
  return new BitWriter().length(data.length).octetsOf(data).toBuffer();
}
