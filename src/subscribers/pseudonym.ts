import { createHmac } from 'node:crypto';

/**
 * Keyed pseudonyms for subscriber identities, applied at every sink (captures, logs, audit, dead-letter,
 * reports). An IMSI keeps its MCC+MNC and length, an MSISDN its country code and length, so a ladder still
 * reads as the same networks; one identity maps to one pseudonym for the whole run (same key), so a flow
 * can be followed, while the key (derived from the secret and the seed) never leaves the process.
 */
export class Pseudonymizer {
  private readonly cache = new Map<string, string>();

  constructor(private readonly key: Buffer | string) {}

  /** `keep` leading digits stay (MCC+MNC, 5 or 6); the rest are replaced by keyed digits. */
  imsi(imsi: string, keep = 6): string {
    return this.digits('imsi', imsi, keep);
  }

  /** `keep` leading digits stay (the E.164 country code). */
  msisdn(msisdn: string, keep = 2): string {
    return this.digits('msisdn', msisdn, keep);
  }

  private digits(kind: string, value: string, keep: number): string {
    const cacheKey = `${kind}:${keep}:${value}`;
    const known = this.cache.get(cacheKey);
    if (known !== undefined) return known;
    const head = value.slice(0, keep);
    const original = value.slice(keep);
    let tail = this.keyedDigits(kind, value, 0, original.length);
    for (let round = 1; tail === original && original.length > 0; round++) tail = this.keyedDigits(kind, value, round, original.length);
    const pseudonym = head + tail;
    this.cache.set(cacheKey, pseudonym);
    return pseudonym;
  }

  private keyedDigits(kind: string, value: string, round: number, length: number): string {
    let digits = '';
    for (let block = 0; digits.length < length; block++) {
      const mac = createHmac('sha256', this.key).update(`${kind}|${round}|${block}|${value}`).digest();
      for (const byte of mac) {
        // 250 = 25 * 10: dropping 250..255 keeps every digit equally likely.
        if (byte < 250 && digits.length < length) digits += String(byte % 10);
      }
    }
    return digits;
  }
}
