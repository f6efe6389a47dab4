/**
 * Scrubbing before anything leaves the process: subscriber identities become keyed pseudonyms (same network
 * prefix, same length, one pseudonym per identity for the run) and authentication material becomes zero
 * bytes of the same length, so a capture still decodes and still reads as the same journey.
 */
import type { SignallingEvent } from '../roaming/events';
import type { Pseudonymizer } from '../subscribers/pseudonym';

const IMSI_KEYS = new Set(['imsi', 'userName']);
const MSISDN_KEYS = new Set(['msisdn']);
/** Vector and key material (TS 33.102 §6.3, 33.401 §6.1): RAND, XRES/RES, CK, IK, AUTN/AUTS, KASME, SRES, Kc. */
const SECRET_KEYS = new Set(['rand', 'xres', 'res', 'ck', 'ik', 'autn', 'auts', 'kasme', 'sres', 'kc']);

/** MCC (3) + MNC (2 or 3) of `MCC-MNC`; 5 when the text is not a PLMN. */
export function mccMncLength(plmn: string): number {
  const match = /^(\d{3})-(\d{2,3})$/.exec(plmn.trim());
  return match ? 3 + match[2].length : 5;
}

/** Leading digits an MSISDN keeps: its E.164 country code is 1 to 3 digits; 2 covers most and hides no less. */
export const MSISDN_KEEP = 2;

export interface Scrubber {
  imsi(imsi: string): string;
  msisdn(msisdn: string): string;
}

export function scrubberFor(event: SignallingEvent, pseudonymizer: Pseudonymizer): Scrubber {
  const keep = mccMncLength(event.homePlmn);
  return { imsi: (imsi) => pseudonymizer.imsi(imsi, keep), msisdn: (msisdn) => pseudonymizer.msisdn(msisdn, MSISDN_KEEP) };
}

function zeroHex(value: string): string {
  return '0'.repeat(value.length);
}

function scrubValue(value: unknown, key: string | undefined, scrubber: Scrubber): unknown {
  if (typeof value === 'string' && key !== undefined) {
    if (IMSI_KEYS.has(key) && /^\d+$/.test(value)) return scrubber.imsi(value);
    if (MSISDN_KEYS.has(key) && /^\d+$/.test(value)) return scrubber.msisdn(value);
    if (SECRET_KEYS.has(key.toLowerCase())) return zeroHex(value);
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, undefined, scrubber));
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = scrubValue(v, k, scrubber);
    return out;
  }
  if (Buffer.isBuffer(value) && key !== undefined && SECRET_KEYS.has(key.toLowerCase())) return Buffer.alloc(value.length);
  return value;
}

/** A scrubbed copy; the original event (shared with every other sink) is left untouched. */
export function scrubEvent(event: SignallingEvent, pseudonymizer: Pseudonymizer): SignallingEvent {
  const scrubber = scrubberFor(event, pseudonymizer);
  const subscriber = {
    imsi: scrubber.imsi(event.subscriber.imsi),
    ...(event.subscriber.msisdn !== undefined ? { msisdn: scrubber.msisdn(event.subscriber.msisdn) } : {}),
  };
  // Walks the response and any error detail alike; a ProtocolError holds no identity key, so it passes unchanged.
  const outcome = scrubValue(event.outcome, undefined, scrubber) as SignallingEvent['outcome'];
  return { ...event, subscriber, request: scrubValue(event.request, undefined, scrubber) as Record<string, unknown>, outcome };
}

export function scrubEvents(events: readonly SignallingEvent[], pseudonymizer: Pseudonymizer): SignallingEvent[] {
  return events.map((event) => scrubEvent(event, pseudonymizer));
}
