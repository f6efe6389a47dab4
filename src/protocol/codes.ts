import { InputError } from '../errors';

/** MAP error codes (TS 29.002 MAP-Errors, confirmed by Wireshark's gsm_map dissector). */
export const MAP_ERRORS = {
  unknownSubscriber: 1,
  unknownMSC: 3,
  unidentifiedSubscriber: 5,
  absentSubscriberSM: 6,
  unknownEquipment: 7,
  roamingNotAllowed: 8,
  illegalSubscriber: 9,
  bearerServiceNotProvisioned: 10,
  teleserviceNotProvisioned: 11,
  illegalEquipment: 12,
  callBarred: 13,
  facilityNotSupported: 21,
  absentSubscriber: 27,
  smDeliveryFailure: 32,
  systemFailure: 34,
  dataMissing: 35,
  unexpectedDataValue: 36,
  noRoamingNumberAvailable: 39,
  resourceLimitation: 51,
} as const;
export type MapErrorName = keyof typeof MAP_ERRORS;

/** RoamingNotAllowedParam causes; the RAT refusal travels in additionalRoamingNotAllowedCause. */
export const ROAMING_NOT_ALLOWED_CAUSES = { plmnRoamingNotAllowed: 0, operatorDeterminedBarring: 3 } as const;
export type RoamingNotAllowedCause = keyof typeof ROAMING_NOT_ALLOWED_CAUSES | 'supportedRAT-TypesNotAllowed';

/** Base Result-Code values (RFC 6733 §7.1). */
export const DIAMETER_RESULT_CODES = {
  DIAMETER_SUCCESS: 2001,
  DIAMETER_LIMITED_SUCCESS: 2002,
  DIAMETER_COMMAND_UNSUPPORTED: 3001,
  DIAMETER_UNABLE_TO_DELIVER: 3002,
  DIAMETER_REALM_NOT_SERVED: 3003,
  DIAMETER_TOO_BUSY: 3004,
  DIAMETER_LOOP_DETECTED: 3005,
  DIAMETER_AUTHENTICATION_REJECTED: 4001,
  DIAMETER_AVP_UNSUPPORTED: 5001,
  DIAMETER_UNKNOWN_SESSION_ID: 5002,
  DIAMETER_AUTHORIZATION_REJECTED: 5003,
  DIAMETER_INVALID_AVP_VALUE: 5004,
  DIAMETER_MISSING_AVP: 5005,
  DIAMETER_UNABLE_TO_COMPLY: 5012,
} as const;

/** 3GPP Experimental-Result-Code values (TS 29.272 §7.4), always with Vendor-Id 10415. */
export const DIAMETER_EXPERIMENTAL_CODES = {
  DIAMETER_ERROR_USER_UNKNOWN: 5001,
  DIAMETER_ERROR_ROAMING_NOT_ALLOWED: 5004,
  DIAMETER_ERROR_UNKNOWN_EPS_SUBSCRIPTION: 5420,
  DIAMETER_ERROR_RAT_NOT_ALLOWED: 5421,
  DIAMETER_ERROR_EQUIPMENT_UNKNOWN: 5422,
  DIAMETER_ERROR_UNKNOWN_SERVING_NODE: 5423,
  DIAMETER_AUTHENTICATION_DATA_UNAVAILABLE: 4181,
  DIAMETER_ERROR_CAMEL_SUBSCRIPTION_PRESENT: 4182,
} as const;

export const VENDOR_3GPP = 10415;

/**
 * One failure of a signalling transaction, in the protocol's own terms. `local` failures are those no
 * network element names on the wire: the UE-side authentication failure, a timeout, a broken transport.
 */
export type ProtocolError =
  | { kind: 'map'; name: MapErrorName; code: number; cause?: RoamingNotAllowedCause }
  | { kind: 'diameter-result'; name: string; code: number }
  | { kind: 'diameter-experimental'; name: string; code: number; vendorId: number }
  | { kind: 'local'; name: 'authenticationFailure' | 'timeout' | 'transportError'; detail?: string };

export function mapError(name: MapErrorName, cause?: RoamingNotAllowedCause): ProtocolError {
  return cause ? { kind: 'map', name, code: MAP_ERRORS[name], cause } : { kind: 'map', name, code: MAP_ERRORS[name] };
}

export function diameterError(name: string): ProtocolError {
  if (name in DIAMETER_EXPERIMENTAL_CODES) {
    const code = DIAMETER_EXPERIMENTAL_CODES[name as keyof typeof DIAMETER_EXPERIMENTAL_CODES];
    return { kind: 'diameter-experimental', name, code, vendorId: VENDOR_3GPP };
  }
  if (name in DIAMETER_RESULT_CODES) {
    return { kind: 'diameter-result', name, code: DIAMETER_RESULT_CODES[name as keyof typeof DIAMETER_RESULT_CODES] };
  }
  throw new Error(`unknown Diameter result name ${name}`);
}

export function localError(name: 'authenticationFailure' | 'timeout' | 'transportError', detail?: string): ProtocolError {
  return detail === undefined ? { kind: 'local', name } : { kind: 'local', name, detail };
}

/** Failures worth retrying: the answer may differ next time (TS 29.002 systemFailure, RFC 6733 3002/3004, 29.272 4181). */
export function isTransient(error: ProtocolError): boolean {
  switch (error.kind) {
    case 'map':
      return error.name === 'systemFailure' || error.name === 'resourceLimitation';
    case 'diameter-result':
      return error.code === 3002 || error.code === 3004;
    case 'diameter-experimental':
      return error.code === 4181;
    case 'local':
      return error.name === 'timeout' || error.name === 'transportError';
  }
}

const ERROR_NAME_HELP =
  'a MAP error name (e.g. roamingNotAllowed, unknownSubscriber, systemFailure), a Diameter name ' +
  '(e.g. DIAMETER_ERROR_ROAMING_NOT_ALLOWED, DIAMETER_ERROR_USER_UNKNOWN, DIAMETER_TOO_BUSY), a Diameter code (e.g. 5004), ' +
  'authenticationFailure or timeout';

/**
 * Resolves what a person wrote (`roamingNotAllowed`, `DIAMETER_ERROR_ROAMING_NOT_ALLOWED`, `5004`,
 * `authenticationFailure`) to a protocol error. A bare number means a 3GPP Experimental-Result-Code when
 * one exists with that value (the S6a reading of 5001/5004), else a base Result-Code.
 */
export function parseErrorName(text: string, source = 'error name'): ProtocolError {
  const name = text.trim();
  if (name === 'authenticationFailure' || name === 'timeout') return localError(name);
  if (name in MAP_ERRORS) {
    return name === 'roamingNotAllowed' ? mapError('roamingNotAllowed', 'plmnRoamingNotAllowed') : mapError(name as MapErrorName);
  }
  if (name in DIAMETER_EXPERIMENTAL_CODES || name in DIAMETER_RESULT_CODES) return diameterError(name);
  if (/^\d{4}$/.test(name)) {
    const code = Number(name);
    const experimental = Object.entries(DIAMETER_EXPERIMENTAL_CODES).find(([, value]) => value === code);
    if (experimental) return diameterError(experimental[0]);
    const base = Object.entries(DIAMETER_RESULT_CODES).find(([, value]) => value === code);
    if (base) return diameterError(base[0]);
  }
  throw new InputError(text, source, ERROR_NAME_HELP);
}

/** True when an observed error is the one a person named (by name or by number). */
export function errorMatches(observed: ProtocolError, expected: ProtocolError): boolean {
  if (observed.kind === 'local' || expected.kind === 'local') {
    return observed.kind === expected.kind && observed.name === expected.name;
  }
  return observed.kind === expected.kind && observed.code === expected.code;
}

export function describeError(error: ProtocolError): string {
  switch (error.kind) {
    case 'map':
      return `MAP ${error.name} (${error.code})${error.cause ? ` cause ${error.cause}` : ''}`;
    case 'diameter-result':
      return `Diameter Result-Code ${error.code} ${error.name}`;
    case 'diameter-experimental':
      return `Diameter Experimental-Result-Code ${error.code} ${error.name} (vendor ${error.vendorId})`;
    case 'local':
      return `${error.name}${error.detail ? ` (${error.detail})` : ''}`;
  }
}

/**
 * The same failure in the other protocol, for fault rules written once and applied on every RAT. MAP
 * systemFailure and the transient Diameter codes map onto each other (DIAMETER_TOO_BUSY one way), user
 * unknown and roaming refusals keep their meaning (TS 29.305 MAP/Diameter interworking, §4.x tables).
 */
export function inProtocol(error: ProtocolError, protocol: 'MAP' | 'S6a'): ProtocolError {
  if (error.kind === 'local') return error;
  if (protocol === 'S6a') {
    if (error.kind !== 'map') return error;
    switch (error.name) {
      case 'unknownSubscriber':
        return diameterError('DIAMETER_ERROR_USER_UNKNOWN');
      case 'roamingNotAllowed':
        return diameterError(error.cause === 'supportedRAT-TypesNotAllowed' ? 'DIAMETER_ERROR_RAT_NOT_ALLOWED' : 'DIAMETER_ERROR_ROAMING_NOT_ALLOWED');
      case 'systemFailure':
      case 'resourceLimitation':
        return diameterError('DIAMETER_TOO_BUSY');
      default:
        return diameterError('DIAMETER_UNABLE_TO_COMPLY');
    }
  }
  if (error.kind === 'map') return error;
  if (isTransient(error)) return mapError('systemFailure');
  switch (error.code) {
    case DIAMETER_EXPERIMENTAL_CODES.DIAMETER_ERROR_USER_UNKNOWN:
      return error.kind === 'diameter-experimental' ? mapError('unknownSubscriber') : mapError('unexpectedDataValue');
    case DIAMETER_EXPERIMENTAL_CODES.DIAMETER_ERROR_ROAMING_NOT_ALLOWED:
      return error.kind === 'diameter-experimental' ? mapError('roamingNotAllowed', 'plmnRoamingNotAllowed') : mapError('unexpectedDataValue');
    case DIAMETER_EXPERIMENTAL_CODES.DIAMETER_ERROR_RAT_NOT_ALLOWED:
      return mapError('roamingNotAllowed', 'supportedRAT-TypesNotAllowed');
    default:
      return mapError('systemFailure');
  }
}
