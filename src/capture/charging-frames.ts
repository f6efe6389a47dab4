/**
 * Capture frames of the data path and its charging: GTPv2-C (S8) and GTPv1-C (Gp) over UDP port 2123, and
 * Gy (Diameter Credit-Control) over SCTP port 3868, on the same Ethernet/IPv4 addressing as the
 * registration frames (10.5 SGWs, 10.6 PGWs, 10.7 SGSNs, 10.8 GGSNs, 10.9 OCSs).
 */
import type { NodeRef, SignallingEvent } from '../roaming/events';
import type { Peer } from '../protocol/diameter';
import { creditControlAnswer, creditControlRequest } from '../protocol/credit-control';
import {
  GTPV2_PORT,
  createPdpContextRequest,
  createPdpContextResponse,
  createSessionRequest,
  createSessionResponse,
  deletePdpContextRequest,
  deletePdpContextResponse,
  deleteSessionRequest,
  deleteSessionResponse,
} from '../protocol/gtp';
import { type Endpoint, SctpFramer, TRANSPORT_OFFSET, ethernetIpv4 } from './pcap-writer';
import { enumerated, sequence } from '../protocol/ber';
import { SSN, SYNTHETIC_NI, type SccpAddress, m3uaData, sccpUnitdata } from '../protocol/sccp';
import { dialogueRequest, dialogueResponse, invoke, returnError, returnResultLast, tcBegin, tcContinue, tcEnd, transactionId } from '../protocol/tcap-map';
import { CAP_OPERATIONS, CAP_SSN, CAP_V2_SSF_TO_SCF, applyChargingArg, applyChargingReportArg, initialDpArg, releaseCallArg } from '../protocol/cap';
import { moForwardSmArg } from '../protocol/map-sms';

const DIAMETER_PORT = 3868;
const DIAMETER_PPID = 46;
const CC_REQUEST_TYPE: Readonly<Record<string, number>> = { INITIAL: 1, UPDATE: 2, TERMINATION: 3, EVENT: 4 };

type Fields = Readonly<Record<string, unknown>>;

export interface ChargingAddressing {
  readonly nodeIp: (node: NodeRef) => [number, number, number, number];
  readonly diameterPeer: (node: NodeRef) => Peer;
  readonly globalTitle: (node: NodeRef) => string;
  readonly pointCode: (node: NodeRef) => number;
}

export const CHARGING_PROTOCOLS: ReadonlySet<string> = new Set(['GTPv2', 'GTPv1', 'Gy', 'MAP-SMS', 'CAP']);

const M3UA_PORT = 2905;
const M3UA_PPID = 3;
/** MAP operation mo-ForwardSM and the shortMsgMO-RelayContext v3 (TS 29.002 §17.3.3, §17.5). */
const MO_FORWARD_SM = 46;
const SHORT_MSG_MO_RELAY_V3 = [0, 4, 0, 0, 1, 0, 21, 3];
/** SM-EnumeratedDeliveryFailureCause subscriberNotSC-Subscriber: the SMSC will not serve the sender. */
const NOT_SC_SUBSCRIBER = 6;

function num(fields: Fields, key: string, fallback: number): number {
  const value = fields[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function str(fields: Fields, key: string, fallback: string): string {
  const value = fields[key];
  return typeof value === 'string' ? value : fallback;
}

/** Ethernet II / IPv4 / UDP (RFC 768; checksum 0, "not computed", which IPv4 allows). */
export function udpFrame(src: Endpoint, dst: Endpoint, payload: Buffer, ipId: number): Buffer {
  const udpLength = 8 + payload.length;
  // IPv4 protocol 17: UDP.
  const out = ethernetIpv4(src, dst, 17, udpLength, ipId);
  const udp = TRANSPORT_OFFSET;
  out.writeUInt16BE(src.port, udp);
  out.writeUInt16BE(dst.port, udp + 2);
  out.writeUInt16BE(udpLength, udp + 4);
  payload.copy(out, udp + 8);
  return out;
}

/** Encodes one side of a charging exchange; one builder per capture (it keeps SCTP and IP-id state). */
export class ChargingFrameBuilder {
  private readonly sctp = new SctpFramer();
  private ipId = 1;

  constructor(private readonly addressing: ChargingAddressing) {}

  encode(event: SignallingEvent, answer: boolean): { data: Buffer; summary: string } {
    if (event.protocol === 'Gy') return this.encodeGy(event, answer);
    if (event.protocol === 'MAP-SMS') return this.encodeSms(event, answer);
    if (event.protocol === 'CAP') return this.encodeCap(event, answer);
    return this.encodeGtp(event, answer);
  }

  private encodeGtp(event: SignallingEvent, answer: boolean): { data: Buffer; summary: string } {
    const { nodeIp } = this.addressing;
    const r = event.request;
    const response: Fields = event.outcome.status === 'ok' ? event.outcome.response : {};
    const sgwIp = nodeIp(event.from);
    const pgwIp = nodeIp(event.to);
    const sequence = event.id & 0xffff;
    const chargingId = num(r, 'chargingId', event.id);
    const visitedTeid = num(response, 'peerTeid', num(r, 'senderTeid', 0x10000000 | chargingId));
    const homeTeid = num(response, 'teid', 0x20000000 | chargingId);
    const causeValue = num(response, 'cause', event.protocol === 'GTPv2' ? 16 : 128);
    const ueIp = [100, 64, (chargingId >>> 8) & 0xff, (chargingId & 0xff) || 1];
    let payload: Buffer;
    let summary: string;
    switch (event.procedure) {
      case 'Create-Session':
        payload = answer
          ? createSessionResponse({ sequence, peerTeid: visitedTeid, cause: causeValue, teid: homeTeid, pgwIp, ueIp, ebi: num(r, 'ebi', 5), chargingId })
          : createSessionRequest({
              sequence,
              imsi: str(r, 'imsi', event.subscriber.imsi),
              ...(typeof r.msisdn === 'string' ? { msisdn: r.msisdn } : {}),
              ratType: num(r, 'ratType', 6),
              servingNetwork: str(r, 'servingNetwork', event.visitedPlmn),
              apn: str(r, 'apn', 'internet'),
              senderTeid: visitedTeid,
              sgwIp,
              ebi: num(r, 'ebi', 5),
              chargingCharacteristics: str(r, 'chargingCharacteristics', '0400'),
            });
        summary = answer ? `Create Session Response (cause ${causeValue})` : 'Create Session Request';
        break;
      case 'Delete-Session':
        payload = answer ? deleteSessionResponse({ sequence, peerTeid: visitedTeid, cause: causeValue }) : deleteSessionRequest({ sequence, teid: homeTeid, ebi: num(r, 'ebi', 5) });
        summary = answer ? `Delete Session Response (cause ${causeValue})` : 'Delete Session Request';
        break;
      case 'Create-PDP-Context':
        payload = answer
          ? createPdpContextResponse({ sequence, peerTeid: visitedTeid, cause: causeValue, teid: homeTeid, ggsnIp: pgwIp, ueIp, chargingId })
          : createPdpContextRequest({
              sequence,
              imsi: str(r, 'imsi', event.subscriber.imsi),
              ...(typeof r.msisdn === 'string' ? { msisdn: r.msisdn } : {}),
              ratType: num(r, 'ratType', 1),
              apn: str(r, 'apn', 'internet'),
              teid: visitedTeid,
              sgsnIp: sgwIp,
              nsapi: num(r, 'ebi', 5),
              chargingCharacteristics: str(r, 'chargingCharacteristics', '0400'),
            });
        summary = answer ? `Create PDP Context Response (cause ${causeValue})` : 'Create PDP Context Request';
        break;
      case 'Delete-PDP-Context':
        payload = answer ? deletePdpContextResponse({ sequence, peerTeid: visitedTeid, cause: causeValue }) : deletePdpContextRequest({ sequence, teid: homeTeid, nsapi: num(r, 'ebi', 5) });
        summary = answer ? `Delete PDP Context Response (cause ${causeValue})` : 'Delete PDP Context Request';
        break;
      default:
        throw new Error(`${event.procedure} is not a GTP procedure`);
    }
    const [src, dst] = answer ? [pgwIp, sgwIp] : [sgwIp, pgwIp];
    return { data: udpFrame({ ip: src, port: GTPV2_PORT }, { ip: dst, port: GTPV2_PORT }, payload, this.ipId++), summary };
  }

  /** One CAMEL dialogue per call: InitialDP opens it, the ApplyChargingReport (its child event) ends it. */
  private encodeCap(event: SignallingEvent, answer: boolean): { data: Buffer; summary: string } {
    const { globalTitle, pointCode, nodeIp } = this.addressing;
    const r = event.request;
    const response: Fields = event.outcome.status === 'ok' ? event.outcome.response : {};
    const root = event.parentId ?? event.id;
    const ssf = transactionId(root);
    const scf = transactionId((root | 0x80000000) >>> 0);
    const release = response.release === true;
    let tcap: Buffer;
    let summary: string;
    if (event.procedure === 'InitialDP') {
      if (!answer) {
        const argument = initialDpArg({
          serviceKey: num(r, 'serviceKey', 100),
          callingNumber: str(r, 'msisdn', event.subscriber.msisdn ?? '0'),
          calledNumber: str(r, 'calledNumber', '999000000'),
          imsi: str(r, 'imsi', event.subscriber.imsi),
          mscAddress: str(r, 'mscAddress', globalTitle(event.from)),
          callReference: num(r, 'callReference', event.id),
        });
        tcap = tcBegin(ssf, dialogueRequest(CAP_V2_SSF_TO_SCF), [invoke(1, CAP_OPERATIONS.initialDP, argument)]);
        summary = 'TC-BEGIN initialDP';
      } else if (release) {
        tcap = tcEnd(ssf, dialogueResponse(CAP_V2_SSF_TO_SCF), [invoke(2, CAP_OPERATIONS.releaseCall, releaseCallArg())]);
        summary = 'TC-END releaseCall';
      } else {
        const period = typeof response.maxCallPeriodSeconds === 'number' ? response.maxCallPeriodSeconds : undefined;
        const items = period === undefined ? [invoke(3, CAP_OPERATIONS.continue)] : [invoke(2, CAP_OPERATIONS.applyCharging, applyChargingArg(period, true)), invoke(3, CAP_OPERATIONS.continue)];
        tcap = tcContinue(scf, ssf, dialogueResponse(CAP_V2_SSF_TO_SCF), items);
        summary = period === undefined ? 'TC-CONTINUE continue' : `TC-CONTINUE applyCharging ${period} s, continue`;
      }
    } else if (!answer) {
      tcap = tcContinue(ssf, scf, undefined, [invoke(4, CAP_OPERATIONS.applyChargingReport, applyChargingReportArg(num(r, 'seconds', 0), r.callActive === true))]);
      summary = `TC-CONTINUE applyChargingReport ${num(r, 'seconds', 0)} s`;
    } else {
      tcap = tcEnd(ssf, undefined, release ? [invoke(5, CAP_OPERATIONS.releaseCall, releaseCallArg())] : []);
      summary = release ? 'TC-END releaseCall' : 'TC-END';
    }
    const [from, to] = answer ? [event.to, event.from] : [event.from, event.to];
    const called: SccpAddress = { ssn: CAP_SSN, gt: globalTitle(to) };
    const calling: SccpAddress = { ssn: CAP_SSN, gt: globalTitle(from) };
    const m3ua = m3uaData({ opc: pointCode(from), dpc: pointCode(to), ni: SYNTHETIC_NI, sls: root & 0x0f }, sccpUnitdata(called, calling, tcap));
    return { data: this.sctp.frame({ ip: nodeIp(from), port: M3UA_PORT }, { ip: nodeIp(to), port: M3UA_PORT }, M3UA_PPID, m3ua), summary };
  }

  private encodeSms(event: SignallingEvent, answer: boolean): { data: Buffer; summary: string } {
    const { globalTitle, pointCode, nodeIp } = this.addressing;
    const r = event.request;
    const tid = transactionId(event.id);
    let tcap: Buffer;
    let summary: string;
    if (!answer) {
      const argument = moForwardSmArg({
        serviceCentre: str(r, 'serviceCentre', globalTitle(event.to)),
        msisdn: str(r, 'msisdn', event.subscriber.msisdn ?? ''),
        imsi: str(r, 'imsi', event.subscriber.imsi),
        destination: str(r, 'destination', '999000000'),
        reference: num(r, 'messageReference', 0),
      });
      tcap = tcBegin(tid, dialogueRequest(SHORT_MSG_MO_RELAY_V3), [invoke(1, MO_FORWARD_SM, argument)]);
      summary = 'TC-BEGIN mo-forwardSM';
    } else if (event.outcome.status === 'ok') {
      tcap = tcEnd(tid, dialogueResponse(SHORT_MSG_MO_RELAY_V3), [returnResultLast(1)]);
      summary = 'TC-END mo-forwardSM result';
    } else {
      tcap = tcEnd(tid, dialogueResponse(SHORT_MSG_MO_RELAY_V3), [returnError(1, 32, sequence(enumerated(NOT_SC_SUBSCRIBER)))]);
      summary = 'TC-END mo-forwardSM error sm-DeliveryFailure';
    }
    const [from, to] = answer ? [event.to, event.from] : [event.from, event.to];
    const called: SccpAddress = { ssn: SSN.MSC, gt: globalTitle(to) };
    const calling: SccpAddress = { ssn: SSN.MSC, gt: globalTitle(from) };
    const m3ua = m3uaData({ opc: pointCode(from), dpc: pointCode(to), ni: SYNTHETIC_NI, sls: event.id & 0x0f }, sccpUnitdata(called, calling, tcap));
    return { data: this.sctp.frame({ ip: nodeIp(from), port: M3UA_PORT }, { ip: nodeIp(to), port: M3UA_PORT }, M3UA_PPID, m3ua), summary };
  }

  private encodeGy(event: SignallingEvent, answer: boolean): { data: Buffer; summary: string } {
    const { nodeIp, diameterPeer } = this.addressing;
    const r = event.request;
    const requestType = CC_REQUEST_TYPE[str(r, 'requestType', 'UPDATE')] ?? 2;
    const requestNumber = num(r, 'requestNumber', 0);
    const seconds = Math.floor(event.startedAt / 1000) >>> 0;
    const ids = { sessionId: str(r, 'sessionId', `${diameterPeer(event.from).host};${seconds};${event.id}`), hopByHop: event.id >>> 0, endToEnd: (((seconds & 0xfff) << 20) | (event.id & 0xfffff)) >>> 0 };
    const ratingGroup = num(r, 'ratingGroup', 1);
    let message: Buffer;
    let summary: string;
    if (!answer) {
      const destination = diameterPeer(event.to);
      message = creditControlRequest(ids, {
        origin: diameterPeer(event.from),
        destinationRealm: destination.realm,
        serviceContextId: str(r, 'serviceContextId', '32251@3gpp.org'),
        requestType,
        requestNumber,
        imsi: str(r, 'imsi', event.subscriber.imsi),
        ...(typeof r.msisdn === 'string' ? { msisdn: r.msisdn } : {}),
        ratingGroup,
        ...(typeof r.requestedOctets === 'number' ? { requestedOctets: r.requestedOctets } : {}),
        ...(typeof r.usedOctets === 'number' ? { usedOctets: r.usedOctets } : {}),
        ...(typeof r.serviceUnits === 'number' ? { serviceUnits: r.serviceUnits } : {}),
      });
      summary = event.procedure;
    } else {
      const detail: Fields = event.outcome.status === 'ok' ? event.outcome.response : ((event.outcome.detail ?? {}) as Fields);
      const resultCode = event.outcome.status === 'ok' ? num(detail, 'resultCode', 2001) : event.outcome.error.kind === 'local' ? 5012 : event.outcome.error.code;
      message = creditControlAnswer(ids, {
        origin: diameterPeer(event.to),
        resultCode,
        requestType,
        requestNumber,
        ratingGroup,
        ...(typeof detail.grantedOctets === 'number' ? { grantedOctets: detail.grantedOctets } : {}),
      });
      summary = `CCA-${event.procedure.slice(4)} ${resultCode}`;
    }
    const [from, to] = answer ? [event.to, event.from] : [event.from, event.to];
    const data = this.sctp.frame({ ip: nodeIp(from), port: DIAMETER_PORT }, { ip: nodeIp(to), port: DIAMETER_PORT }, DIAMETER_PPID, message);
    return { data, summary };
  }
}
