/**
 * Capture frames of SGs (TS 29.118): SGsAP between a visited MME and the VLR of the same PLMN, on SCTP port
 * 29118 with PPID 0, on the same Ethernet/IPv4 addressing as the registration frames (10.3 MMEs, 10.1 VLRs).
 */
import type { NodeRef, SignallingEvent } from '../roaming/events';
import { nasCauseCode } from '../protocol/nas';
import {
  SGSAP_PORT,
  SGSAP_PPID,
  EPS_DETACH_TYPES,
  EPS_LOCATION_UPDATE_TYPES,
  NON_EPS_DETACH_TYPES,
  epsDetachAck,
  epsDetachIndication,
  imsiDetachAck,
  imsiDetachIndication,
  laiOf,
  locationUpdateAccept,
  locationUpdateReject,
  locationUpdateRequest,
  mmeName,
  sgsapMessages,
  type EpsDetachType,
  type EpsLocationUpdateType,
  type Lai,
  type NonEpsDetachType,
} from '../protocol/sgsap';
import { SctpFramer } from './pcap-writer';

type Fields = Readonly<Record<string, unknown>>;

/** SGsAP message streams: 0 is for messages not tied to a UE (RESET), a UE's messages stay on one of 1..4. */
const SGSAP_UE_STREAMS = 4;

function str(fields: Fields, key: string, fallback: string): string {
  const value = fields[key];
  return typeof value === 'string' && value.length > 0 ? value : fallback;
}

function laiField(fields: Fields, key: string, fallback: Lai): Lai {
  const value = fields[key];
  if (value === undefined) return fallback;
  const area = value as Partial<Lai> | null;
  if (!area || typeof area !== 'object' || typeof area.plmn !== 'string' || typeof area.lac !== 'number') throw new Error(`${key} is not a location area { plmn, lac }`);
  return { plmn: area.plmn, lac: area.lac };
}

function named<T extends string>(table: Readonly<Record<T, number>>, fields: Fields, key: string, fallback: T): T {
  const value = fields[key] ?? fallback;
  if (typeof value !== 'string' || !(value in table)) throw new Error(`${key} ${JSON.stringify(value)} is not one of ${Object.keys(table).join(', ')}`);
  return value as T;
}

/** Encodes one side of an SGsAP exchange; one builder per capture (it keeps the SCTP associations' state). */
export class SgsapFrameBuilder {
  private readonly sctp = new SctpFramer();

  constructor(private readonly nodeIp: (node: NodeRef) => [number, number, number, number]) {}

  encode(event: SignallingEvent, answer: boolean): { data: Buffer; summary: string } {
    const r = event.request;
    const imsi = str(r, 'imsi', event.subscriber.imsi);
    const name = str(r, 'mmeName', mmeName(event.visitedPlmn));
    const rejectCause = this.rejectCause(event);
    const names = sgsapMessages(event.procedure, event.outcome.status === 'error', rejectCause);
    let payload: Buffer;
    switch (event.procedure) {
      case 'SGsAP-Location-Update': {
        const newLai = laiField(r, 'newLai', laiOf(event.visitedPlmn));
        if (!answer) {
          payload = locationUpdateRequest({ imsi, mmeName: name, type: named<EpsLocationUpdateType>(EPS_LOCATION_UPDATE_TYPES, r, 'epsLocationUpdateType', 'imsi-attach'), newLai });
        } else if (event.outcome.status === 'ok') {
          payload = locationUpdateAccept({ imsi, lai: laiField(event.outcome.response, 'lai', newLai) });
        } else {
          payload = locationUpdateReject({ imsi, rejectCause: rejectCause ?? 17, lai: newLai });
        }
        break;
      }
      case 'SGsAP-EPS-Detach':
        payload = answer ? epsDetachAck({ imsi }) : epsDetachIndication({ imsi, mmeName: name, type: named<EpsDetachType>(EPS_DETACH_TYPES, r, 'detachType', 'ue-initiated') });
        break;
      case 'SGsAP-IMSI-Detach':
        payload = answer ? imsiDetachAck({ imsi }) : imsiDetachIndication({ imsi, mmeName: name, type: named<NonEpsDetachType>(NON_EPS_DETACH_TYPES, r, 'detachType', 'combined-ue-initiated') });
        break;
      default:
        throw new Error(`${event.procedure} is not an SGsAP procedure`);
    }
    // The MME sends the requests, the VLR the answers; a UE's messages keep to one stream (TS 29.118 §7.1).
    const [sender, receiver] = answer ? [event.to, event.from] : [event.from, event.to];
    const stream = 1 + (event.id % SGSAP_UE_STREAMS);
    const data = this.sctp.frame({ ip: this.nodeIp(sender), port: SGSAP_PORT }, { ip: this.nodeIp(receiver), port: SGSAP_PORT }, SGSAP_PPID, payload, stream);
    const attempt = !answer && event.attempt > 1 ? ` (attempt ${event.attempt})` : '';
    return { data, summary: `${answer ? names.answer : names.request}${attempt}` };
  }

  /** The MM cause of a LOCATION-UPDATE-REJECT: the VLR's own (beside the error), else the one the error maps to. */
  private rejectCause(event: SignallingEvent): number | undefined {
    if (event.outcome.status !== 'error') return undefined;
    const given = event.outcome.detail?.rejectCause;
    if (typeof given === 'number' && Number.isInteger(given) && given >= 0 && given <= 0xff) return given;
    return nasCauseCode(event.outcome.error, 'GSM');
  }
}
