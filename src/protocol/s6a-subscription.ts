/**
 * S6a Subscription-Data (TS 29.272 §7.3.2) as AVPs, from the element-neutral SubscriptionData: what the HSS
 * puts in a ULA (and an IDR). A reusable builder: the capture encoder uses it, and so can a wire S6a codec.
 *
 * Subscription-Data ::= < AVP Header: 1400 10415 > [Subscriber-Status] [MSISDN] … [Operator-Determined-Barring]
 *   … [Network-Access-Mode] … [Access-Restriction-Data] [AMBR] [APN-Configuration-Profile] …
 */
import {
  ACCESS_RESTRICTIONS,
  accessRestrictionMask,
  NETWORK_ACCESS_MODES,
  ODB_CATEGORIES,
  odbMask,
  PDN_TYPES,
  type AccessRestriction,
  type Ambr,
  type ApnSubscription,
  type OdbCategory,
  type SubscriptionData,
} from '../elements/subscription';
import { VENDOR_3GPP } from './codes';
import { avp, avpGrouped, avpUnsigned32, avpUtf8 } from './diameter';
import { avpText, avpU32, findAll, findAvp, grouped, type RawAvp } from './diameter-decode';
import { decodeTbcd, encodeTbcd } from './tbcd';

/** AVP codes of the Subscription-Data tree (29.272 §7.3, 29.212 §5.3 for the QoS AVPs, RFC 5778 for Service-Selection). */
export const SUBSCRIPTION_AVP = {
  subscriptionData: 1400,
  msisdn: 701,
  subscriberStatus: 1424,
  operatorDeterminedBarring: 1425,
  networkAccessMode: 1417,
  accessRestrictionData: 1426,
  ambr: 1435,
  maxRequestedBandwidthUl: 516,
  maxRequestedBandwidthDl: 515,
  apnConfigurationProfile: 1429,
  contextIdentifier: 1423,
  allApnConfigurationsIncludedIndicator: 1428,
  apnConfiguration: 1430,
  serviceSelection: 493,
  pdnType: 1456,
  epsSubscribedQosProfile: 1431,
  qosClassIdentifier: 1028,
  allocationRetentionPriority: 1034,
  priorityLevel: 1046,
  preEmptionCapability: 1047,
  preEmptionVulnerability: 1048,
} as const;

const A = SUBSCRIPTION_AVP;
const vm = { vendor: true, mandatory: true } as const;

const ALL_APN_CONFIGURATIONS_INCLUDED = 0;
const PRE_EMPTION_CAPABILITY_DISABLED = 1;
const PRE_EMPTION_VULNERABILITY_ENABLED = 0;

export function ambrAvp(ambr: Ambr): Buffer {
  return avpGrouped(A.ambr, [avpUnsigned32(A.maxRequestedBandwidthUl, ambr.ulBps, vm), avpUnsigned32(A.maxRequestedBandwidthDl, ambr.dlBps, vm)], vm);
}

/** APN-Configuration (29.272 §7.3.35): Context-Identifier, PDN-Type, Service-Selection, EPS-Subscribed-QoS-Profile, AMBR. */
export function apnConfigurationAvp(apn: ApnSubscription, contextIdentifier: number): Buffer {
  return avpGrouped(
    A.apnConfiguration,
    [
      avpUnsigned32(A.contextIdentifier, contextIdentifier, vm),
      avpUnsigned32(A.pdnType, PDN_TYPES[apn.pdnType], vm),
      avpUtf8(A.serviceSelection, apn.name),
      avpGrouped(
        A.epsSubscribedQosProfile,
        [
          avpUnsigned32(A.qosClassIdentifier, apn.qci, vm),
          avpGrouped(
            A.allocationRetentionPriority,
            [
              avpUnsigned32(A.priorityLevel, apn.arpPriority, vm),
              avpUnsigned32(A.preEmptionCapability, PRE_EMPTION_CAPABILITY_DISABLED, vm),
              avpUnsigned32(A.preEmptionVulnerability, PRE_EMPTION_VULNERABILITY_ENABLED, vm),
            ],
            vm,
          ),
        ],
        vm,
      ),
      ambrAvp(apn.ambr),
    ],
    vm,
  );
}

/** The whole Subscription-Data AVP. Context identifiers are 1.. in APN order; the first APN is the default context. */
export function subscriptionDataAvp(data: SubscriptionData): Buffer {
  const children: Buffer[] = [];
  if (data.msisdn !== undefined) children.push(avp(A.msisdn, encodeTbcd(data.msisdn), vm));
  children.push(avpUnsigned32(A.subscriberStatus, data.subscriberStatus === 'serviceGranted' ? 0 : 1, vm));
  if (data.odb.length > 0) children.push(avpUnsigned32(A.operatorDeterminedBarring, odbMask(data.odb, 's6a'), vm));
  children.push(avpUnsigned32(A.networkAccessMode, NETWORK_ACCESS_MODES[data.networkAccessMode], vm));
  if (data.accessRestrictions.length > 0) children.push(avpUnsigned32(A.accessRestrictionData, accessRestrictionMask(data.accessRestrictions), vm));
  children.push(ambrAvp(data.ambr));
  children.push(
    avpGrouped(
      A.apnConfigurationProfile,
      [
        avpUnsigned32(A.contextIdentifier, data.defaultContext, vm),
        avpUnsigned32(A.allApnConfigurationsIncludedIndicator, ALL_APN_CONFIGURATIONS_INCLUDED, vm),
        ...data.apns.map((apn, i) => apnConfigurationAvp(apn, i + 1)),
      ],
      vm,
    ),
  );
  return avpGrouped(A.subscriptionData, children, vm);
}

const u32 = (avps: readonly RawAvp[], code: number): number | undefined => avpU32(findAvp(avps, code, VENDOR_3GPP));
const nameOf = <K extends string>(table: Readonly<Record<K, number>>, value: number | undefined): K | undefined =>
  (Object.keys(table) as K[]).find((key) => table[key] === value);

function readAmbr(avps: readonly RawAvp[]): Ambr | undefined {
  const ambr = grouped(findAvp(avps, A.ambr, VENDOR_3GPP));
  const ulBps = u32(ambr, A.maxRequestedBandwidthUl);
  const dlBps = u32(ambr, A.maxRequestedBandwidthDl);
  return ulBps === undefined || dlBps === undefined ? undefined : { ulBps, dlBps };
}

/**
 * A received Subscription-Data AVP back as the element-neutral SubscriptionData (the inverse of
 * subscriptionDataAvp): what a wire-mode MME hands its element, so a ULA over Diameter shows the same content
 * as in process. S6a carries none of MAP's CS data (category, teleservices, bearer and supplementary
 * services): those come back empty. A tree this cannot read (a mandatory part missing, an unknown PDN type or
 * access mode) is `undefined` — a peer's odd Subscription-Data costs the field, never the answer.
 */
export function readSubscriptionDataAvp(group: RawAvp): SubscriptionData | undefined {
  const children = grouped(group);
  const msisdn = findAvp(children, A.msisdn, VENDOR_3GPP);
  const status = u32(children, A.subscriberStatus);
  const networkAccessMode = nameOf(NETWORK_ACCESS_MODES, u32(children, A.networkAccessMode));
  const ambr = readAmbr(children);
  const odbBits = u32(children, A.operatorDeterminedBarring) ?? 0;
  const restrictionBits = u32(children, A.accessRestrictionData) ?? 0;
  const profile = grouped(findAvp(children, A.apnConfigurationProfile, VENDOR_3GPP));
  const defaultContext = u32(profile, A.contextIdentifier);
  if (status === undefined || networkAccessMode === undefined || ambr === undefined || defaultContext === undefined) return undefined;
  const apns: ApnSubscription[] = [];
  for (const configuration of findAll(profile, A.apnConfiguration, VENDOR_3GPP)) {
    const apn = grouped(configuration);
    const name = avpText(findAvp(apn, A.serviceSelection));
    const pdnType = nameOf(PDN_TYPES, u32(apn, A.pdnType));
    const qos = grouped(findAvp(apn, A.epsSubscribedQosProfile, VENDOR_3GPP));
    const qci = avpU32(findAvp(qos, A.qosClassIdentifier, VENDOR_3GPP));
    const arpPriority = avpU32(findAvp(grouped(findAvp(qos, A.allocationRetentionPriority, VENDOR_3GPP)), A.priorityLevel, VENDOR_3GPP));
    const apnAmbr = readAmbr(apn);
    if (name === undefined || pdnType === undefined || qci === undefined || arpPriority === undefined || apnAmbr === undefined) return undefined;
    apns.push({ name, pdnType, qci, arpPriority, ambr: apnAmbr });
  }
  const odb = (Object.keys(ODB_CATEGORIES) as OdbCategory[]).filter((category) => (odbBits & (1 << ODB_CATEGORIES[category].s6a)) !== 0);
  const accessRestrictions = (Object.keys(ACCESS_RESTRICTIONS) as AccessRestriction[]).filter((rat) => (restrictionBits & (1 << ACCESS_RESTRICTIONS[rat])) !== 0);
  return {
    ...(msisdn ? { msisdn: decodeTbcd(msisdn.data) } : {}),
    subscriberStatus: status === 0 ? 'serviceGranted' : 'operatorDeterminedBarring',
    defaultContext,
    apns,
    ambr,
    networkAccessMode,
    accessRestrictions,
    odb,
    category: 0,
    teleservices: [],
    bearerServices: [],
    supplementaryServices: [],
  };
}
