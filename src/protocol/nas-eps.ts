/**
 * EPS mobility management messages (TS 24.301 §8.2) between the UE and the visited MME, with the ESM
 * messages an attach carries (§8.3), and the EPS security protected envelope (§9.1, §9.3.1).
 */
import { imsiIdentity } from './nas-mm';
import { encodePlmnId, type Plmn } from './plmn';

const PD_EMM = 0x07;
const PD_ESM = 0x02;

export const EMM_MESSAGE_TYPES = {
  attachRequest: 0x41,
  attachAccept: 0x42,
  attachReject: 0x44,
  detachRequest: 0x45,
  detachAccept: 0x46,
  trackingAreaUpdateRequest: 0x48,
  trackingAreaUpdateAccept: 0x49,
  trackingAreaUpdateReject: 0x4b,
  authenticationRequest: 0x52,
  authenticationResponse: 0x53,
  authenticationReject: 0x54,
  authenticationFailure: 0x5c,
  securityModeCommand: 0x5d,
  securityModeComplete: 0x5e,
} as const;

/** Security header types (§9.3.1). */
export const SECURITY_HEADER = {
  plain: 0,
  integrityProtected: 1,
  integrityProtectedAndCiphered: 2,
  integrityProtectedNewContext: 3,
  integrityProtectedAndCipheredNewContext: 4,
} as const;

/** NAS key set identifier "no key is available" (§9.9.3.21). */
export const KSI_NO_KEY = 7;

/**
 * UE network capability (§9.9.3.34), first two octets: EEA0-EEA3 and EIA0-EIA3 supported. Replayed as the UE
 * security capabilities in the Security Mode Command.
 */
export const UE_NETWORK_CAPABILITY = Buffer.from([0xf0, 0xf0]);

/** Selected NAS security algorithms (§9.9.3.23): ciphering EEA0 (null) high nibble, integrity 128-EIA2 low nibble. */
export const SELECTED_ALGORITHMS = { ciphering: 0, integrity: 2 } as const;

const lv = (value: Buffer): Buffer => Buffer.concat([Buffer.from([value.length]), value]);
const lvE = (value: Buffer): Buffer => {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(value.length);
  return Buffer.concat([length, value]);
};
const tlv = (iei: number, value: Buffer): Buffer => Buffer.concat([Buffer.from([iei, value.length]), value]);
const emm = (type: number, ...body: Buffer[]): Buffer => Buffer.concat([Buffer.from([PD_EMM, type]), ...body]);

function octets(value: Buffer, length: number, what: string): Buffer {
  if (value.length !== length) throw new RangeError(`${what} is ${value.length} octets, 24.301 wants ${length}`);
  return value;
}

/** EPS mobile identity GUTI (§9.9.3.12): PLMN, MME group id, MME code, M-TMSI. */
export function gutiIdentity(guti: { plmn: Plmn; mmeGroupId: number; mmeCode: number; mTmsi: number }): Buffer {
  const out = Buffer.alloc(11);
  out[0] = 0xf6;
  encodePlmnId(guti.plmn).copy(out, 1);
  out.writeUInt16BE(guti.mmeGroupId & 0xffff, 4);
  out[6] = guti.mmeCode & 0xff;
  out.writeUInt32BE(guti.mTmsi >>> 0, 7);
  return out;
}

/** Tracking area identity as 24.301 packs it (§9.9.3.32): PLMN then TAC. */
export function trackingAreaId(plmn: Plmn, tac: number): Buffer {
  const out = Buffer.alloc(5);
  encodePlmnId(plmn).copy(out, 0);
  out.writeUInt16BE(tac & 0xffff, 3);
  return out;
}

/** TAI list (§9.9.3.33) of one TAC in one PLMN: type of list 0, one element. */
function taiList(tai: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x00]), tai]);
}

/** PDN Connectivity Request (§8.3.20): initial request for IPv4, procedure transaction 1, no bearer yet. */
export function pdnConnectivityRequest(): Buffer {
  return Buffer.from([PD_ESM, 0x01, 0xd0, 0x11]);
}

/** APN as DNS labels (TS 23.003 §9.1). */
function apnLabels(apn: string): Buffer {
  return Buffer.concat(apn.split('.').filter(Boolean).map((label) => lv(Buffer.from(label, 'ascii'))));
}

/**
 * Activate Default EPS Bearer Context Request (§8.3.6): EPS bearer 5 answering transaction 1, EPS QoS with
 * the subscribed QCI, the APN, and the IPv4 PDN address.
 */
export function activateDefaultBearerRequest(input: { qci: number; apn: string; ipv4: readonly number[] }): Buffer {
  return Buffer.concat([Buffer.from([(5 << 4) | PD_ESM, 0x01, 0xc1]), lv(Buffer.from([input.qci & 0xff])), lv(apnLabels(input.apn)), lv(Buffer.from([0x01, ...input.ipv4]))]);
}

/** Attach Request (§8.2.4): EPS attach (1) or combined EPS/IMSI attach (2), NAS KSI, IMSI, capability, ESM container. */
export function attachRequest(input: { imsi: string; combined: boolean; ksi?: number }): Buffer {
  const ksi = input.ksi ?? KSI_NO_KEY;
  return emm(EMM_MESSAGE_TYPES.attachRequest, Buffer.from([((ksi & 0x7) << 4) | (input.combined ? 2 : 1)]), lv(imsiIdentity(input.imsi)), lv(UE_NETWORK_CAPABILITY), lvE(pdnConnectivityRequest()));
}

/** Tracking Area Update Request (§8.2.29): TA updating (0) or combined TA/LA updating (1), the old GUTI, capability. */
export function trackingAreaUpdateRequest(input: { oldGuti: Buffer; combined: boolean; ksi?: number }): Buffer {
  const ksi = input.ksi ?? KSI_NO_KEY;
  return emm(EMM_MESSAGE_TYPES.trackingAreaUpdateRequest, Buffer.from([((ksi & 0x7) << 4) | (input.combined ? 1 : 0)]), lv(input.oldGuti), tlv(0x58, UE_NETWORK_CAPABILITY));
}

/** Authentication Request (§8.2.7): NAS KSI, RAND (16 octets, V), AUTN (LV). */
export function authenticationRequest(input: { ksi: number; rand: Buffer; autn: Buffer }): Buffer {
  return emm(EMM_MESSAGE_TYPES.authenticationRequest, Buffer.from([input.ksi & 0x7]), octets(input.rand, 16, 'RAND'), lv(octets(input.autn, 16, 'AUTN')));
}

/** Authentication Response (§8.2.8): RES (LV, 4 to 16 octets). */
export function authenticationResponse(res: Buffer): Buffer {
  if (res.length < 4 || res.length > 16) throw new RangeError(`RES of ${res.length} octets is not 4 to 16`);
  return emm(EMM_MESSAGE_TYPES.authenticationResponse, lv(res));
}

/** Authentication Failure (§8.2.5): EMM cause #20/#21, the Authentication failure parameter (IEI 0x30, AUTS) with #21. */
export function authenticationFailure(input: { cause: number; auts?: Buffer }): Buffer {
  return emm(EMM_MESSAGE_TYPES.authenticationFailure, Buffer.from([input.cause & 0xff]), ...(input.auts ? [tlv(0x30, octets(input.auts, 14, 'AUTS'))] : []));
}

export const authenticationReject = (): Buffer => emm(EMM_MESSAGE_TYPES.authenticationReject);

/** Security Mode Command (§8.2.20): selected algorithms, NAS KSI, replayed UE security capabilities. */
export function securityModeCommand(ksi: number): Buffer {
  return emm(EMM_MESSAGE_TYPES.securityModeCommand, Buffer.from([(SELECTED_ALGORITHMS.ciphering << 4) | SELECTED_ALGORITHMS.integrity, ksi & 0x7]), lv(UE_NETWORK_CAPABILITY));
}

export const securityModeComplete = (): Buffer => emm(EMM_MESSAGE_TYPES.securityModeComplete);

/**
 * Attach Accept (§8.2.1): EPS only (1) or combined (2) result, T3412 54 minutes (GPRS timer, unit decihours,
 * value 9), the TAI list, the ESM container with the default bearer, the GUTI (IEI 0x50), and the LAI (IEI 0x13)
 * for a combined attach.
 */
export function attachAccept(input: { combined: boolean; tai: Buffer; esm: Buffer; guti: Buffer; lai?: Buffer }): Buffer {
  return emm(
    EMM_MESSAGE_TYPES.attachAccept,
    Buffer.from([input.combined ? 2 : 1, 0x49]),
    lv(taiList(input.tai)),
    lvE(input.esm),
    tlv(0x50, input.guti),
    ...(input.combined && input.lai ? [Buffer.concat([Buffer.from([0x13]), octets(input.lai, 5, 'LAI')])] : []),
  );
}

/** Tracking Area Update Accept (§8.2.26): TA updated (0) or combined TA/LA updated (1), T3412 (0x5A), GUTI (0x50), TAI list (0x54). */
export function trackingAreaUpdateAccept(input: { combined: boolean; tai: Buffer; guti: Buffer }): Buffer {
  return emm(EMM_MESSAGE_TYPES.trackingAreaUpdateAccept, Buffer.from([input.combined ? 1 : 0, 0x5a, 0x49]), tlv(0x50, input.guti), tlv(0x54, taiList(input.tai)));
}

export const attachReject = (cause: number): Buffer => emm(EMM_MESSAGE_TYPES.attachReject, Buffer.from([cause & 0xff]));
export const trackingAreaUpdateReject = (cause: number): Buffer => emm(EMM_MESSAGE_TYPES.trackingAreaUpdateReject, Buffer.from([cause & 0xff]));

/** Detach Request, UE originating (§8.2.11.1): normal detach, EPS (1) or combined EPS/IMSI (3) detach, NAS KSI, IMSI. */
export function detachRequest(input: { imsi: string; combined: boolean; ksi: number }): Buffer {
  return emm(EMM_MESSAGE_TYPES.detachRequest, Buffer.from([((input.ksi & 0x7) << 4) | (input.combined ? 3 : 1)]), lv(imsiIdentity(input.imsi)));
}

export const detachAccept = (): Buffer => emm(EMM_MESSAGE_TYPES.detachAccept);

/**
 * A security protected NAS message (§9.1): header type, the 4-octet MAC, the NAS sequence number, then the
 * plain message. With EEA0 selected the "ciphered" message is the plain one.
 */
export function securityProtected(headerType: number, mac: Buffer, sequence: number, plain: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(headerType << 4) | PD_EMM]), octets(mac, 4, 'MAC'), Buffer.from([sequence & 0xff]), plain]);
}
