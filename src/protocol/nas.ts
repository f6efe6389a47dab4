/**
 * The handset's side of a registration as 3GPP writes it: EPS mobility management (EMM, TS 24.301) on LTE,
 * mobility management (MM, TS 24.008) on GSM and UMTS. The NAS message names of each exchange, and the cause
 * the handset is refused with, mapped from the core-network error that caused it.
 */
import type { ProtocolError } from './codes';
import type { Rat } from './rat';

/** EMM causes (TS 24.301 §9.9.3.9) the visited MME sends or the UE reports. */
export const EMM_CAUSES: Readonly<Record<number, string>> = {
  3: 'illegal UE',
  6: 'illegal ME',
  7: 'EPS services not allowed',
  8: 'EPS services and non-EPS services not allowed',
  11: 'PLMN not allowed',
  12: 'tracking area not allowed',
  13: 'roaming not allowed in this tracking area',
  15: 'no suitable cells in tracking area',
  17: 'network failure',
  20: 'MAC failure',
  21: 'synch failure',
  22: 'congestion',
  111: 'protocol error, unspecified',
};

/** MM causes (TS 24.008 §10.5.3.6) the visited VLR sends or the MS reports. */
export const MM_CAUSES: Readonly<Record<number, string>> = {
  2: 'IMSI unknown in HLR',
  3: 'illegal MS',
  6: 'illegal ME',
  11: 'PLMN not allowed',
  12: 'location area not allowed',
  13: 'roaming not allowed in this location area',
  15: 'no suitable cells in location area',
  17: 'network failure',
  20: 'MAC failure',
  21: 'synch failure',
  22: 'congestion',
  111: 'protocol error, unspecified',
};

export type NasDomain = 'EMM' | 'MM';
export const nasDomain = (rat: Rat): NasDomain => (rat === 'LTE' ? 'EMM' : 'MM');

export interface NasCause {
  readonly domain: NasDomain;
  readonly code: number;
  readonly name: string;
}

/** How the handset is refused: the reject message it receives and its cause (none for an Authentication Reject from a RES mismatch). */
export interface NasRefusal {
  readonly message: 'Attach Reject' | 'Location Updating Reject' | 'Authentication Reject';
  readonly cause?: NasCause;
}

export function nasCause(domain: NasDomain, code: number): NasCause {
  const name = (domain === 'EMM' ? EMM_CAUSES : MM_CAUSES)[code];
  if (name === undefined) throw new RangeError(`${domain} cause #${code} is not in the table`);
  return { domain, code, name };
}

export const describeNasCause = (cause: NasCause): string => `${cause.domain} #${cause.code} ${cause.name}`;

/**
 * The core-network error → the cause the visited network sends the handset. LTE: TS 29.272 Annex A (tables
 * A.1/A.2, the first cause listed where the table leaves the operator a choice). GSM/UMTS: TS 29.010 §3.2
 * (MAP errors of UpdateLocation / SendAuthenticationInfo to MM causes). Transient failures, timeouts and broken
 * transports are #17 network failure on both.
 */
export function nasCauseCode(error: ProtocolError, rat: Rat): number {
  const lte = rat === 'LTE';
  switch (error.kind) {
    case 'diameter-experimental':
      switch (error.code) {
        case 5001: // DIAMETER_ERROR_USER_UNKNOWN
          return lte ? 8 : 2;
        case 5004: // DIAMETER_ERROR_ROAMING_NOT_ALLOWED
          return 11;
        case 5420: // DIAMETER_ERROR_UNKNOWN_EPS_SUBSCRIPTION
        case 5421: // DIAMETER_ERROR_RAT_NOT_ALLOWED
          return 15;
        default:
          return 17;
      }
    case 'map':
      switch (error.name) {
        case 'unknownSubscriber':
          return lte ? 8 : 2;
        case 'roamingNotAllowed':
          return error.cause === 'supportedRAT-TypesNotAllowed' ? 15 : 11;
        case 'illegalSubscriber':
          return 3;
        case 'illegalEquipment':
          return 6;
        default:
          return 17;
      }
    case 'diameter-result':
      return 17;
    case 'local':
      if (error.name !== 'authenticationFailure') return 17;
      return /synch/i.test(error.detail ?? '') ? 21 : 20;
  }
}

/** The refusal the handset sees for a registration that failed with `error`. */
export function nasRefusal(error: ProtocolError, rat: Rat): NasRefusal {
  const domain = nasDomain(rat);
  if (error.kind === 'local' && error.name === 'authenticationFailure') {
    // A RES mismatch: the network sends Authentication Reject, no cause. A MAC or SQN failure the USIM
    // detected: the UE sent Authentication Failure with #20/#21, then the network's Authentication Reject.
    const ueDetected = /UE reported/.test(error.detail ?? '');
    return ueDetected ? { message: 'Authentication Reject', cause: nasCause(domain, nasCauseCode(error, rat)) } : { message: 'Authentication Reject' };
  }
  return { message: rat === 'LTE' ? 'Attach Reject' : 'Location Updating Reject', cause: nasCause(domain, nasCauseCode(error, rat)) };
}

export const describeNasRefusal = (refusal: NasRefusal): string => `${refusal.message}${refusal.cause ? ` ${describeNasCause(refusal.cause)}` : ''}`;

/**
 * What a person wrote for a cause (`"#13 roaming not allowed in this tracking area"`, `"#13"`, `13`,
 * `"roaming not allowed in this tracking area"`, or `"Authentication Reject"`), as a predicate over refusals.
 */
export function parseNasRefusal(text: string): ((refusal: NasRefusal) => boolean) | undefined {
  const written = text.trim();
  if (/^authentication reject$/i.test(written)) return (r) => r.message === 'Authentication Reject';
  const numbered = /^#?(\d{1,3})(?:\s+(.+))?$/.exec(written);
  if (numbered) {
    const code = Number(numbered[1]);
    const name = numbered[2]?.trim().toLowerCase();
    const known = EMM_CAUSES[code] ?? MM_CAUSES[code];
    if (!known) return undefined;
    if (name !== undefined && EMM_CAUSES[code]?.toLowerCase() !== name && MM_CAUSES[code]?.toLowerCase() !== name) return undefined;
    return (r) => r.cause?.code === code;
  }
  const lower = written.toLowerCase();
  const known = [...Object.values(EMM_CAUSES), ...Object.values(MM_CAUSES)].some((n) => n.toLowerCase() === lower);
  return known ? (r) => r.cause?.name.toLowerCase() === lower : undefined;
}

/** NAS message names of one UE exchange, request and answer (TS 24.301 §8.2, TS 24.008 §9.2). */
export function nasMessages(procedure: string, rat: Rat, request: Readonly<Record<string, unknown>>, error: ProtocolError | undefined): { request: string; answer: string } {
  const lte = rat === 'LTE';
  const securityMode = rat === 'GSM' ? 'Ciphering Mode' : 'Security Mode';
  const reject = (): string => (error ? describeNasRefusal(nasRefusal(error, rat)) : '');
  switch (procedure) {
    case 'Attach': {
      const update = lte && request.update === true;
      const name = update ? 'Tracking Area Update Request' : lte ? `Attach Request${request.combined === true ? ' (combined EPS/IMSI)' : ''}` : 'Location Updating Request';
      return { request: name, answer: error ? reject() : 'Authentication Request' };
    }
    case 'Authentication': {
      const failure = typeof request.failure === 'string' ? request.failure : undefined;
      const synch = failure !== undefined && /synch/i.test(failure);
      const sent = failure ? `Authentication Failure #${synch ? 21 : 20}` : 'Authentication Response';
      // A synch failure the network resynchronised answers with a new challenge (TS 33.102 §6.3.5).
      return { request: sent, answer: error ? reject() : synch ? 'Authentication Request' : `${securityMode} Command` };
    }
    case 'SecurityModeComplete':
      return { request: `${securityMode} Complete`, answer: error ? reject() : lte ? (request.update === true ? 'Tracking Area Update Accept' : 'Attach Accept') : 'Location Updating Accept' };
    case 'Detach':
      return { request: lte ? `Detach Request${request.combined === true ? ' (combined EPS/IMSI)' : ''}` : 'IMSI Detach Indication', answer: error ? 'Detach failed' : lte ? 'Detach Accept' : 'IMSI detach acknowledged (no NAS answer)' };
    default:
      return { request: procedure, answer: error ? `${procedure} failed` : `${procedure} done` };
  }
}
