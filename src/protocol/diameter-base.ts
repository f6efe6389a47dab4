/**
 * Diameter base protocol messages (RFC 6733 §5): capabilities exchange, device watchdog, disconnect, and the
 * answers a node sends when a request is at fault (§7). Base messages carry application id 0 and no P bit;
 * an answer mirrors its request's P bit (a DWA with P set is not a DWA a relay accepts).
 */
import { VENDOR_3GPP } from './codes';
import { AVP, FLAG_ERROR, FLAG_PROXIABLE, FLAG_REQUEST, S6A_APPLICATION_ID, avp, avpGrouped, avpUnsigned32, avpUtf8, diameterMessage } from './diameter';
import { type DecodedMessage, avpText, findAvp } from './diameter-decode';

export const BASE_COMMANDS = {
  capabilitiesExchange: 257,
  deviceWatchdog: 280,
  disconnectPeer: 282,
} as const;

/** Base AVP codes beyond the S6a set in diameter.ts (RFC 6733 §4.5). */
export const BASE_AVP = {
  hostIpAddress: 257,
  supportedVendorId: 265,
  firmwareRevision: 267,
  productName: 269,
  disconnectCause: 273,
  originStateId: 278,
  failedAvp: 279,
  errorMessage: 281,
  routeRecord: 282,
  proxyInfo: 284,
  inbandSecurityId: 299,
  acctApplicationId: 259,
} as const;

/** Disconnect-Cause (RFC 6733 §5.4.3). */
export const DISCONNECT_CAUSE = { REBOOTING: 0, BUSY: 1, DO_NOT_WANT_TO_TALK_TO_YOU: 2 } as const;

/** Who this node is, as CER/CEA and every message it originates say. */
export interface LocalIdentity {
  readonly host: string;
  readonly realm: string;
  /** Host-IP-Address: the IPv4 address this side connects from or listens on. */
  readonly address: string;
  readonly productName: string;
  /** Origin-State-Id: changes each time the node starts, so a peer sees a restart (RFC 6733 §8.16). */
  readonly originStateId: number;
}

const noM = { mandatory: false } as const;

/** Address type (RFC 6733 §4.3.1): 2-byte address family (1 = IPv4, 2 = IPv6), then the address. */
export function addressData(text: string): Buffer {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) return Buffer.from([0, 1, ...v4.slice(1).map(Number)]);
  // Anything else (a name, IPv6 text) is announced as the loopback: Host-IP-Address is informative here.
  return Buffer.from([0, 1, 127, 0, 0, 1]);
}

function vendorSpecificS6a(): Buffer {
  return avpGrouped(AVP.vendorSpecificApplicationId, [avpUnsigned32(AVP.vendorId, VENDOR_3GPP), avpUnsigned32(AVP.authApplicationId, S6A_APPLICATION_ID)]);
}

/** The capabilities both CER and CEA carry (RFC 6733 §5.3.1, §5.3.2), in the order the ABNF gives. */
function capabilities(local: LocalIdentity): Buffer[] {
  return [
    avpUtf8(AVP.originHost, local.host),
    avpUtf8(AVP.originRealm, local.realm),
    avp(BASE_AVP.hostIpAddress, addressData(local.address)),
    avpUnsigned32(AVP.vendorId, 0),
    avpUtf8(BASE_AVP.productName, local.productName, noM),
    avpUnsigned32(BASE_AVP.originStateId, local.originStateId),
    avpUnsigned32(BASE_AVP.supportedVendorId, VENDOR_3GPP),
    vendorSpecificS6a(),
  ];
}

interface Ids {
  readonly hopByHop: number;
  readonly endToEnd: number;
}

export function capabilitiesExchangeRequest(local: LocalIdentity, ids: Ids): Buffer {
  return diameterMessage({ commandCode: BASE_COMMANDS.capabilitiesExchange, flags: FLAG_REQUEST, applicationId: 0, hopByHop: ids.hopByHop, endToEnd: ids.endToEnd }, capabilities(local));
}

export function capabilitiesExchangeAnswer(local: LocalIdentity, request: Ids, resultCode: number, errorMessage?: string): Buffer {
  const [originHost, originRealm, ...rest] = capabilities(local);
  return diameterMessage({ commandCode: BASE_COMMANDS.capabilitiesExchange, flags: resultCode >= 3000 && resultCode < 4000 ? FLAG_ERROR : 0, applicationId: 0, hopByHop: request.hopByHop, endToEnd: request.endToEnd }, [
    avpUnsigned32(AVP.resultCode, resultCode),
    originHost as Buffer,
    originRealm as Buffer,
    ...rest,
    ...(errorMessage ? [avpUtf8(BASE_AVP.errorMessage, errorMessage, noM)] : []),
  ]);
}

export function deviceWatchdogRequest(local: LocalIdentity, ids: Ids): Buffer {
  return diameterMessage({ commandCode: BASE_COMMANDS.deviceWatchdog, flags: FLAG_REQUEST, applicationId: 0, hopByHop: ids.hopByHop, endToEnd: ids.endToEnd }, [
    avpUtf8(AVP.originHost, local.host),
    avpUtf8(AVP.originRealm, local.realm),
    avpUnsigned32(BASE_AVP.originStateId, local.originStateId),
  ]);
}

export function deviceWatchdogAnswer(local: LocalIdentity, request: Ids): Buffer {
  return diameterMessage({ commandCode: BASE_COMMANDS.deviceWatchdog, flags: 0, applicationId: 0, hopByHop: request.hopByHop, endToEnd: request.endToEnd }, [
    avpUnsigned32(AVP.resultCode, 2001),
    avpUtf8(AVP.originHost, local.host),
    avpUtf8(AVP.originRealm, local.realm),
    avpUnsigned32(BASE_AVP.originStateId, local.originStateId),
  ]);
}

export function disconnectPeerRequest(local: LocalIdentity, ids: Ids, cause: number): Buffer {
  return diameterMessage({ commandCode: BASE_COMMANDS.disconnectPeer, flags: FLAG_REQUEST, applicationId: 0, hopByHop: ids.hopByHop, endToEnd: ids.endToEnd }, [
    avpUtf8(AVP.originHost, local.host),
    avpUtf8(AVP.originRealm, local.realm),
    avpUnsigned32(BASE_AVP.disconnectCause, cause),
  ]);
}

export function disconnectPeerAnswer(local: LocalIdentity, request: Ids): Buffer {
  return diameterMessage({ commandCode: BASE_COMMANDS.disconnectPeer, flags: 0, applicationId: 0, hopByHop: request.hopByHop, endToEnd: request.endToEnd }, [
    avpUnsigned32(AVP.resultCode, 2001),
    avpUtf8(AVP.originHost, local.host),
    avpUtf8(AVP.originRealm, local.realm),
  ]);
}

/**
 * The answer to a request this node cannot process (RFC 6733 §7.2 answer-message for protocol errors 3xxx,
 * with the E bit; the command's ordinary layout for permanent failures 5xxx): Session-Id when the request had
 * one, Origin-Host, Origin-Realm, Result-Code, Error-Message, Failed-AVP. Command code, application id and
 * both identifiers are the request's; the P bit mirrors the request's.
 */
export function errorAnswer(
  local: LocalIdentity,
  request: { readonly flags: number; readonly commandCode: number; readonly applicationId: number; readonly hopByHop: number; readonly endToEnd: number; readonly sessionId?: string },
  resultCode: number,
  errorMessage: string,
  failedAvp?: Buffer,
): Buffer {
  const protocolError = resultCode >= 3000 && resultCode < 4000;
  return diameterMessage(
    {
      commandCode: request.commandCode,
      flags: (request.flags & FLAG_PROXIABLE) | (protocolError ? FLAG_ERROR : 0),
      applicationId: request.applicationId,
      hopByHop: request.hopByHop,
      endToEnd: request.endToEnd,
    },
    [
      ...(request.sessionId !== undefined ? [avpUtf8(AVP.sessionId, request.sessionId)] : []),
      avpUtf8(AVP.originHost, local.host),
      avpUtf8(AVP.originRealm, local.realm),
      avpUnsigned32(AVP.resultCode, resultCode),
      avpUtf8(BASE_AVP.errorMessage, errorMessage.slice(0, 200), noM),
      ...(failedAvp ? [avpGrouped(BASE_AVP.failedAvp, [padded(failedAvp)])] : []),
    ],
  );
}

/** An AVP as received, padded so it can sit inside a grouped AVP. */
function padded(raw: Buffer): Buffer {
  const out = Buffer.alloc((raw.length + 3) & ~3);
  raw.copy(out);
  return out;
}

/** What a capabilities exchange told about the other side. */
export interface PeerCapabilities {
  readonly host: string;
  readonly realm: string;
  readonly resultCode?: number;
  /** Auth-Application-Ids advertised, plain or inside Vendor-Specific-Application-Id; 0xffffffff is Relay. */
  readonly applications: readonly number[];
  readonly productName?: string;
}

export const RELAY_APPLICATION_ID = 0xffffffff;

export function readCapabilities(message: DecodedMessage): PeerCapabilities {
  const applications: number[] = [];
  for (const a of message.avps) {
    if (a.code === AVP.authApplicationId && a.data.length === 4) applications.push(a.data.readUInt32BE(0));
    if (a.code === AVP.vendorSpecificApplicationId) {
      try {
        // Children are decoded leniently: a malformed group advertises nothing.
        const inner = decodeGroupedLenient(a.data);
        for (const child of inner) if (child.code === AVP.authApplicationId && child.data.length === 4) applications.push(child.data.readUInt32BE(0));
      } catch {
        /* nothing advertised */
      }
    }
  }
  const result = findAvp(message.avps, AVP.resultCode);
  return {
    host: avpText(findAvp(message.avps, AVP.originHost)) ?? '',
    realm: avpText(findAvp(message.avps, AVP.originRealm)) ?? '',
    ...(result && result.data.length === 4 ? { resultCode: result.data.readUInt32BE(0) } : {}),
    applications,
    ...(findAvp(message.avps, BASE_AVP.productName) ? { productName: avpText(findAvp(message.avps, BASE_AVP.productName)) as string } : {}),
  };
}

function decodeGroupedLenient(data: Buffer): Array<{ code: number; data: Buffer }> {
  const out: Array<{ code: number; data: Buffer }> = [];
  let at = 0;
  while (at + 8 <= data.length) {
    const code = data.readUInt32BE(at);
    const flags = data[at + 4] as number;
    const length = data.readUIntBE(at + 5, 3);
    const header = flags & 0x80 ? 12 : 8;
    if (length < header || at + length > data.length) break;
    out.push({ code, data: data.subarray(at + header, at + length) });
    at += (length + 3) & ~3;
  }
  return out;
}
