/**
 * Turns signalling events into capture frames: MAP as TCAP/SCCP in M3UA (SCTP port 2905, PPID 3), S6a
 * as Diameter (SCTP port 3868, PPID 46) and SGsAP (SCTP port 29118, PPID 0; sgsap-frames.ts), all on
 * Ethernet/IPv4 so one pcap link type carries a journey that mixes RATs. NAS events become the access
 * network's frames to the visited core (nas-frames.ts): S1AP from an eNodeB, RANAP from an RNC, BSSAP from a BSC.
 */
import type { NodeRef, SignallingEvent } from '../roaming/events';
import type { ProtocolError } from '../protocol/codes';
import { parsePlmn, plmnDomain, encodePlmnId } from '../protocol/plmn';
import {
  applicationContext,
  authenticationFailureReportArg,
  cancelLocationArg,
  dialogueRequest,
  dialogueResponse,
  insertSubscriberDataArg,
  invoke,
  MAP_OPERATIONS,
  mapErrorParameter,
  purgeMsArg,
  purgeMsRes,
  returnError,
  returnResultLast,
  sendAuthenticationInfoArg,
  sendAuthenticationInfoRes,
  tcBegin,
  tcContinue,
  tcEnd,
  transactionId,
  updateLocationArg,
  updateLocationRes,
  type MapCancellationType,
  type SupportedRatType,
  type MapContextName,
} from '../protocol/tcap-map';
import { m3uaData, sccpUnitdata, SSN, SYNTHETIC_NI, type SccpAddress } from '../protocol/sccp';
import {
  authenticationInformationAnswer,
  authenticationInformationRequest,
  cancelLocationAnswer,
  cancelLocationRequest,
  insertSubscriberDataAnswer,
  insertSubscriberDataRequest,
  purgeUeAnswer,
  purgeUeRequest,
  RAT_TYPES,
  S6A_CANCELLATION_TYPES,
  updateLocationAnswer,
  updateLocationRequest,
  type AnswerBase,
  type DiameterResult,
  type Peer,
  type RequestBase,
} from '../protocol/diameter';
import { subscriptionDataAvp } from '../protocol/s6a-subscription';
import { BEARER_SERVICES, NETWORK_ACCESS_MODES, odbMask, SUPPLEMENTARY_SERVICES, TELESERVICES, type SubscriptionData } from '../elements/subscription';
import { hash32 } from '../subscribers/random';
import { e164CountryCode } from '../config/mcc';
import { SctpFramer } from './pcap-writer';
import { CHARGING_PROTOCOLS, ChargingFrameBuilder } from './charging-frames';
import { SgsapFrameBuilder } from './sgsap-frames';
import { NasFrameBuilder, nasHasAnswer } from './nas-frames';

export interface CaptureFrame {
  /** ms since the epoch: startedAt for a request, endedAt for an answer. */
  readonly time: number;
  readonly tick: number;
  readonly eventId: number;
  readonly direction: 'request' | 'answer';
  readonly protocol: 'MAP' | 'S6a' | 'SGsAP' | 'NAS' | 'GTPv2' | 'GTPv1' | 'Gy' | 'MAP-SMS' | 'CAP';
  /** One line, e.g. `TC-BEGIN updateLocation` or `ULA 5004`. */
  readonly summary: string;
  /** A whole Ethernet frame. */
  readonly data: Buffer;
}

export interface SkippedEvent {
  readonly event: number;
  readonly reason: string;
}

export interface FrameSet {
  readonly frames: CaptureFrame[];
  readonly skipped: SkippedEvent[];
}

const M3UA_PORT = 2905;
const M3UA_PPID = 3;
const M3UA_DATA_STREAMS = 4;
const DIAMETER_PORT = 3868;
const DIAMETER_PPID = 46;

const KIND_OCTET: Record<NodeRef['kind'], number> = { UE: 0, VLR: 1, HLR: 2, MME: 3, HSS: 4, SGW: 5, PGW: 6, SGSN: 7, GGSN: 8, OCS: 9, MSC: 11, SMSC: 12 };
const KIND_DIGIT: Record<NodeRef['kind'], string> = { UE: '0', VLR: '1', HLR: '2', MME: '3', HSS: '4', SGW: '5', PGW: '6', SGSN: '7', GGSN: '8', OCS: '9', MSC: '1', SMSC: '9' };

const nodeKey = (node: NodeRef): string => `${node.kind}|${node.plmn}|${node.address ?? ''}`;

/** 10.<kind>.x.y, stable per element, so a flow graph shows one column per VLR/HLR/MME/HSS. */
export function nodeIp(node: NodeRef): [number, number, number, number] {
  const h = hash32(nodeKey(node));
  return [10, KIND_OCTET[node.kind] ?? 9, (h >>> 8) & 0xff, (h % 254) + 1];
}

/** E.164 digits of a VLR/HLR: its address, else digits made from its PLMN and kind. */
export function globalTitle(node: NodeRef): string {
  if (node.address !== undefined && /^\d{1,15}$/.test(node.address)) return node.address;
  return `${node.plmn.replace(/\D/g, '')}${KIND_DIGIT[node.kind]}0000001`.slice(0, 15);
}

/** Diameter identity and realm: the node's address, else `<kind>.epc.mncXXX.mccYYY.3gppnetwork.org` (TS 23.003 §19.4.2). */
export function diameterPeer(node: NodeRef): Peer {
  if (node.address !== undefined && node.address.includes('.') && !/^[\d.]+$/.test(node.address)) {
    const dot = node.address.indexOf('.');
    return { host: node.address, realm: node.address.slice(dot + 1) };
  }
  const realm = `epc.${plmnDomain(parsePlmn(node.plmn, `${node.kind} PLMN`))}`;
  return { host: `${node.kind.toLowerCase()}.${realm}`, realm };
}

/** Role digit of the synthetic point-code plan: the first field of the 3-8-3 display. */
const PC_ROLE: Record<NodeRef['kind'], number> = { UE: 0, VLR: 1, HLR: 2, MME: 3, HSS: 4, MSC: 5, SMSC: 6, OCS: 7, SGW: 0, PGW: 0, SGSN: 0, GGSN: 0 };

/**
 * The synthetic point-code plan: 14-bit ITU point codes in the 3-8-3 format `<role>-<network>-<element>`, role 0
 * the radio access node of a visited network (its BSC on the A interface, its RNC on Iu-CS; nas-frames.ts
 * accessPointCode), 1 VLR, 2 HLR, 5 MSC, 6 SMSC, 7 gsmSCF (the OCS's CAMEL face) (3 MME, 4 HSS, the UE and the
 * GTP nodes never reach SS7), network = a stable number 0..255 from the PLMN, element = 1..7 from
 * the node's address. The M3UA network indicator is 3 (national spare, ITU-T Q.704 §14.2.1), so none of these
 * codes can be read as an international code in a real operator's SANC (ITU-T Q.708).
 */
export function pointCode(node: NodeRef): number {
  const network = hash32(`pc|${node.plmn}`) & 0xff;
  const element = (hash32(`pc|${nodeKey(node)}`) % 7) + 1;
  return ((PC_ROLE[node.kind] & 0x7) << 11) | (network << 3) | element;
}


/**
 * E.214 mobile global title (TS 23.003 §12.1, ITU-T E.214): the E.164 country code and network code of the
 * home network, then the MSIN, at most 15 digits. The network code is the home network's synthetic national
 * destination code, `99<MNC on 3 digits>`, the same prefix its HLR number has.
 */
export function mobileGlobalTitle(event: SignallingEvent): SccpAddress {
  const plmn = parsePlmn(event.homePlmn, 'homePlmn');
  const cc = e164CountryCode(plmn.mcc) ?? plmn.mcc;
  const msin = event.subscriber.imsi.slice(plmn.mcc.length + plmn.mnc.length);
  return { ssn: SSN.HLR, gt: `${cc}99${plmn.mnc.padStart(3, '0')}${msin}`.slice(0, 15), numberingPlan: 'E.214' };
}

function ssnOf(node: NodeRef): number {
  return node.kind === 'HLR' || node.kind === 'HSS' ? SSN.HLR : SSN.VLR;
}

// ---- field access on the loosely typed request/response records ----

type Fields = Readonly<Record<string, unknown>>;

function text(fields: Fields, key: string, fallback?: string): string {
  const value = fields[key];
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number') return String(value);
  if (fallback !== undefined) return fallback;
  throw new Error(`missing ${key}`);
}

function optionalNumber(fields: Fields, key: string): number | undefined {
  const value = fields[key];
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw new Error(`${key} ${JSON.stringify(value)} is not a non-negative integer`);
}

function hex(fields: Fields, key: string): Buffer {
  const value = fields[key];
  if (Buffer.isBuffer(value)) return value;
  if (typeof value !== 'string' || !/^(?:[0-9a-fA-F]{2})*$/.test(value)) throw new Error(`${key} must be a hex string`);
  return Buffer.from(value, 'hex');
}

/** A request's resynchronisation info (`resync: { rand, auts }`), checked to 16 and 14 octets. */
function resyncOf(fields: Fields): { rand: Buffer; auts: Buffer } | undefined {
  const value = fields.resync;
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object') throw new Error('resync must be { rand, auts }');
  const rand = hex(value as Fields, 'rand');
  const auts = hex(value as Fields, 'auts');
  if (rand.length !== 16 || auts.length !== 14) throw new Error(`resync must hold a 16-octet RAND and a 14-octet AUTS, got ${rand.length} and ${auts.length}`);
  return { rand, auts };
}

function records(fields: Fields, key: string): Fields[] {
  const value = fields[key];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`${key} must be a list`);
  return value as Fields[];
}

/** The subscription data an event carries (ULA result, ISD/IDR request), checked enough to encode it. */
function subscriptionOf(fields: Fields): SubscriptionData | undefined {
  const value = fields.subscription;
  if (value === undefined) return undefined;
  const data = value as SubscriptionData;
  if (!data || typeof data !== 'object' || !Array.isArray(data.apns) || !Array.isArray(data.odb) || !Array.isArray(data.teleservices) || !data.ambr) {
    throw new Error('subscription is not a subscription data record');
  }
  return data;
}

/** SubscriptionData as MAP InsertSubscriberData fields (codes looked up; unknown names are an error). */
function mapSubscriberData(data: SubscriptionData) {
  const code = <T extends string>(table: Readonly<Record<T, number>>, name: T, what: string): number => {
    const found = table[name];
    if (found === undefined) throw new Error(`${what} ${JSON.stringify(name)} has no MAP code`);
    return found;
  };
  return {
    category: data.category,
    subscriberStatus: data.subscriberStatus,
    teleservices: data.teleservices.map((t) => code(TELESERVICES, t, 'teleservice')),
    bearerServices: data.bearerServices.map((b) => code(BEARER_SERVICES, b, 'bearer service')),
    supplementaryServices: data.supplementaryServices.map((ss) => code(SUPPLEMENTARY_SERVICES, ss, 'supplementary service')),
    odbGeneralData: odbMask(data.odb, 'map'),
    networkAccessMode: NETWORK_ACCESS_MODES[data.networkAccessMode],
  };
}

// ---- the encoder ----

interface Message {
  readonly event: SignallingEvent;
  readonly answer: boolean;
  readonly time: number;
  readonly tick: number;
  readonly index: number;
}

interface Dialogue {
  responderSpoke: boolean;
  nextInvokeId: number;
}

/** The responder's transaction id: the initiator's with the top bit set, so both ends stay tied to the event id. */
const responderTid = (id: number): Buffer => transactionId((id | 0x80000000) >>> 0);

/** The VLR's vlr-Capability supportedRAT-Types: the access it serves the UE on (E-UTRAN for an SGs registration). */
const SUPPORTED_RAT_OF: Record<string, SupportedRatType> = { GSM: 'geran', UMTS: 'utran', LTE: 'e-utran' };

const MAP_CONTEXT_OF: Record<string, MapContextName> = {
  UpdateLocation: 'networkLocUp',
  SendAuthenticationInfo: 'infoRetrieval',
  CancelLocation: 'locationCancellation',
  PurgeMS: 'msPurging',
  InsertSubscriberData: 'subscriberDataMngt',
  AuthenticationFailureReport: 'authenticationFailureReport',
};
const MAP_OPCODE_OF: Record<string, number> = {
  UpdateLocation: MAP_OPERATIONS.updateLocation,
  SendAuthenticationInfo: MAP_OPERATIONS.sendAuthenticationInfo,
  CancelLocation: MAP_OPERATIONS.cancelLocation,
  PurgeMS: MAP_OPERATIONS.purgeMS,
  InsertSubscriberData: MAP_OPERATIONS.insertSubscriberData,
  AuthenticationFailureReport: MAP_OPERATIONS.authenticationFailureReport,
};
const S6A_PROCEDURES = new Set(['Authentication-Information', 'Update-Location', 'Insert-Subscriber-Data', 'Cancel-Location', 'Purge-UE']);
const S6A_SHORT: Record<string, [string, string]> = {
  'Authentication-Information': ['AIR', 'AIA'],
  'Update-Location': ['ULR', 'ULA'],
  'Insert-Subscriber-Data': ['IDR', 'IDA'],
  'Cancel-Location': ['CLR', 'CLA'],
  'Purge-UE': ['PUR', 'PUA'],
};

function lowerFirst(name: string): string {
  return name === 'PurgeMS' ? 'purgeMS' : name[0].toLowerCase() + name.slice(1);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

class FrameBuilder {
  private readonly sctp = new SctpFramer();
  private readonly dialogues = new Map<number, Dialogue>();
  private readonly isdInvokeIds = new Map<number, number>();
  private readonly byId = new Map<number, SignallingEvent>();
  private readonly retryRoot = new Map<number, SignallingEvent>();

  constructor(events: readonly SignallingEvent[]) {
    this.nas = new NasFrameBuilder(events, { nodeIp, pointCode, sctp: this.sctp });
    for (const event of events) this.byId.set(event.id, event);
    // A retry after an attempt that got no answer (timeout, lost connection) is a retransmission: the first
    // attempt's Session-Id and End-to-End id with the T flag (RFC 6733 §5.5.4); only the Hop-by-Hop id
    // changes. A retry after an answer (3002/3004, a MAP error) is a new request: new ids, no T flag (§7.1.3).
    const last = new Map<string, SignallingEvent>();
    for (const event of [...events].sort((a, b) => a.startTick - b.startTick || a.startedAt - b.startedAt)) {
      try {
        const key = `${event.protocol}|${event.procedure}|${nodeKey(event.from)}|${nodeKey(event.to)}|${event.subscriber.imsi}`;
        const previous = last.get(key);
        const unanswered = previous !== undefined && previous.outcome.status === 'error' && previous.outcome.error.kind === 'local';
        const root = event.attempt > 1 && previous && previous.attempt === event.attempt - 1 && unanswered ? (this.retryRoot.get(previous.id) ?? previous) : event;
        this.retryRoot.set(event.id, root);
        last.set(key, event);
      } catch {
        // A malformed event is reported when its own frames are encoded.
      }
    }
  }

  /** The UpdateLocation dialogue an InsertSubscriberData runs inside, when that UL is part of the capture. */
  private parentDialogue(event: SignallingEvent): SignallingEvent | undefined {
    if (event.procedure !== 'InsertSubscriberData' || event.parentId === undefined) return undefined;
    const parent = this.byId.get(event.parentId);
    return parent && parent.protocol === 'MAP' && parent.procedure === 'UpdateLocation' ? parent : undefined;
  }

  private dialogue(rootId: number): Dialogue {
    let state = this.dialogues.get(rootId);
    if (!state) {
      state = { responderSpoke: false, nextInvokeId: 2 };
      this.dialogues.set(rootId, state);
    }
    return state;
  }

  private readonly charging = new ChargingFrameBuilder({ nodeIp, diameterPeer, globalTitle, pointCode });
  private readonly nas: NasFrameBuilder;

  private readonly sgsap = new SgsapFrameBuilder(nodeIp);

  encode(message: Message): { data: Buffer; summary: string } {
    if (CHARGING_PROTOCOLS.has(message.event.protocol)) return this.charging.encode(message.event, message.answer);
    if (message.event.protocol === 'SGsAP') return this.sgsap.encode(message.event, message.answer);
    if (message.event.protocol === 'NAS') return this.nas.encode(message.event, message.answer);
    return message.event.protocol === 'MAP' ? this.encodeMap(message) : this.encodeS6a(message);
  }

  // ---- MAP ----

  private mapFrame(sender: NodeRef, receiver: NodeRef, tcap: Buffer, sls: number, calledGt?: SccpAddress): Buffer {
    const called: SccpAddress = calledGt ?? { ssn: ssnOf(receiver), gt: globalTitle(receiver) };
    const calling: SccpAddress = { ssn: ssnOf(sender), gt: globalTitle(sender) };
    const m3ua = m3uaData({ opc: pointCode(sender), dpc: pointCode(receiver), ni: SYNTHETIC_NI, sls }, sccpUnitdata(called, calling, tcap));
    // M3UA user data on streams 1..4 chosen by SLS; stream 0 is M3UA management's (RFC 4666 §1.4.7).
    return this.sctp.frame({ ip: nodeIp(sender), port: M3UA_PORT }, { ip: nodeIp(receiver), port: M3UA_PORT }, M3UA_PPID, m3ua, 1 + (sls % M3UA_DATA_STREAMS));
  }

  private mapArgument(event: SignallingEvent, standalone: boolean): Buffer {
    const r = event.request;
    const imsi = text(r, 'imsi', event.subscriber.imsi);
    switch (event.procedure) {
      case 'UpdateLocation':
        return updateLocationArg({
          imsi,
          mscNumber: text(r, 'mscNumber', globalTitle(event.from)),
          vlrNumber: text(r, 'vlrNumber', globalTitle(event.from)),
          supportedRatTypes: (Array.isArray(r.supportedRatTypes) ? (r.supportedRatTypes as string[]) : [event.rat]).map((rat) => {
            const type = SUPPORTED_RAT_OF[rat];
            if (type === undefined) throw new Error(`supportedRatTypes ${JSON.stringify(rat)} is not GSM, UMTS or LTE`);
            return type;
          }),
        });
      case 'SendAuthenticationInfo': {
        const resync = resyncOf(r);
        return sendAuthenticationInfoArg({
          imsi,
          numberOfRequestedVectors: optionalNumber(r, 'numberOfRequestedVectors') ?? 1,
          ...(resync ? { resync } : {}),
          requestingNodeType: 'vlr',
          requestingPlmnId: encodePlmnId(parsePlmn(event.visitedPlmn, 'visitedPlmn')),
        });
      }
      case 'InsertSubscriberData': {
        const msisdn = typeof r.msisdn === 'string' ? r.msisdn : event.subscriber.msisdn;
        const subscription = subscriptionOf(r);
        return insertSubscriberDataArg({ ...(standalone ? { imsi } : {}), ...(msisdn !== undefined ? { msisdn } : {}), ...(subscription ? mapSubscriberData(subscription) : {}) });
      }
      case 'CancelLocation': {
        const type = r.cancellationType;
        if (type !== undefined && type !== 'updateProcedure' && type !== 'subscriptionWithdraw' && type !== 'initialAttachProcedure') {
          throw new Error(`cancellationType ${JSON.stringify(type)} is not a MAP cancellation type`);
        }
        return cancelLocationArg({ imsi, ...(type !== undefined ? { cancellationType: type as MapCancellationType } : {}) });
      }
      case 'AuthenticationFailureReport': {
        const cause = r.failureCause;
        if (cause !== 'wrongUserResponse' && cause !== 'wrongNetworkSignature') throw new Error(`failureCause ${JSON.stringify(cause)} is not a MAP FailureCause`);
        return authenticationFailureReportArg({ imsi, failureCause: cause, ...(typeof r.rand === 'string' ? { rand: hex(r, 'rand') } : {}), vlrNumber: text(r, 'vlrNumber', globalTitle(event.from)) });
      }
      case 'PurgeMS':
        return purgeMsArg({ imsi, vlrNumber: text(r, 'vlrNumber', globalTitle(event.from)) });
      default:
        throw new Error(`${event.procedure} is not a MAP procedure`);
    }
  }

  private mapResult(event: SignallingEvent, invokeId: number): Buffer {
    if (event.outcome.status === 'error') {
      const error = event.outcome.error;
      if (error.kind !== 'map') throw new Error(`a ${error.kind} error has no MAP form`);
      return returnError(invokeId, error.code, mapErrorParameter(error));
    }
    const response = event.outcome.response;
    const opcode = MAP_OPCODE_OF[event.procedure];
    switch (event.procedure) {
      case 'UpdateLocation':
        return returnResultLast(invokeId, opcode, updateLocationRes({ hlrNumber: text(response, 'hlrNumber', globalTitle(event.to)) }));
      case 'SendAuthenticationInfo':
        return returnResultLast(
          invokeId,
          opcode,
          sendAuthenticationInfoRes({
            quintuplets: records(response, 'quintuplets').map((q) => ({ rand: hex(q, 'rand'), xres: hex(q, 'xres'), ck: hex(q, 'ck'), ik: hex(q, 'ik'), autn: hex(q, 'autn') })),
            triplets: records(response, 'triplets').map((t) => ({ rand: hex(t, 'rand'), sres: hex(t, 'sres'), kc: hex(t, 'kc') })),
            epsVectors: records(response, 'epsVectors').map((v) => ({ rand: hex(v, 'rand'), xres: hex(v, 'xres'), autn: hex(v, 'autn'), kasme: hex(v, 'kasme') })),
          }),
        );
      case 'PurgeMS': {
        const freeze = { freezeTmsi: response.freezeTmsi === true, freezePTmsi: response.freezePTmsi === true, freezeMTmsi: response.freezeMTmsi === true };
        return freeze.freezeTmsi || freeze.freezePTmsi || freeze.freezeMTmsi ? returnResultLast(invokeId, opcode, purgeMsRes(freeze)) : returnResultLast(invokeId);
      }
      default:
        return returnResultLast(invokeId);
    }
  }

  private encodeMap({ event, answer }: Message): { data: Buffer; summary: string } {
    const operation = lowerFirst(event.procedure);
    const parent = this.parentDialogue(event);
    // One SLS (hence one SCTP stream) per dialogue, so a dialogue's messages stay in sequence.
    const sls = (parent?.id ?? event.id) & 0x0f;
    if (parent) {
      // Inside the UL dialogue (29.002 §19.1.1.2): HLR TC-CONTINUE with the invoke, VLR TC-CONTINUE with the result.
      const state = this.dialogue(parent.id);
      if (!answer) {
        const invokeId = state.nextInvokeId++;
        this.isdInvokeIds.set(event.id, invokeId);
        const aare = state.responderSpoke ? undefined : dialogueResponse(applicationContext('networkLocUp'));
        state.responderSpoke = true;
        const tcap = tcContinue(responderTid(parent.id), transactionId(parent.id), aare, [invoke(invokeId, MAP_OPERATIONS.insertSubscriberData, this.mapArgument(event, false))]);
        return { data: this.mapFrame(event.from, event.to, tcap, sls), summary: `TC-CONTINUE ${operation}` };
      }
      const invokeId = this.isdInvokeIds.get(event.id) ?? 2;
      const tcap = tcContinue(transactionId(parent.id), responderTid(parent.id), undefined, [this.mapResult(event, invokeId)]);
      return { data: this.mapFrame(event.to, event.from, tcap, sls), summary: `TC-CONTINUE ${operation} ${event.outcome.status === 'ok' ? 'result' : 'error'}` };
    }
    const context = applicationContext(MAP_CONTEXT_OF[event.procedure] ?? 'networkLocUp');
    if (!answer) {
      const opcode = MAP_OPCODE_OF[event.procedure];
      if (opcode === undefined) throw new Error(`${event.procedure} is not a MAP procedure`);
      const tcap = tcBegin(transactionId(event.id), dialogueRequest(context), [invoke(1, opcode, this.mapArgument(event, true))]);
      // A VLR's first message for a subscriber goes to the E.214 mobile global title of the IMSI; the HLR's
      // E.164 number comes back as the calling address of its answer and is used from then on (TS 23.003 §12.1).
      const mgt = event.to.kind === 'HLR' && (event.procedure === 'SendAuthenticationInfo' || event.procedure === 'UpdateLocation') ? mobileGlobalTitle(event) : undefined;
      return { data: this.mapFrame(event.from, event.to, tcap, sls, mgt), summary: `TC-BEGIN ${operation}${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}` };
    }
    const state = this.dialogue(event.id);
    const aare = state.responderSpoke ? undefined : dialogueResponse(context);
    state.responderSpoke = true;
    const tcap = tcEnd(transactionId(event.id), aare, [this.mapResult(event, 1)]);
    return { data: this.mapFrame(event.to, event.from, tcap, sls), summary: `TC-END ${operation} ${event.outcome.status === 'ok' ? 'result' : 'error'}` };
  }

  // ---- S6a ----

  private diameterFrame(sender: NodeRef, receiver: NodeRef, message: Buffer): Buffer {
    return this.sctp.frame({ ip: nodeIp(sender), port: DIAMETER_PORT }, { ip: nodeIp(receiver), port: DIAMETER_PORT }, DIAMETER_PPID, message);
  }

  private s6aIds(event: SignallingEvent): { sessionId: string; hopByHop: number; endToEnd: number; retransmission: boolean } {
    const root = this.retryRoot.get(event.id) ?? event;
    const seconds = Math.floor(root.startedAt / 1000) >>> 0;
    // RFC 6733 §3: End-to-End high 12 bits from the clock, low 20 bits unique; §8.8 Session-Id <host>;<hi>;<lo>.
    return {
      sessionId: `${diameterPeer(root.from).host};${seconds};${root.id}`,
      hopByHop: event.id >>> 0,
      endToEnd: (((seconds & 0xfff) << 20) | (root.id & 0xfffff)) >>> 0,
      retransmission: root !== event,
    };
  }

  private encodeS6a({ event, answer }: Message): { data: Buffer; summary: string } {
    if (!S6A_PROCEDURES.has(event.procedure)) throw new Error(`${event.procedure} is not an S6a procedure`);
    const [requestName, answerName] = S6A_SHORT[event.procedure];
    const ids = this.s6aIds(event);
    const r = event.request;
    const userName = text(r, 'userName', event.subscriber.imsi);
    if (!answer) {
      const destination = diameterPeer(event.to);
      const base: RequestBase = {
        ...ids,
        origin: diameterPeer(event.from),
        destinationHost: destination.host,
        destinationRealm: destination.realm,
        retransmit: ids.retransmission,
      };
      const visited = (): Buffer => encodePlmnId(parsePlmn(text(r, 'visitedPlmnId', event.visitedPlmn), 'visitedPlmnId'));
      let message: Buffer;
      switch (event.procedure) {
        case 'Authentication-Information': {
          const resync = resyncOf(r);
          message = authenticationInformationRequest(base, { userName, numberOfRequestedVectors: optionalNumber(r, 'numberOfRequestedVectors') ?? 1, visitedPlmnId: visited(), ...(resync ? { resync: Buffer.concat([resync.rand, resync.auts]) } : {}) });
          break;
        }
        case 'Update-Location': {
          const rat = r.ratType ?? 'EUTRAN';
          const ratType = typeof rat === 'number' ? rat : RAT_TYPES[rat as keyof typeof RAT_TYPES];
          if (ratType === undefined) throw new Error(`ratType ${JSON.stringify(rat)} is not a RAT-Type`);
          message = updateLocationRequest(base, { userName, ratType, ulrFlags: optionalNumber(r, 'ulrFlags') ?? 0x22, visitedPlmnId: visited() });
          break;
        }
        case 'Cancel-Location': {
          const type = r.cancellationType ?? 'MME_UPDATE_PROCEDURE';
          const cancellationType = typeof type === 'number' ? type : S6A_CANCELLATION_TYPES[type as keyof typeof S6A_CANCELLATION_TYPES];
          if (cancellationType === undefined) throw new Error(`cancellationType ${JSON.stringify(type)} is not a Cancellation-Type`);
          const clrFlags = optionalNumber(r, 'clrFlags');
          message = cancelLocationRequest(base, { userName, cancellationType, ...(clrFlags !== undefined ? { clrFlags } : {}) });
          break;
        }
        case 'Purge-UE': {
          const purFlags = optionalNumber(r, 'purFlags');
          message = purgeUeRequest(base, { userName, ...(purFlags !== undefined ? { purFlags } : {}) });
          break;
        }
        default: {
          const msisdn = typeof r.msisdn === 'string' ? r.msisdn : event.subscriber.msisdn;
          const subscription = subscriptionOf(r);
          message = insertSubscriberDataRequest(base, { userName, ...(msisdn !== undefined ? { msisdn } : {}), ...(subscription ? { subscriptionData: subscriptionDataAvp(subscription) } : {}) });
        }
      }
      return { data: this.diameterFrame(event.from, event.to, message), summary: `${requestName}${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}` };
    }

    let result: DiameterResult | undefined;
    let response: Fields = {};
    if (event.outcome.status === 'error') {
      result = diameterResultOf(event.outcome.error);
    } else {
      response = event.outcome.response;
    }
    const base: AnswerBase = { ...ids, origin: diameterPeer(event.to), ...(result ? { result } : {}) };
    let message: Buffer;
    switch (event.procedure) {
      case 'Authentication-Information':
        message = authenticationInformationAnswer(base, {
          eutranVectors: records(response, 'eutranVectors').map((v) => ({ rand: hex(v, 'rand'), xres: hex(v, 'xres'), autn: hex(v, 'autn'), kasme: hex(v, 'kasme') })),
        });
        break;
      case 'Update-Location': {
        const ulaFlags = optionalNumber(response, 'ulaFlags');
        const msisdn = typeof response.msisdn === 'string' ? response.msisdn : event.subscriber.msisdn;
        const subscription = subscriptionOf(response);
        message = updateLocationAnswer(base, {
          ...(ulaFlags !== undefined ? { ulaFlags } : {}),
          ...(msisdn !== undefined ? { msisdn } : {}),
          ...(subscription ? { subscriptionData: subscriptionDataAvp(subscription) } : {}),
        });
        break;
      }
      case 'Cancel-Location':
        message = cancelLocationAnswer(base);
        break;
      case 'Purge-UE': {
        const puaFlags = optionalNumber(response, 'puaFlags');
        message = purgeUeAnswer(base, puaFlags !== undefined ? { puaFlags } : {});
        break;
      }
      default:
        message = insertSubscriberDataAnswer(base);
    }
    const code = result === undefined ? 2001 : 'resultCode' in result ? result.resultCode : result.experimentalResultCode;
    return { data: this.diameterFrame(event.to, event.from, message), summary: `${answerName} ${code}` };
  }
}

function diameterResultOf(error: ProtocolError): DiameterResult {
  switch (error.kind) {
    case 'diameter-experimental':
      return { experimentalResultCode: error.code, vendorId: error.vendorId };
    case 'diameter-result':
      return { resultCode: error.code };
    default:
      throw new Error(`a ${error.kind} error has no Diameter form`);
  }
}

/** True when the event has an answer on the wire (local failures such as a timeout have none). */
function hasAnswer(event: SignallingEvent): boolean {
  return event.outcome.status === 'ok' || event.outcome.error.kind !== 'local';
}

/**
 * Frames in capture order: by clock time, ties by bus tick (requests at startedAt/startTick, answers at
 * endedAt/endTick). Never throws: an event that cannot be encoded is listed in `skipped` with the reason.
 */
export function buildFrames(events: readonly SignallingEvent[]): FrameSet {
  const skipped: SkippedEvent[] = [];
  const messages: Message[] = [];
  let index = 0;
  for (const event of events) {
    try {
      if (event.protocol !== 'NAS' && event.protocol !== 'MAP' && event.protocol !== 'S6a' && event.protocol !== 'SGsAP' && !CHARGING_PROTOCOLS.has(event.protocol)) {
        skipped.push({ event: event.id, reason: `protocol ${String(event.protocol)} is not captured` });
        continue;
      }
      const answer = event.protocol === 'NAS' ? nasHasAnswer(event) : hasAnswer(event);
      messages.push({ event, answer: false, time: event.startedAt, tick: event.startTick, index: index++ });
      if (answer) messages.push({ event, answer: true, time: event.endedAt, tick: event.endTick, index: index++ });
    } catch (error) {
      skipped.push({ event: event?.id ?? -1, reason: `malformed event: ${errorMessage(error)}` });
    }
  }
  messages.sort((a, b) => a.time - b.time || a.tick - b.tick || Number(a.answer) - Number(b.answer) || a.index - b.index);

  const frames: CaptureFrame[] = [];
  const failed = new Set<number>();
  let builder: FrameBuilder;
  try {
    builder = new FrameBuilder(events);
  } catch (error) {
    return { frames, skipped: [...skipped, ...messages.filter((m) => !m.answer).map((m) => ({ event: m.event.id, reason: errorMessage(error) }))] };
  }
  for (const message of messages) {
    const { event } = message;
    if (failed.has(event.id)) continue;
    try {
      const { data, summary } = builder.encode(message);
      frames.push({ time: message.time, tick: message.tick, eventId: event.id, direction: message.answer ? 'answer' : 'request', protocol: event.protocol as CaptureFrame['protocol'], summary, data });
    } catch (error) {
      failed.add(event.id);
      const what = message.answer ? 'answer not captured' : 'not captured';
      skipped.push({ event: event.id, reason: `${event.protocol} ${event.procedure} ${what}: ${errorMessage(error)}` });
    }
  }
  return { frames, skipped };
}
