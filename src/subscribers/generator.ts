import { createHmac } from 'node:crypto';
import type { NetworkConfig, NumberRange } from '../config/load';
import { countryOfMcc } from '../config/mcc';
import { InputError } from '../errors';
import { computeOpc } from '../protocol/milenage';
import { type Plmn, formatPlmn } from '../protocol/plmn';
import { SeededRandom, hash32 } from './random';

export interface SubscriberIdentity {
  readonly index: number;
  readonly imsi: string;
  readonly msisdn: string;
  readonly homePlmn: string;
  readonly profile: string;
}

export interface KeyMaterial {
  readonly ki: Buffer;
  readonly opc: Buffer;
}

/**
 * A home network's synthetic ranges when the config gives none: MSIN `99…` filling the IMSI to 15 digits,
 * MSISDN `<country code>999` + 6 digits (no operator assigns 999 after the country code in the plans we
 * know; a fictitious range for tests, documented in the README).
 */
export function syntheticRanges(plmn: Plmn): { imsiRange: NumberRange; msisdnRange: NumberRange } {
  const msinLength = 15 - plmn.mcc.length - plmn.mnc.length;
  const cc = countryOfMcc(plmn.mcc)?.cc ?? '999';
  return {
    imsiRange: { from: `99${'0'.repeat(msinLength - 2)}`, to: `99${'9'.repeat(msinLength - 2)}` },
    msisdnRange: { from: `${cc}999000000`, to: `${cc}999999999` },
  };
}

/** Refuses ranges that cannot give valid identifiers; `source` names where the range came from. */
export function checkRanges(plmn: Plmn, imsiRange: NumberRange, msisdnRange: NumberRange, source: string): void {
  const mccMnc = plmn.mcc + plmn.mnc;
  if (!/^\d+$/.test(imsiRange.from) || mccMnc.length + imsiRange.from.length > 15) {
    throw new InputError(imsiRange.from, `${source} MSIN range`, `an MSIN of at most ${15 - mccMnc.length} digits so that MCC+MNC ${mccMnc} + MSIN stays within 15 IMSI digits`);
  }
  if (mccMnc.length + imsiRange.from.length < 14) {
    throw new InputError(imsiRange.from, `${source} MSIN range`, `an MSIN of ${14 - mccMnc.length} or ${15 - mccMnc.length} digits (IMSI of 14 or 15 digits)`);
  }
  if (!/^\d{8,15}$/.test(msisdnRange.from)) {
    throw new InputError(msisdnRange.from, `${source} MSISDN range`, 'an E.164 number of 8 to 15 digits, country code first');
  }
}

/**
 * Deterministic subscribers of one home network. Subscriber i takes MSIN `from + (offset + i·stride) mod size`
 * with a seeded stride coprime to the range size: a permutation, so identities never repeat, any index can
 * be computed alone (shards, load runs) and nothing has to be stored per subscriber.
 */
export class SubscriberGenerator {
  readonly plmn: Plmn;
  readonly imsiRange: NumberRange;
  readonly msisdnRange: NumberRange;
  private readonly imsiSize: number;
  private readonly msisdnSize: number;
  private readonly imsiStride: number;
  private readonly imsiOffset: number;
  private readonly msisdnStride: number;
  private readonly msisdnOffset: number;

  constructor(
    plmn: Plmn,
    network: Pick<NetworkConfig, 'imsiRange' | 'msisdnRange'> | undefined,
    readonly seed: number,
    private readonly secret: string,
    private readonly op: Buffer,
  ) {
    this.plmn = plmn;
    const synthetic = syntheticRanges(plmn);
    this.imsiRange = network?.imsiRange ?? synthetic.imsiRange;
    this.msisdnRange = network?.msisdnRange ?? synthetic.msisdnRange;
    checkRanges(plmn, this.imsiRange, this.msisdnRange, `home network ${formatPlmn(plmn)}`);
    this.imsiSize = Number(BigInt(this.imsiRange.to) - BigInt(this.imsiRange.from)) + 1;
    this.msisdnSize = Number(BigInt(this.msisdnRange.to) - BigInt(this.msisdnRange.from)) + 1;
    const random = new SeededRandom(seed, hash32(formatPlmn(plmn)));
    this.imsiStride = coprimeStride(this.imsiSize, random);
    this.imsiOffset = random.int(this.imsiSize);
    this.msisdnStride = coprimeStride(this.msisdnSize, random);
    this.msisdnOffset = random.int(this.msisdnSize);
  }

  get capacity(): number {
    return Math.min(this.imsiSize, this.msisdnSize);
  }

  identity(index: number, profile = 'postpaid'): SubscriberIdentity {
    if (!Number.isInteger(index) || index < 0 || index >= this.capacity) {
      throw new InputError(String(index), `subscriber index for ${formatPlmn(this.plmn)}`, `an index from 0 to ${this.capacity - 1} (the configured ranges hold ${this.capacity} subscribers)`);
    }
    const msin = pick(this.imsiRange.from, this.imsiSize, this.imsiOffset, this.imsiStride, index);
    const msisdn = pick(this.msisdnRange.from, this.msisdnSize, this.msisdnOffset, this.msisdnStride, index);
    return { index, imsi: this.plmn.mcc + this.plmn.mnc + msin, msisdn, homePlmn: formatPlmn(this.plmn), profile };
  }

  /** Ki = HMAC-SHA-256(secret, seed|IMSI) truncated to 128 bits; OPc from the operator's OP (TS 35.206). */
  keys(imsi: string): KeyMaterial {
    const ki = createHmac('sha256', this.secret).update(`ki|${this.seed}|${imsi}`).digest().subarray(0, 16);
    return { ki, opc: computeOpc(ki, this.op) };
  }
}

function pick(from: string, size: number, offset: number, stride: number, index: number): string {
  // (offset + index * stride) can exceed 2^53 for 10-digit ranges: use BigInt for the product.
  const position = Number((BigInt(offset) + BigInt(index) * BigInt(stride)) % BigInt(size));
  return (BigInt(from) + BigInt(position)).toString().padStart(from.length, '0');
}

function coprimeStride(size: number, random: SeededRandom): number {
  if (size <= 2) return 1;
  for (;;) {
    const candidate = 1 + random.int(size - 1);
    if (gcd(candidate, size) === 1) return candidate;
  }
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
