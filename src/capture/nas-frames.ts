/**
 * The handset's side of a registration as frames: each NAS event's request is the uplink message and its answer
 * the downlink one, carried as the access network carries them to the visited core (the UE itself has no IP):
 * LTE EMM (TS 24.301) in S1AP between an eNodeB and the MME; UMTS MM (TS 24.008) in RANAP and GSM MM in BSSAP
 * DTAP, both over SCCP/M3UA between an RNC or BSC and the MSC/VLR. Security mode control is RANAP's on UMTS and
 * BSSMAP's Cipher Mode on GSM, as in a real network.
 */
import type { NodeRef, SignallingEvent } from '../roaming/events';
import type { Rat } from '../protocol/rat';
import { parsePlmn, type Plmn } from '../protocol/plmn';
import { nasMessages, nasRefusal } from '../protocol/nas';
import * as eps from '../protocol/nas-eps';
import * as mm from '../protocol/nas-mm';
import { downlinkNasTransport, initialContextSetupRequest, initialUeMessage, RRC_CAUSE, S1AP_PORT, S1AP_PPID, uplinkNasTransport, type S1Location } from '../protocol/s1ap';
import { ranapDirectTransfer, ranapInitialUeMessage, ranapSecurityModeCommand, ranapSecurityModeComplete, type IuLocation } from '../protocol/ranap';
import { cipherModeCommand, cipherModeComplete, completeLayer3Information, dtap } from '../protocol/bssap';
import { m3uaData, sccpUnitdata, SSN, SYNTHETIC_NI } from '../protocol/sccp';
import { hash32 } from '../subscribers/random';
import { deriveKenb, eia2, nasIntegrityKey } from '../protocol/eia2';
import type { SctpFramer } from './pcap-writer';

const M3UA_PORT = 2905;
const M3UA_PPID = 3;
const M3UA_DATA_STREAMS = 4;

/** Third octet of an access node's synthetic address: 10.13.x.y eNodeB, 10.14.x.y RNC, 10.15.x.y BSC. */
const ACCESS_OCTET: Record<Rat, number> = { LTE: 13, UMTS: 14, GSM: 15 };
export const ACCESS_NODE_NAME: Record<Rat, string> = { LTE: 'eNodeB', UMTS: 'RNC', GSM: 'BSC' };

/** The radio access node a UE reaches the visited core through: one per visited network and RAT. */
export function accessNodeIp(plmn: string, rat: Rat): [number, number, number, number] {
  const h = hash32(`access|${rat}|${plmn}`);
  return [10, ACCESS_OCTET[rat], (h >>> 8) & 0xff, (h % 254) + 1];
}

/** Role 0 of the point-code plan (see pointCode in frames.ts): the BSC or RNC of a visited network. */
export function accessPointCode(plmn: string, rat: Rat): number {
  const network = hash32(`pc|${plmn}`) & 0xff;
  const element = (hash32(`pc|access|${rat}|${plmn}`) % 7) + 1;
  return (0 << 11) | (network << 3) | element;
}

/** Where the synthetic cell is: TAC/LAC never 0 or 0xFFFE (TS 23.003 §4.1, §19.4.2.3), a cell id per network. */
function cellOf(plmn: string): { tac: number; lac: number; cellId: number; sac: number; rncId: number } {
  const h = hash32(`cell|${plmn}`);
  const area = ((h >>> 16) % 0xfffd) + 1;
  return { tac: area, lac: area, cellId: h & 0x0fffffff, sac: h & 0xffff, rncId: (h >>> 4) & 0xfff };
}

export interface NasCarrierDeps {
  readonly nodeIp: (node: NodeRef) => [number, number, number, number];
  readonly pointCode: (node: NodeRef) => number;
  readonly sctp: SctpFramer;
}

/** One UE's NAS state in one visited network: what the registration asked for and its security context. */
interface UeState {
  combined: boolean;
  update: boolean;
  secured: boolean;
  /** KASME and K_NASint of the context the Security Mode Command takes into use (from the AIA). */
  kasme?: Buffer;
  kNasInt?: Buffer;
  uplinkCount: number;
  downlinkCount: number;
}

type Fields = Readonly<Record<string, unknown>>;

interface Subscribed {
  readonly apn: string;
  readonly qci: number;
  readonly arpPriority: number;
  readonly ambr: { readonly ulBps: number; readonly dlBps: number };
}

/** 128-EEA1..3 / 128-EIA1..3 (36.413 §9.2.1.40: first bit EEA1/EIA1), what UE_NETWORK_CAPABILITY offers beyond EEA0/EIA0. */
const AS_ALGORITHMS = 0xe000;

function required(fields: Fields, key: string, what: string): Buffer {
  const value = hexOf(fields, key);
  if (!value) throw new Error(`missing ${key} for the ${what}`);
  return value;
}

function hexOf(fields: Fields, key: string): Buffer | undefined {
  const value = fields[key];
  if (value === undefined) return undefined;
  if (Buffer.isBuffer(value)) return value;
  if (typeof value !== 'string' || !/^(?:[0-9a-fA-F]{2})*$/.test(value)) throw new Error(`${key} must be a hex string`);
  return Buffer.from(value, 'hex');
}

const NO_MAC = Buffer.alloc(4);

/**
 * A protected EMM message (TS 24.301 §9.1): with EEA0 the ciphered text is the plain message, and the MAC is
 * 128-EIA2 under K_NASint over the sequence number and the message; zero when no KASME is known (no AIA for
 * this UE in the capture).
 */
function protect(ue: UeState, headerType: number, direction: 0 | 1, sequence: number, plain: Buffer): Buffer {
  const mac = ue.kNasInt ? eia2(ue.kNasInt, sequence, 0, direction, Buffer.concat([Buffer.from([sequence & 0xff]), plain])) : NO_MAC;
  return eps.securityProtected(headerType, mac, sequence, plain);
}

/**
 * Encodes NAS events. Keeps, per UE and visited network, the registration's choices and the NAS COUNTs so a
 * later message (Attach Accept, Detach) is framed as the earlier ones set it up.
 */
export class NasFrameBuilder {
  private readonly ues = new Map<string, UeState>();
  private readonly gutis = new Map<string, Buffer>();

  constructor(
    private readonly events: readonly SignallingEvent[],
    private readonly deps: NasCarrierDeps,
  ) {}

  encode(event: SignallingEvent, answer: boolean): { data: Buffer; summary: string } {
    if (event.to.kind !== (event.rat === 'LTE' ? 'MME' : 'VLR')) throw new Error(`a ${event.rat} NAS exchange goes from the UE to the ${event.rat === 'LTE' ? 'MME' : 'VLR'}, not to a ${event.to.kind}`);
    const plmn = parsePlmn(event.visitedPlmn, 'visitedPlmn');
    const imsi = typeof event.request.imsi === 'string' && /^\d+$/.test(event.request.imsi) ? event.request.imsi : event.subscriber.imsi;
    const key = `${imsi}|${event.visitedPlmn}`;
    let ue = this.ues.get(key);
    if (!ue || (event.procedure === 'Attach' && !answer)) {
      ue = { combined: false, update: false, secured: false, uplinkCount: 0, downlinkCount: 0 };
      this.ues.set(key, ue);
    }
    const error = event.outcome.status === 'error' ? event.outcome.error : undefined;
    const names = nasMessages(event.procedure, event.rat, event.request, error);
    // A new challenge after a resynchronisation is an Authentication Request whatever the ladder's naming says.
    const rechallenge = answer && event.procedure === 'Authentication' && event.outcome.status === 'ok' && typeof event.outcome.response.rand === 'string';
    const name = rechallenge ? 'Authentication Request' : answer ? names.answer : names.request;
    if (event.rat === 'LTE') return { data: this.lte(event, answer, imsi, plmn, ue), summary: `S1AP ${name}` };
    const carrier = event.rat === 'UMTS' ? 'RANAP' : 'BSSAP';
    return { data: this.circuitSwitched(event, answer, imsi, plmn), summary: `${carrier} ${name}` };
  }

  // ---- LTE: EMM in S1AP ----

  private guti(imsi: string, visited: string): Buffer {
    const h = hash32(`mme|${visited}`);
    return eps.gutiIdentity({ plmn: parsePlmn(visited, 'visitedPlmn'), mmeGroupId: (h >>> 8) & 0xffff, mmeCode: h & 0xff, mTmsi: hash32(`m-tmsi|${imsi}|${visited}`) });
  }

  /**
   * The subscribed default APN (its QCI and ARP priority) and the UE-AMBR from the ULA the MME received for this
   * UE; `internet`, QCI 9, ARP 8, 100/50 Mbit/s when the capture has none.
   */
  private defaultBearer(imsi: string, before: number): Subscribed {
    let found: Subscribed | undefined;
    for (const e of this.events) {
      if (e.protocol !== 'S6a' || e.procedure !== 'Update-Location' || e.subscriber.imsi !== imsi || e.endedAt > before || e.outcome.status !== 'ok') continue;
      const subscription = e.outcome.response.subscription as { apns?: { name: string; qci: number; arpPriority: number }[]; ambr?: { ulBps: number; dlBps: number } } | undefined;
      const apn = subscription?.apns?.[0];
      const ambr = subscription?.ambr;
      if (apn && typeof apn.name === 'string' && Number.isInteger(apn.qci) && Number.isInteger(apn.arpPriority) && ambr && Number.isFinite(ambr.ulBps) && Number.isFinite(ambr.dlBps)) {
        found = { apn: apn.name, qci: apn.qci, arpPriority: apn.arpPriority, ambr: { ulBps: ambr.ulBps, dlBps: ambr.dlBps } };
      }
    }
    return found ?? { apn: 'internet', qci: 9, arpPriority: 8, ambr: { ulBps: 50_000_000, dlBps: 100_000_000 } };
  }

  private protectedDownlink(ue: UeState, plain: Buffer): Buffer {
    return ue.secured ? protect(ue, eps.SECURITY_HEADER.integrityProtectedAndCiphered, 1, ue.downlinkCount++, plain) : plain;
  }

  private protectedUplink(ue: UeState, plain: Buffer): Buffer {
    return ue.secured ? protect(ue, eps.SECURITY_HEADER.integrityProtectedAndCiphered, 0, ue.uplinkCount++, plain) : plain;
  }

  /** The KASME of the latest E-UTRAN vector the MME fetched for this subscriber before `before`. */
  private kasme(imsi: string, before: number): Buffer | undefined {
    let found: Buffer | undefined;
    for (const e of this.events) {
      if (e.protocol !== 'S6a' || e.procedure !== 'Authentication-Information' || e.subscriber.imsi !== imsi || e.endedAt > before || e.outcome.status !== 'ok') continue;
      const vectors = e.outcome.response.eutranVectors;
      const kasme = Array.isArray(vectors) && vectors[0] ? hexOf(vectors[0] as Fields, 'kasme') : undefined;
      if (kasme && kasme.length === 32) found = kasme;
    }
    return found;
  }

  private emmRefusal(event: SignallingEvent, ue: UeState): Buffer {
    if (event.outcome.status !== 'error') throw new Error('no refusal in an accepted exchange');
    const refusal = nasRefusal(event.outcome.error, event.rat);
    if (refusal.message === 'Authentication Reject') return eps.authenticationReject();
    const cause = refusal.cause?.code ?? 17;
    return this.protectedDownlink(ue, ue.update ? eps.trackingAreaUpdateReject(cause) : eps.attachReject(cause));
  }

  private lte(event: SignallingEvent, answer: boolean, imsi: string, plmn: Plmn, ue: UeState): Buffer {
    const r = event.request;
    const cell = cellOf(event.visitedPlmn);
    const location: S1Location = { plmn, tac: cell.tac, cellId: cell.cellId };
    const ids = { enb: hash32(`enb-ue|${imsi}|${event.visitedPlmn}`) & 0xffffff, mme: hash32(`mme-ue|${imsi}|${event.visitedPlmn}`) };
    const enb = { ip: accessNodeIp(event.visitedPlmn, 'LTE'), port: S1AP_PORT };
    const mme = { ip: this.deps.nodeIp(event.to), port: S1AP_PORT };
    const error = event.outcome.status === 'error';
    if (!answer) {
      let nas: Buffer;
      switch (event.procedure) {
        case 'Attach':
          ue.combined = r.combined === true;
          ue.update = r.update === true;
          if (ue.update) {
            const oldGuti = this.gutis.get(imsi) ?? this.guti(imsi, event.homePlmn);
            nas = eps.trackingAreaUpdateRequest({ oldGuti, combined: ue.combined });
          } else {
            nas = eps.attachRequest({ imsi, combined: ue.combined });
          }
          // UE-associated S1 signalling starts here: InitialUEMessage, no MME-UE-S1AP-ID yet.
          return this.deps.sctp.frame(enb, mme, S1AP_PPID, initialUeMessage({ enbUeId: ids.enb, nas, location, cause: RRC_CAUSE.moSignalling }), 1);
        case 'Authentication': {
          const failure = typeof r.failure === 'string' ? r.failure : undefined;
          if (failure) {
            const synch = /synch/i.test(failure);
            const auts = synch ? hexOf(r, 'auts') : undefined;
            nas = eps.authenticationFailure({ cause: synch ? 21 : 20, ...(auts ? { auts } : {}) });
          } else {
            nas = eps.authenticationResponse(required(r, 'res', 'Authentication Response'));
          }
          break;
        }
        case 'SecurityModeComplete':
          // The first message under the new context: integrity protected and ciphered, new EPS security context.
          nas = protect(ue, eps.SECURITY_HEADER.integrityProtectedAndCipheredNewContext, 0, ue.uplinkCount++, eps.securityModeComplete());
          break;
        case 'Detach': {
          ue.secured = true;
          nas = this.protectedUplink(ue, eps.detachRequest({ imsi, combined: r.combined === true, ksi: 0 }));
          return this.deps.sctp.frame(enb, mme, S1AP_PPID, initialUeMessage({ enbUeId: ids.enb, nas, location, cause: RRC_CAUSE.moSignalling }), 1);
        }
        default:
          throw new Error(`${event.procedure} is not a NAS procedure`);
      }
      return this.deps.sctp.frame(enb, mme, S1AP_PPID, uplinkNasTransport({ ids, nas, location }), 1);
    }
    let nas: Buffer;
    const response = event.outcome.status === 'ok' ? event.outcome.response : {};
    switch (event.procedure) {
      case 'Attach':
        if (!error) {
          ue.kasme = this.kasme(event.subscriber.imsi, event.endedAt);
          ue.kNasInt = ue.kasme ? nasIntegrityKey(ue.kasme) : undefined;
        }
        nas = error ? this.emmRefusal(event, ue) : eps.authenticationRequest({ ksi: 0, rand: required(response, 'rand', 'Authentication Request'), autn: required(response, 'autn', 'Authentication Request') });
        break;
      case 'Authentication':
        if (error) {
          nas = this.emmRefusal(event, ue);
        } else if (typeof response.rand === 'string') {
          // After a synch failure the MME resynchronised with the HSS and challenges again (TS 33.102 §6.3.5).
          ue.kasme = this.kasme(event.subscriber.imsi, event.endedAt);
          ue.kNasInt = ue.kasme ? nasIntegrityKey(ue.kasme) : undefined;
          nas = eps.authenticationRequest({ ksi: 0, rand: required(response, 'rand', 'Authentication Request'), autn: required(response, 'autn', 'Authentication Request') });
        } else {
          // Security Mode Command: integrity protected with the new context, never ciphered (§4.4.5).
          nas = protect(ue, eps.SECURITY_HEADER.integrityProtectedNewContext, 1, 0, eps.securityModeCommand(0));
          ue.secured = true;
          ue.uplinkCount = 0;
          ue.downlinkCount = 1;
        }
        break;
      case 'SecurityModeComplete': {
        if (error) {
          nas = this.emmRefusal(event, ue);
          break;
        }
        const tai = eps.trackingAreaId(plmn, cell.tac);
        const guti = this.guti(imsi, event.visitedPlmn);
        this.gutis.set(imsi, guti);
        if (ue.update) {
          nas = this.protectedDownlink(ue, eps.trackingAreaUpdateAccept({ combined: ue.combined, tai, guti }));
        } else {
          const bearer = this.defaultBearer(event.subscriber.imsi, event.endedAt);
          const h = hash32(`ue-ip|${imsi}|${event.visitedPlmn}`);
          const esm = eps.activateDefaultBearerRequest({ qci: bearer.qci, apn: bearer.apn, ipv4: [100, 64 + ((h >>> 16) & 0x3f), (h >>> 8) & 0xff, (h & 0xfd) + 1] });
          nas = this.protectedDownlink(ue, eps.attachAccept({ combined: ue.combined, tai, esm, guti, lai: mm.locationAreaId(plmn, cell.lac) }));
          // The Attach Accept rides in the InitialContextSetupRequest that sets up the default bearer's E-RAB
          // (TS 23.401 §5.3.2.1 step 17), with K_eNB from the uplink NAS COUNT of the Security Mode Complete.
          const ics = initialContextSetupRequest({
            ids,
            ambr: bearer.ambr,
            bearer: { erabId: 5, qci: bearer.qci, arpPriority: bearer.arpPriority, sgwIpv4: this.deps.nodeIp({ kind: 'SGW', plmn: event.visitedPlmn }), teid: hash32(`s1u|${imsi}|${event.visitedPlmn}`) },
            nas,
            encryptionAlgorithms: AS_ALGORITHMS,
            integrityAlgorithms: AS_ALGORITHMS,
            kEnb: ue.kasme ? deriveKenb(ue.kasme, 0) : Buffer.alloc(32),
          });
          return this.deps.sctp.frame(mme, enb, S1AP_PPID, ics, 1);
        }
        break;
      }
      case 'Detach':
        if (error) throw new Error('a failed detach has no Detach Accept');
        nas = this.protectedDownlink(ue, eps.detachAccept());
        this.ues.delete(`${imsi}|${event.visitedPlmn}`);
        break;
      default:
        throw new Error(`${event.procedure} is not a NAS procedure`);
    }
    return this.deps.sctp.frame(mme, enb, S1AP_PPID, downlinkNasTransport({ ids, nas }), 1);
  }

  // ---- GSM / UMTS: MM in BSSAP or RANAP ----

  /** The IK of the latest quintuplet the VLR fetched for this subscriber (zero bytes in a scrubbed capture). */
  private integrityKey(imsi: string, before: number): Buffer {
    let found: Buffer | undefined;
    for (const e of this.events) {
      if (e.protocol !== 'MAP' || e.procedure !== 'SendAuthenticationInfo' || e.subscriber.imsi !== imsi || e.endedAt > before || e.outcome.status !== 'ok') continue;
      const quintuplets = e.outcome.response.quintuplets;
      const ik = Array.isArray(quintuplets) && quintuplets[0] ? hexOf(quintuplets[0] as Fields, 'ik') : undefined;
      if (ik && ik.length === 16) found = ik;
    }
    return found ?? Buffer.alloc(16);
  }

  private mmRefusal(event: SignallingEvent): Buffer {
    if (event.outcome.status !== 'error') throw new Error('no refusal in an accepted exchange');
    const refusal = nasRefusal(event.outcome.error, event.rat);
    return refusal.message === 'Authentication Reject' ? mm.mmAuthenticationReject() : mm.locationUpdatingReject(refusal.cause?.code ?? 17);
  }

  private circuitSwitched(event: SignallingEvent, answer: boolean, imsi: string, plmn: Plmn): Buffer {
    const r = event.request;
    const umts = event.rat === 'UMTS';
    const cell = cellOf(event.visitedPlmn);
    const lai = mm.locationAreaId(plmn, cell.lac);
    const iu: IuLocation = { plmn, lac: cell.lac, sac: cell.sac, rncId: cell.rncId };
    const error = event.outcome.status === 'error';
    const response = event.outcome.status === 'ok' ? event.outcome.response : {};
    // The carrier of a DTAP message, and of the first one (it opens the connection).
    const direct = (l3: Buffer): Buffer => (umts ? ranapDirectTransfer(l3) : dtap(l3));
    const initial = (l3: Buffer): Buffer =>
      umts ? ranapInitialUeMessage({ nas: l3, location: iu, connectionId: hash32(`iu|${imsi}|${event.id}`) }) : completeLayer3Information({ plmn, lac: cell.lac, cellId: cell.cellId & 0xffff, l3 });
    let payload: Buffer;
    if (!answer) {
      switch (event.procedure) {
        case 'Attach':
          payload = initial(mm.locationUpdatingRequest({ imsi, lai }));
          break;
        case 'Authentication': {
          const failure = typeof r.failure === 'string' ? r.failure : undefined;
          if (failure) {
            const synch = /synch/i.test(failure);
            const auts = synch ? hexOf(r, 'auts') : undefined;
            payload = direct(mm.mmAuthenticationFailure({ cause: synch ? 21 : 20, ...(auts ? { auts } : {}) }));
          } else {
            payload = direct(mm.mmAuthenticationResponse(required(r, 'res', 'Authentication Response')));
          }
          break;
        }
        case 'SecurityModeComplete':
          payload = umts ? ranapSecurityModeComplete() : cipherModeComplete();
          break;
        case 'Detach':
          payload = initial(mm.imsiDetachIndication(imsi));
          break;
        default:
          throw new Error(`${event.procedure} is not a NAS procedure`);
      }
      return this.sccpFrame(event, true, payload);
    }
    switch (event.procedure) {
      case 'Attach': {
        if (error) {
          payload = direct(this.mmRefusal(event));
          break;
        }
        const autn = umts ? hexOf(response, 'autn') : undefined;
        payload = direct(mm.mmAuthenticationRequest({ cksn: 0, rand: required(response, 'rand', 'Authentication Request'), ...(autn ? { autn } : {}) }));
        break;
      }
      case 'Authentication':
        if (error) {
          payload = direct(this.mmRefusal(event));
        } else if (typeof response.rand === 'string') {
          // A new challenge after the VLR resynchronised with the HLR (TS 33.102 §6.3.5).
          const autn = umts ? hexOf(response, 'autn') : undefined;
          payload = direct(mm.mmAuthenticationRequest({ cksn: 0, rand: required(response, 'rand', 'Authentication Request'), ...(autn ? { autn } : {}) }));
        } else {
          payload = umts ? ranapSecurityModeCommand(this.integrityKey(event.subscriber.imsi, event.endedAt)) : cipherModeCommand();
        }
        break;
      case 'SecurityModeComplete':
        payload = direct(error ? this.mmRefusal(event) : mm.locationUpdatingAccept(lai));
        break;
      default:
        // IMSI detach has no answer (TS 24.008 §4.3.4).
        throw new Error(`${event.procedure} has no NAS answer on ${event.rat}`);
    }
    return this.sccpFrame(event, false, payload);
  }

  /** SCCP UDT in M3UA between the BSC/RNC and the MSC/VLR, routed on point code and SSN (142 RANAP, 254 BSSAP). */
  private sccpFrame(event: SignallingEvent, uplink: boolean, payload: Buffer): Buffer {
    const ssn = event.rat === 'UMTS' ? SSN.RANAP : SSN.BSSAP;
    const access = { pc: accessPointCode(event.visitedPlmn, event.rat), ip: accessNodeIp(event.visitedPlmn, event.rat) };
    const core = { pc: this.deps.pointCode(event.to), ip: this.deps.nodeIp(event.to) };
    const [from, to] = uplink ? [access, core] : [core, access];
    const sls = hash32(`sls|${event.subscriber.imsi}`) & 0x0f;
    const m3ua = m3uaData({ opc: from.pc, dpc: to.pc, ni: SYNTHETIC_NI, sls }, sccpUnitdata({ ssn, pc: to.pc, gt: '' }, { ssn, pc: from.pc, gt: '' }, payload));
    return this.deps.sctp.frame({ ip: from.ip, port: M3UA_PORT }, { ip: to.ip, port: M3UA_PORT }, M3UA_PPID, m3ua, 1 + (sls % M3UA_DATA_STREAMS));
  }
}

/** True when a NAS event has a downlink message: everything but a lost exchange (no answer reached the UE) and a failed or CS detach. */
export function nasHasAnswer(event: SignallingEvent): boolean {
  if (event.procedure === 'Detach') return event.rat === 'LTE' && event.outcome.status === 'ok';
  return event.outcome.status === 'ok' || !(event.outcome.error.kind === 'local' && event.outcome.error.name === 'timeout');
}
