/**
 * The subscription data a home network sends a visited one, per subscriber profile: S6a Subscription-Data in
 * the ULA (TS 29.272 §7.3.2) and MAP InsertSubscriberData (TS 29.002 §8.8.1, §17.7.1). One element-neutral
 * record, built from the profile in config/roaming.yaml; the capture encoders (src/protocol/) and any wire codec
 * turn it into AVPs or ASN.1, and the Then step describes it in the phrases the README lists.
 */

/** PDN-Type (29.272 §7.3.62). */
export const PDN_TYPES = { IPv4: 0, IPv6: 1, IPv4v6: 2, IPv4_OR_IPv6: 3 } as const;
export type PdnType = keyof typeof PDN_TYPES;

/** Teleservice codes (TS 29.002 MAP-TS-Code). */
export const TELESERVICES = {
  telephony: 0x11,
  'emergency calls': 0x12,
  'short message MT': 0x21,
  'short message MO': 0x22,
  'facsimile group 3': 0x62,
} as const;
export type Teleservice = keyof typeof TELESERVICES;

/** Bearer service codes (TS 29.002 MAP-BS-Code). */
export const BEARER_SERVICES = { 'all data CDA': 0x10, 'all data CDS': 0x18 } as const;
export type BearerService = keyof typeof BEARER_SERVICES;

/** Supplementary services sent as ss-Data (TS 29.002 MAP-SS-Code), provisioned and active. */
export const SUPPLEMENTARY_SERVICES = { CLIP: 0x11, CLIR: 0x12, COLP: 0x13, 'call waiting': 0x41, 'call hold': 0x42, multiparty: 0x51 } as const;
export type SupplementaryService = keyof typeof SUPPLEMENTARY_SERVICES;

/**
 * Operator-determined barring categories: the MAP ODB-GeneralData bit (TS 29.002) and, where S6a has one, the
 * Operator-Determined-Barring bit (TS 29.272 §7.3.30). The key is the phrase a step or the config uses.
 */
export const ODB_CATEGORIES = {
  'all outgoing calls': { map: 0, s6a: 3 },
  'all outgoing international calls': { map: 1, s6a: 4 },
  'outgoing international calls except to home country': { map: 2, s6a: 5 },
  'all packet oriented services': { map: 15, s6a: 0 },
  'roamer access to HPLMN APN': { map: 16, s6a: 1 },
  'roamer access to VPLMN APN': { map: 17, s6a: 2 },
} as const;
export type OdbCategory = keyof typeof ODB_CATEGORIES;

/** Access-Restriction-Data bits (29.272 §7.3.31): the RATs the subscriber may not use. */
export const ACCESS_RESTRICTIONS = { UTRAN: 0, GERAN: 1, GAN: 2, 'I-HSPA-Evolution': 3, 'WB-E-UTRAN': 4, 'HO-to-non-3GPP': 5, 'NB-IoT': 6 } as const;
export type AccessRestriction = keyof typeof ACCESS_RESTRICTIONS;

/** Network-Access-Mode (29.272 §7.3.21; MAP networkAccessMode [24]). */
export const NETWORK_ACCESS_MODES = { 'packet and circuit': 0, 'only packet': 2 } as const;
export type NetworkAccessMode = keyof typeof NETWORK_ACCESS_MODES;

/** Aggregate maximum bit rate, bits per second (AMBR, 29.272 §7.3.41). */
export interface Ambr {
  readonly ulBps: number;
  readonly dlBps: number;
}

/** One APN-Configuration (29.272 §7.3.35) with its EPS-Subscribed-QoS-Profile (QCI, ARP priority level). */
export interface ApnSubscription {
  readonly name: string;
  readonly pdnType: PdnType;
  readonly qci: number;
  readonly arpPriority: number;
  readonly ambr: Ambr;
}

/** What a profile subscribes to (config/roaming.yaml `profiles.<name>`, defaults in DEFAULT_SUBSCRIPTION). */
export interface SubscriptionProfile {
  readonly apns: readonly ApnSubscription[];
  readonly ambr: Ambr;
  readonly networkAccessMode: NetworkAccessMode;
  readonly accessRestrictions: readonly AccessRestriction[];
  /** ITU-T Q.763 calling party's category: 10 (0x0a) is an ordinary subscriber. */
  readonly category: number;
  readonly teleservices: readonly Teleservice[];
  readonly bearerServices: readonly BearerService[];
  readonly supplementaryServices: readonly SupplementaryService[];
  readonly odb: readonly OdbCategory[];
}

export const DEFAULT_SUBSCRIPTION: SubscriptionProfile = {
  apns: [{ name: 'internet', pdnType: 'IPv4v6', qci: 9, arpPriority: 8, ambr: { ulBps: 50_000_000, dlBps: 100_000_000 } }],
  ambr: { ulBps: 50_000_000, dlBps: 100_000_000 },
  networkAccessMode: 'packet and circuit',
  accessRestrictions: [],
  category: 0x0a,
  teleservices: ['telephony', 'emergency calls', 'short message MT', 'short message MO'],
  bearerServices: [],
  supplementaryServices: ['CLIP', 'call waiting', 'call hold'],
  odb: [],
};

/** The subscription data one subscriber's home network sends: the profile plus the subscriber's own fields. */
export interface SubscriptionData extends SubscriptionProfile {
  readonly msisdn?: string;
  /** SERVICE_GRANTED, or OPERATOR_DETERMINED_BARRING when any ODB category applies (29.272 §7.3.29). */
  readonly subscriberStatus: 'serviceGranted' | 'operatorDeterminedBarring';
  /** Context-Identifier of the default APN (the first). */
  readonly defaultContext: number;
}

export function subscriptionFor(profile: SubscriptionProfile, msisdn: string | undefined): SubscriptionData {
  return {
    ...profile,
    ...(msisdn !== undefined ? { msisdn } : {}),
    subscriberStatus: profile.odb.length > 0 ? 'operatorDeterminedBarring' : 'serviceGranted',
    defaultContext: 1,
  };
}

/** Bit mask of the ODB categories, by the protocol's bit numbering (bit n = 1 << n). */
export function odbMask(odb: readonly OdbCategory[], protocol: 'map' | 's6a'): number {
  return odb.reduce((mask, category) => (mask | (1 << ODB_CATEGORIES[category][protocol])) >>> 0, 0);
}

export function accessRestrictionMask(restrictions: readonly AccessRestriction[]): number {
  return restrictions.reduce((mask, rat) => mask | (1 << ACCESS_RESTRICTIONS[rat]), 0);
}

/**
 * The phrases a Then step accepts for what a subscription data record includes. S6a (ULA) data has APNs,
 * AMBR, access restrictions and the S6a ODB categories; MAP (ISD) data has category, teleservices, bearer
 * services, supplementary services and the MAP ODB categories. Both have MSISDN and subscriber status.
 */
export function describeSubscription(data: SubscriptionData, protocol: 'MAP' | 'S6a'): string[] {
  const phrases: string[] = [];
  if (data.msisdn !== undefined) phrases.push('MSISDN');
  phrases.push(data.subscriberStatus === 'serviceGranted' ? 'service granted' : 'operator determined barring');
  for (const odb of data.odb) phrases.push(`ODB ${odb}`);
  if (protocol === 'S6a') {
    phrases.push(`network access mode ${data.networkAccessMode}`);
    phrases.push(`AMBR ${data.ambr.ulBps}/${data.ambr.dlBps}`);
    for (const apn of data.apns) phrases.push(`APN ${apn.name}`, `APN ${apn.name} ${apn.pdnType}`, `APN ${apn.name} QCI ${apn.qci}`);
    if (data.apns[0]) phrases.push(`default APN ${data.apns[0].name}`);
    for (const rat of data.accessRestrictions) phrases.push(`${rat} not allowed`);
  } else {
    phrases.push(`category ${data.category}`);
    for (const ts of data.teleservices) phrases.push(`teleservice ${ts}`);
    for (const bs of data.bearerServices) phrases.push(`bearer service ${bs}`);
    for (const ss of data.supplementaryServices) phrases.push(`SS ${ss}`);
  }
  return phrases;
}

/** The forms describeSubscription produces, for a failure message and the README. */
export const SUBSCRIPTION_PHRASE_FORMS = [
  'MSISDN',
  'service granted | operator determined barring',
  'ODB <category>',
  'network access mode <packet and circuit | only packet> (S6a)',
  'AMBR <ul bps>/<dl bps> (S6a)',
  'APN <name> | APN <name> <PDN type> | APN <name> QCI <n> | default APN <name> (S6a)',
  '<RAT> not allowed (S6a)',
  'category <n> | teleservice <name> | bearer service <name> | SS <name> (MAP)',
] as const;
