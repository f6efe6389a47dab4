/**
 * The data path of a roaming subscriber, home-routed: the visited serving gateway (SGW on LTE, SGSN on
 * GSM/UMTS) tunnels to the home gateway (PGW, GGSN), which charges the session — offline (a PGW-CDR) or,
 * when the home OCS holds a prepaid account, online over Gy with quota in slices.
 *
 * - LTE: an accepted registration abroad creates the default bearer (GTPv2-C Create Session on S8); a
 *   detach, a move or a failed move deletes it (Delete Session). GSM/UMTS: the first data use activates a
 *   PDP context (GTPv1-C Create PDP Context on Gp), deleted the same way.
 * - Online: Create Session/PDP Context → CCR-Initial with a Requested-Service-Unit; each used-up grant →
 *   CCR-Update with the Used-Service-Unit and a new request; each usage step ends with a CCR-Update
 *   reporting its units, so the OCS debits once per step and the step's charge is what left the balance;
 *   4012 DIAMETER_CREDIT_LIMIT_REACHED ends the session (Delete Session / Delete PDP Context, CCR-T).
 * - Records: each usage step closes a partial SGW-CDR (SGSN-CDR) and, for offline charging, a PGW-CDR
 *   (causeForRecClosing maxChangeCond); releasing the session closes the last pair with its cause.
 *
 * Every exchange is one SignallingEvent on the bus (captures, ladder, metrics), on the scenario's clock.
 */
import { type Money, formatMoney } from '../billing/money';
import type { Rat } from '../protocol/rat';
import { nodeRef } from '../roaming/addresses';
import type { ChargingProcedure, JourneyEvent, NodeRef, Outcome, SignallingEvent } from '../roaming/events';
import { emitExchange } from './exchange';
import type { CauseForRecClosing, ChargingRecord, RecordName } from './records';
import { recordTypeOf } from './records';
import {
  type ChargingNodeDeps,
  CC_REQUEST_TYPES,
  CREDIT_CONTROL_RESULTS,
  type CreditControlAnswer,
  type CreditControlRequestType,
  OCTETS_PER_MB,
  type OnlineChargingSystem,
  RESULT_CREDIT_LIMIT_REACHED,
  RESULT_SUCCESS,
} from './seam';

/** GTPv2-C cause 16 / GTPv1-C cause 128: Request accepted. */
export const GTP_REQUEST_ACCEPTED = { v2: 16, v1: 128 } as const;
/** GTPv2-C cause 94 "Request rejected (reason not specified)" / GTPv1-C 199 "No resources available": what the home gateway answers when the OCS refuses the session. */
const GTP_REJECTED = { v2: 94, v1: 199 } as const;

/** Rating-Group of the default bearer's traffic, and the Service-Context-Id of PS charging (32.299 §7.1.12). */
export const RATING_GROUP = 1;
export const SERVICE_CONTEXT_ID = '32251@3gpp.org';
export const APN_NI = 'internet';
/** RAT Type (29.274 §8.17; 29.060 §7.7.50 uses 1 and 2 alike). */
export const GTP_RAT: Readonly<Record<Rat, number>> = { UMTS: 1, GSM: 2, LTE: 6 };

export interface PacketCoreDeps extends ChargingNodeDeps {
  /** A logged, counted oddity (a grant larger than asked): never fails the usage. */
  readonly warn: (message: string) => void;
}

interface DataSession {
  readonly imsi: string;
  readonly homePlmn: string;
  readonly visitedPlmn: string;
  readonly rat: Rat;
  readonly gtp: 'v2' | 'v1';
  readonly gySessionId: string;
  readonly chargingId: number;
  readonly online: boolean;
  readonly openedAt: number;
  ccNumber: number;
  grantLeftMb: number;
  /** MB used since the last Gy report. */
  unreportedMb: number;
  totalMb: number;
  /** MB of the current usage step not yet in a record. */
  stepMb: number;
  sequence: number;
  containerOpenedAt: number;
}

/** What one usage step came to on the data path. */
export interface DataUse {
  readonly usedMb: number;
  /** The visited network's record the step closed (the trigger's source). */
  readonly record: RecordName;
  /** Online only: what the OCS debited for this step. */
  readonly charge?: Money;
  readonly online: boolean;
  /** Set when the step could not move (all of) its volume: why. */
  readonly cut?: { readonly reason: 'credit' | 'refused'; readonly detail: string };
}

/** A session that ended, and why. */
export interface SessionEnd {
  readonly imsi: string;
  readonly visitedPlmn: string;
  readonly cause: CauseForRecClosing | 'credit';
  readonly totalMb: number;
}

export class PacketCore {
  readonly records: ChargingRecord[] = [];
  readonly ended: SessionEnd[] = [];
  /** Requests the OCS received, by name (CCR-I, CCR-U, CCR-T). */
  readonly ocsRequests = new Map<string, number>();
  private readonly sessions = new Map<string, DataSession>();
  private nextChargingId = 1;

  constructor(private readonly deps: PacketCoreDeps) {}

  /** Follows registrations, moves and detaches on the bus; returns the unsubscribe. */
  attach(): () => void {
    const offJourney = this.deps.bus.onJourney((event) => this.onJourney(event));
    const offSignalling = this.deps.bus.onSignalling((event) => this.onSignalling(event));
    return () => {
      offJourney();
      offSignalling();
    };
  }

  /**
   * The default bearer is set up inside the LTE attach: once the HSS has answered the ULA, before the MME sends
   * the Attach Accept (TS 23.401 §5.3.2.1 steps 12–16), so a capture shows the Create Session there.
   */
  onSignalling(event: SignallingEvent): void {
    if (event.protocol !== 'S6a' || event.procedure !== 'Update-Location' || event.outcome.status !== 'ok') return;
    if (event.rat !== 'LTE' || event.visitedPlmn === event.homePlmn) return;
    const imsi = event.subscriber.imsi;
    const open = this.sessions.get(imsi);
    if (open && open.visitedPlmn === event.visitedPlmn && open.rat === 'LTE') return;
    if (open) this.release(open, 'servingNodeChange');
    this.create(imsi, event.homePlmn, event.visitedPlmn, 'LTE');
  }

  onJourney(event: JourneyEvent): void {
    const imsi = event.subscriber.imsi;
    const open = this.sessions.get(imsi);
    switch (event.type) {
      case 'registration': {
        if (event.visitedPlmn === undefined || event.rat === undefined) return;
        if (event.outcome !== 'accepted') {
          // A bearer set up after the ULA of an attach that did not complete (the UE gave up) is torn down.
          if (open && event.rat === 'LTE' && open.visitedPlmn === event.visitedPlmn && open.rat === 'LTE') this.release(open, 'abnormalRelease');
          return;
        }
        if (open && open.visitedPlmn === event.visitedPlmn && open.rat === event.rat) return;
        // Any other accepted registration (GSM/UMTS abroad, the home network) ends a bearer on another serving node.
        if (open) this.release(open, 'servingNodeChange');
        return;
      }
      case 'move':
        if (open && event.outcome !== 'accepted' && event.outcome !== 'ok' && event.outcome !== undefined) this.release(open, 'servingNodeChange');
        return;
      case 'detach':
        if (open) this.release(open, 'normalRelease');
        return;
      default:
    }
  }

  /** True while the subscriber has a data session (a default bearer or PDP context). */
  hasSession(imsi: string): boolean {
    return this.sessions.has(imsi);
  }

  /**
   * Moves `megabytes` through the subscriber's session on `visitedPlmn`, creating the PDP context (or
   * re-creating a bearer the OCS ended) first. Online, the volume is cut where the credit ends.
   */
  useData(imsi: string, homePlmn: string, visitedPlmn: string, rat: Rat, megabytes: number): DataUse {
    let session = this.sessions.get(imsi);
    if (session && (session.visitedPlmn !== visitedPlmn || session.rat !== rat)) {
      this.release(session, 'servingNodeChange');
      session = undefined;
    }
    const visitedRecord: RecordName = rat === 'LTE' ? 'SGW-CDR' : 'SGSN-CDR';
    if (!session) {
      const created = this.create(imsi, homePlmn, visitedPlmn, rat);
      if (typeof created === 'string') return { usedMb: 0, record: visitedRecord, online: this.isOnline(imsi), cut: { reason: created.startsWith('credit:') ? 'credit' : 'refused', detail: created.replace(/^credit: /, '') } };
      session = created;
    }
    let remaining = megabytes;
    let used = 0;
    let charge: Money | undefined;
    let cut: DataUse['cut'];
    const addCharge = (debited: Money | undefined): void => {
      if (!debited) return;
      charge = charge === undefined ? debited : { ...charge, minor: charge.minor + debited.minor };
    };
    while (remaining > 0) {
      if (session.online && session.grantLeftMb === 0) {
        const answer = this.creditControl(session, 'UPDATE');
        addCharge(answer.debited);
        if (answer.resultCode !== RESULT_SUCCESS) {
          cut = this.endForCredit(session, answer);
          break;
        }
      }
      const take = session.online ? Math.min(remaining, session.grantLeftMb) : remaining;
      session.grantLeftMb -= session.online ? take : 0;
      session.unreportedMb += take;
      session.totalMb += take;
      session.stepMb += take;
      used += take;
      remaining -= take;
    }
    if (!cut && session.online && session.unreportedMb > 0) {
      // The step's closing report: the OCS debits what the step used, and a new slice is granted.
      session.grantLeftMb = 0;
      const answer = this.creditControl(session, 'UPDATE');
      addCharge(answer.debited);
      if (answer.resultCode !== RESULT_SUCCESS) cut = this.endForCredit(session, answer);
    }
    if (session.stepMb > 0 && this.sessions.get(imsi) === session) this.closeContainer(session, 'maxChangeCond');
    return { usedMb: used, record: visitedRecord, online: session.online, ...(session.online ? { charge: charge ?? zeroLike(this.deps.ocs?.balanceOf(imsi)) } : {}), ...(cut ? { cut } : {}) };
  }

  private isOnline(imsi: string): boolean {
    return this.deps.ocs?.holdsAccount(imsi) ?? false;
  }

  /** Create Session / Create PDP Context; online, CCR-I first. Returns the session or why it was refused. */
  private create(imsi: string, homePlmn: string, visitedPlmn: string, rat: Rat): DataSession | string {
    const gtp = rat === 'LTE' ? 'v2' : 'v1';
    const chargingId = this.nextChargingId++;
    const pgw = nodeRef(gtp === 'v2' ? 'PGW' : 'GGSN', homePlmn);
    const now = this.deps.clock.now();
    const session: DataSession = {
      imsi,
      homePlmn,
      visitedPlmn,
      rat,
      gtp,
      gySessionId: `${pgw.address};${Math.floor(now / 1000)};${chargingId}`,
      chargingId,
      online: this.isOnline(imsi),
      openedAt: now,
      ccNumber: 0,
      grantLeftMb: 0,
      unreportedMb: 0,
      totalMb: 0,
      stepMb: 0,
      sequence: 1,
      containerOpenedAt: now,
    };
    const msisdn = this.deps.msisdnOf(imsi);
    const request = {
      imsi,
      ...(msisdn ? { msisdn } : {}),
      apn: `${APN_NI}.${apnOperatorId(homePlmn)}`,
      ratType: GTP_RAT[rat],
      servingNetwork: visitedPlmn,
      pdnType: 'IPv4',
      senderTeid: teidOf(chargingId, 'visited'),
      ebi: 5,
      chargingCharacteristics: session.online ? '0800' : '0400',
    };
    const procedure: ChargingProcedure = gtp === 'v2' ? 'Create-Session' : 'Create-PDP-Context';
    let refusal: string | undefined;
    this.gtpExchange(session, procedure, request, () => {
      if (!session.online) return { cause: GTP_REQUEST_ACCEPTED[gtp] };
      const answer = this.creditControl(session, 'INITIAL');
      if (answer.resultCode === RESULT_SUCCESS) return { cause: GTP_REQUEST_ACCEPTED[gtp] };
      refusal = answer.resultCode === RESULT_CREDIT_LIMIT_REACHED ? `credit: ${answer.reason ?? 'credit limit reached'}` : `the OCS refused the session with ${resultName(answer.resultCode)}${answer.reason ? `: ${answer.reason}` : ''}`;
      return { cause: GTP_REJECTED[gtp] };
    });
    if (refusal !== undefined) {
      this.ended.push({ imsi, visitedPlmn, cause: refusal.startsWith('credit:') ? 'credit' : 'abnormalRelease', totalMb: 0 });
      return refusal;
    }
    this.sessions.set(imsi, session);
    return session;
  }

  /** Delete Session / Delete PDP Context; online, CCR-T with what is still unreported; the final records. */
  private release(session: DataSession, cause: CauseForRecClosing | 'credit'): void {
    this.sessions.delete(session.imsi);
    const procedure: ChargingProcedure = session.gtp === 'v2' ? 'Delete-Session' : 'Delete-PDP-Context';
    this.gtpExchange(session, procedure, { imsi: session.imsi, ebi: 5, teid: teidOf(session.chargingId, 'home') }, () => ({ cause: GTP_REQUEST_ACCEPTED[session.gtp] }));
    if (session.online) this.creditControl(session, 'TERMINATION');
    this.closeContainer(session, cause === 'credit' ? 'managementIntervention' : cause);
    this.ended.push({ imsi: session.imsi, visitedPlmn: session.visitedPlmn, cause, totalMb: session.totalMb });
  }

  private endForCredit(session: DataSession, answer: CreditControlAnswer): DataUse['cut'] {
    const known = answer.resultCode === RESULT_CREDIT_LIMIT_REACHED;
    if (!known) this.deps.warn(`Gy: the OCS answered ${resultName(answer.resultCode)}${answer.reason ? ` (${answer.reason})` : ''}; the data session is ended`);
    this.release(session, known ? 'credit' : 'abnormalRelease');
    return known ? { reason: 'credit', detail: answer.reason ?? 'credit limit reached' } : { reason: 'refused', detail: `the OCS answered ${resultName(answer.resultCode)}` };
  }

  private creditControl(session: DataSession, type: CreditControlRequestType): CreditControlAnswer {
    const ocs = this.deps.ocs as OnlineChargingSystem;
    const name = type === 'INITIAL' ? 'CCR-I' : type === 'UPDATE' ? 'CCR-U' : 'CCR-T';
    this.ocsRequests.set(name, (this.ocsRequests.get(name) ?? 0) + 1);
    const msisdn = this.deps.msisdnOf(session.imsi);
    const asked = type === 'TERMINATION' ? undefined : SLICE_REQUEST_MB * OCTETS_PER_MB;
    const usedOctets = type === 'INITIAL' ? undefined : session.unreportedMb * OCTETS_PER_MB;
    const request = {
      sessionId: session.gySessionId,
      requestType: type,
      requestNumber: session.ccNumber++,
      imsi: session.imsi,
      ...(msisdn ? { msisdn } : {}),
      homePlmn: session.homePlmn,
      visitedPlmn: session.visitedPlmn,
      ratingGroup: RATING_GROUP,
      serviceContextId: SERVICE_CONTEXT_ID,
      ...(asked !== undefined ? { requestedOctets: asked } : {}),
      ...(usedOctets !== undefined ? { usedOctets } : {}),
    };
    session.unreportedMb = 0;
    let answer: CreditControlAnswer = { resultCode: RESULT_SUCCESS };
    const pgw = nodeRef(session.gtp === 'v2' ? 'PGW' : 'GGSN', session.homePlmn);
    this.exchange(session, 'Gy', name, pgw, nodeRef('OCS', session.homePlmn), request, 0, () => {
      answer = ocs.creditControl(request);
      const response = {
        resultCode: answer.resultCode,
        ratingGroup: RATING_GROUP,
        ...(answer.grantedOctets !== undefined ? { grantedOctets: answer.grantedOctets } : {}),
        ...(answer.debited ? { debited: formatMoney(answer.debited) } : {}),
      };
      if (answer.resultCode === RESULT_SUCCESS) return { status: 'ok', response };
      return { status: 'error', error: { kind: 'diameter-result', name: resultName(answer.resultCode), code: answer.resultCode }, detail: response };
    });
    if (type !== 'TERMINATION' && answer.resultCode === RESULT_SUCCESS) {
      let granted = Math.floor((answer.grantedOctets ?? 0) / OCTETS_PER_MB);
      if (asked !== undefined && granted * OCTETS_PER_MB > asked) {
        this.deps.warn(`Gy: the OCS granted ${answer.grantedOctets} octets where ${asked} were asked; the gateway uses what it asked for`);
        granted = asked / OCTETS_PER_MB;
      }
      session.grantLeftMb = granted;
      if (granted === 0) answer = { ...answer, resultCode: RESULT_CREDIT_LIMIT_REACHED, reason: 'the OCS granted nothing' };
    }
    return answer;
  }

  private gtpExchange(session: DataSession, procedure: ChargingProcedure, request: Record<string, unknown>, respond: () => { cause: number }): void {
    const sgw = nodeRef(session.gtp === 'v2' ? 'SGW' : 'SGSN', session.visitedPlmn);
    const pgw = nodeRef(session.gtp === 'v2' ? 'PGW' : 'GGSN', session.homePlmn);
    const protocol = session.gtp === 'v2' ? 'GTPv2' : 'GTPv1';
    this.exchange(session, protocol, procedure, sgw, pgw, { ...request, chargingId: session.chargingId }, this.deps.linkLatencyMs, () => {
      const { cause } = respond();
      return { status: 'ok', response: { cause, chargingId: session.chargingId, teid: teidOf(session.chargingId, 'home'), peerTeid: teidOf(session.chargingId, 'visited') } };
    });
  }

  private exchange(
    session: DataSession,
    protocol: SignallingEvent['protocol'],
    procedure: ChargingProcedure,
    from: NodeRef,
    to: NodeRef,
    request: Readonly<Record<string, unknown>>,
    latencyMs: number,
    answer: () => Outcome,
  ): void {
    const msisdn = this.deps.msisdnOf(session.imsi);
    const subject = { imsi: session.imsi, ...(msisdn ? { msisdn } : {}), homePlmn: session.homePlmn, visitedPlmn: session.visitedPlmn, rat: session.rat };
    emitExchange(this.deps, subject, { protocol, procedure, from, to, request, latencyMs }, answer);
  }

  /** Closes the current container: the visited gateway's record, and the home one when charged offline. */
  private closeContainer(session: DataSession, cause: CauseForRecClosing): void {
    const usedMb = session.stepMb;
    session.stepMb = 0;
    const now = this.deps.clock.now();
    const visited: ChargingRecord['record'] = session.gtp === 'v2' ? 'SGW-CDR' : 'SGSN-CDR';
    const names: Array<ChargingRecord['record']> = session.online ? [visited] : [visited, 'PGW-CDR'];
    for (const name of names) {
      const node = name === 'PGW-CDR' ? nodeRef(session.gtp === 'v2' ? 'PGW' : 'GGSN', session.homePlmn) : nodeRef(session.gtp === 'v2' ? 'SGW' : 'SGSN', session.visitedPlmn);
      const msisdn = this.deps.msisdnOf(session.imsi);
      this.records.push({
        record: name,
        recordType: recordTypeOf(name),
        ...(this.deps.scenario === undefined ? {} : { scenario: this.deps.scenario }),
        servedIMSI: session.imsi,
        ...(msisdn ? { servedMSISDN: msisdn } : {}),
        chargingID: session.chargingId,
        accessPointNameNI: APN_NI,
        pdpPDNType: 'IPv4',
        servingNodePLMNIdentifier: session.visitedPlmn,
        rATType: GTP_RAT[session.rat],
        nodeId: node.address ?? node.kind,
        recordOpeningTime: new Date(session.containerOpenedAt).toISOString(),
        duration: Math.max(0, Math.round((now - session.containerOpenedAt) / 1000)),
        recordSequenceNumber: session.sequence,
        causeForRecClosing: cause,
        listOfTrafficVolumes: [{ dataVolumeGPRSUplink: 0, dataVolumeGPRSDownlink: usedMb * OCTETS_PER_MB, changeTime: new Date(now).toISOString() }],
        chargingCharacteristics: session.online ? '0800' : '0400',
      });
    }
    session.sequence++;
    session.containerOpenedAt = now;
  }
}

/** MB asked for in each Requested-Service-Unit; the OCS's slice decides what is granted. */
export const SLICE_REQUEST_MB = 100;

function zeroLike(balance: Money | undefined): Money | undefined {
  return balance ? { ...balance, minor: 0n } : undefined;
}

function resultName(code: number): string {
  const name = CREDIT_CONTROL_RESULTS[code];
  return name ? `${code} ${name}` : `Result-Code ${code} (not a Credit-Control result this gateway knows)`;
}

/** APN Operator Identifier (TS 23.003 §9.1.2): mnc<MNC>.mcc<MCC>.gprs. */
export function apnOperatorId(plmn: string): string {
  const [mcc, mnc] = plmn.split('-');
  return `mnc${mnc.padStart(3, '0')}.mcc${mcc}.gprs`;
}

function teidOf(chargingId: number, side: 'visited' | 'home'): number {
  return ((side === 'visited' ? 0x10000000 : 0x20000000) | (chargingId & 0x0fffffff)) >>> 0;
}

export { CC_REQUEST_TYPES };
