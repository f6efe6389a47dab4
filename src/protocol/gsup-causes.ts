import { type ProtocolError, mapError } from './codes';
import type { CnDomain } from './gsup';

/**
 * GSUP errors carry a GMM cause (TS 24.008 §10.5.5.14), the steps speak MAP error names (TS 29.002). This
 * is the one translation both ways; the README prints the same table.
 *
 * | GMM cause | meaning (24.008)                         | MAP name the steps see                                   |
 * |-----------|-------------------------------------------|----------------------------------------------------------|
 * | 2         | IMSI unknown in HLR                       | unknownSubscriber                                        |
 * | 3         | Illegal MS                                | illegalSubscriber                                        |
 * | 6         | Illegal ME                                | illegalEquipment                                         |
 * | 7         | GPRS services not allowed (PS barring)    | roamingNotAllowed, cause operatorDeterminedBarring        |
 * | 8         | GPRS and non-GPRS services not allowed    | roamingNotAllowed, cause operatorDeterminedBarring        |
 * | 11        | PLMN not allowed (CS barring, no agreement)| roamingNotAllowed, cause plmnRoamingNotAllowed          |
 * | 12        | Location area not allowed                 | roamingNotAllowed                                        |
 * | 13        | Roaming not allowed in this location area | roamingNotAllowed, additional cause supportedRAT-TypesNotAllowed |
 * | 15        | No suitable cells in location area        | roamingNotAllowed, additional cause supportedRAT-TypesNotAllowed |
 * | 17        | Network failure                           | systemFailure                                            |
 * | 22        | Congestion                                | resourceLimitation                                       |
 * | 96        | Invalid mandatory information             | unexpectedDataValue                                      |
 * | other     |                                           | systemFailure                                            |
 */
export const GMM_CAUSE = {
  IMSI_UNKNOWN: 2,
  ILLEGAL_MS: 3,
  ILLEGAL_ME: 6,
  GPRS_NOT_ALLOWED: 7,
  GPRS_AND_NON_GPRS_NOT_ALLOWED: 8,
  PLMN_NOT_ALLOWED: 11,
  LA_NOT_ALLOWED: 12,
  ROAMING_NOT_ALLOWED_IN_LA: 13,
  NO_SUITABLE_CELL_IN_LA: 15,
  NETWORK_FAILURE: 17,
  CONGESTION: 22,
  INVALID_MANDATORY_INFO: 96,
} as const;

export function mapErrorFromGmm(cause: number | undefined): ProtocolError {
  switch (cause) {
    case GMM_CAUSE.IMSI_UNKNOWN:
      return mapError('unknownSubscriber');
    case GMM_CAUSE.ILLEGAL_MS:
      return mapError('illegalSubscriber');
    case GMM_CAUSE.ILLEGAL_ME:
      return mapError('illegalEquipment');
    case GMM_CAUSE.GPRS_NOT_ALLOWED:
    case GMM_CAUSE.GPRS_AND_NON_GPRS_NOT_ALLOWED:
      return mapError('roamingNotAllowed', 'operatorDeterminedBarring');
    case GMM_CAUSE.PLMN_NOT_ALLOWED:
      return mapError('roamingNotAllowed', 'plmnRoamingNotAllowed');
    case GMM_CAUSE.LA_NOT_ALLOWED:
      return mapError('roamingNotAllowed');
    case GMM_CAUSE.ROAMING_NOT_ALLOWED_IN_LA:
    case GMM_CAUSE.NO_SUITABLE_CELL_IN_LA:
      return mapError('roamingNotAllowed', 'supportedRAT-TypesNotAllowed');
    case GMM_CAUSE.CONGESTION:
      return mapError('resourceLimitation');
    case GMM_CAUSE.INVALID_MANDATORY_INFO:
      return mapError('unexpectedDataValue');
    default:
      return mapError('systemFailure');
  }
}

/**
 * The cause roamsim's GSUP HLR sends for a MAP error. Barring is 11 on CS and 7 on PS, as osmo-hlr sends
 * them, so a VLR sees the same cause from both HLRs (on CS the MAP name, roamingNotAllowed, survives the
 * round trip; its cause reads back as plmnRoamingNotAllowed: GMM has no cause for operator barring on CS).
 */
export function gmmFromMapError(error: ProtocolError, domain: CnDomain): number {
  if (error.kind !== 'map') return GMM_CAUSE.NETWORK_FAILURE;
  switch (error.name) {
    case 'unknownSubscriber':
      return GMM_CAUSE.IMSI_UNKNOWN;
    case 'illegalSubscriber':
      return GMM_CAUSE.ILLEGAL_MS;
    case 'illegalEquipment':
      return GMM_CAUSE.ILLEGAL_ME;
    case 'roamingNotAllowed':
      if (error.cause === 'operatorDeterminedBarring') return domain === 'PS' ? GMM_CAUSE.GPRS_NOT_ALLOWED : GMM_CAUSE.PLMN_NOT_ALLOWED;
      if (error.cause === 'supportedRAT-TypesNotAllowed') return GMM_CAUSE.ROAMING_NOT_ALLOWED_IN_LA;
      if (error.cause === 'plmnRoamingNotAllowed') return GMM_CAUSE.PLMN_NOT_ALLOWED;
      return GMM_CAUSE.LA_NOT_ALLOWED;
    case 'resourceLimitation':
      return GMM_CAUSE.CONGESTION;
    case 'unexpectedDataValue':
    case 'dataMissing':
      return GMM_CAUSE.INVALID_MANDATORY_INFO;
    default:
      return GMM_CAUSE.NETWORK_FAILURE;
  }
}
