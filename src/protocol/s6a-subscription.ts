/**
 * S6a Subscription-Data (TS 29.272 §7.3.2) as AVPs, from the element-neutral SubscriptionData: what the HSS
 * puts in a ULA (and an IDR). A reusable builder: the capture encoder uses it, and so can a wire S6a codec.
 *
 * Subscription-Data ::= < AVP Header: 1400 10415 > [Subscriber-Status] [MSISDN] … [Operator-Determined-Barring]
 *   … [Network-Access-Mode] … [Access-Restriction-Data] [AMBR] [APN-Configuration-Profile] …
 */
import { accessRestrictionMask, NETWORK_ACCESS_MODES, odbMask, PDN_TYPES, type Ambr, type ApnSubscription, type SubscriptionData } from '../elements/subscription';
import { avp, avpGrouped, avpUnsigned32, avpUtf8 } from './diameter';
import { encodeTbcd } from './tbcd';

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
