/**
 * Mobile-originated SMS abroad: the visited MSC relays each message to the home SMSC (MAP MO-ForwardSM,
 * shortMsgMO-RelayContext) and writes an SMS-MO record. For a subscriber with a prepaid account the SMSC
 * first debits the message at the home OCS (Gy CCR-Event, DIRECT_DEBITING); when the balance cannot pay it
 * the SMSC refuses the message (sm-DeliveryFailure) and the rest of the step is not sent.
 */
import type { Money } from '../billing/money';
import { mapError } from '../protocol/codes';
import type { Rat } from '../protocol/rat';
import { nodeRef } from '../roaming/addresses';
import { emitExchange } from './exchange';
import { type MocRecord, recordTypeOf, type SmsMoRecord } from './records';
import { type ChargingNodeDeps, CREDIT_CONTROL_RESULTS, type OnlineChargingSystem, type CreditControlAnswer, RESULT_CREDIT_LIMIT_REACHED, RESULT_SUCCESS } from './seam';

export type MessagingDeps = ChargingNodeDeps;

export interface SmsUse {
  readonly sent: number;
  readonly online: boolean;
  /** Online only: what the OCS debited for the messages sent. */
  readonly charge?: Money;
  /** Why a message was refused: `credit` when the balance could not pay it. */
  readonly refused?: { readonly reason: 'credit' | 'refused'; readonly detail: string };
}

export interface CallUse {
  /** Seconds the call lasted (cut at the period the balance paid for, 0 when the gsmSCF refused it). */
  readonly seconds: number;
  readonly online: boolean;
  readonly charge?: Money;
  readonly refused?: string;
}

/** The service context of SMS charging (TS 32.274) and its rating group here. */
const SMS_SERVICE_CONTEXT = '32274@3gpp.org';
const SMS_RATING_GROUP = 2;

export class MessagingCore {
  readonly records: Array<SmsMoRecord | MocRecord> = [];
  /** Subscribers whose SMS the SMSC refused for exhausted credit, one entry per refusal. */
  readonly creditRefusals: string[] = [];
  /** Calls the gsmSCF released when their period ran out, with the seconds they lasted. */
  readonly cutCalls: Array<{ readonly imsi: string; readonly seconds: number }> = [];
  private reference = 0;
  private eventSessions = 0;

  constructor(private readonly deps: MessagingDeps) {}

  sendSms(imsi: string, homePlmn: string, visitedPlmn: string, rat: Rat, count: number): SmsUse {
    const online = this.deps.ocs?.holdsAccount(imsi) ?? false;
    const msisdn = this.deps.msisdnOf(imsi);
    const subject = { imsi, ...(msisdn ? { msisdn } : {}), homePlmn, visitedPlmn, rat };
    const msc = nodeRef('MSC', visitedPlmn);
    const smsc = nodeRef('SMSC', homePlmn);
    let sent = 0;
    let charge: Money | undefined;
    const state: { refused?: SmsUse['refused'] } = {};
    for (let n = 0; n < count && !state.refused; n++) {
      const messageReference = this.reference++ & 0xff;
      const request = { imsi, ...(msisdn ? { msisdn } : {}), serviceCentre: smsc.address, messageReference };
      const outcome = emitExchange(this.deps, subject, { protocol: 'MAP-SMS', procedure: 'MO-ForwardSM', from: msc, to: smsc, request, latencyMs: this.deps.linkLatencyMs }, () => {
        if (!online) return { status: 'ok', response: {} };
        const answer = this.debit(subject, smsc);
        if (answer.resultCode === RESULT_SUCCESS) {
          if (answer.debited) charge = charge === undefined ? answer.debited : { ...charge, minor: charge.minor + answer.debited.minor };
          return { status: 'ok', response: {} };
        }
        const name = CREDIT_CONTROL_RESULTS[answer.resultCode] ?? `Result-Code ${answer.resultCode}`;
        state.refused = answer.resultCode === RESULT_CREDIT_LIMIT_REACHED ? { reason: 'credit', detail: answer.reason ?? name } : { reason: 'refused', detail: `the OCS answered ${answer.resultCode} ${name}${answer.reason ? `: ${answer.reason}` : ''}` };
        return { status: 'error', error: mapError('smDeliveryFailure') };
      });
      if (outcome.status === 'ok') sent++;
      else if ((state.refused as SmsUse['refused'])?.reason === 'credit') this.creditRefusals.push(imsi);
      this.records.push({
        record: 'SMS-MO',
        recordType: recordTypeOf('SMS-MO'),
        ...(this.deps.scenario === undefined ? {} : { scenario: this.deps.scenario }),
        servedIMSI: imsi,
        ...(msisdn ? { servedMSISDN: msisdn } : {}),
        serviceCentre: smsc.address ?? '',
        recordingEntity: msc.address ?? '',
        servingNodePLMNIdentifier: visitedPlmn,
        originationTime: new Date(this.deps.clock.now()).toISOString(),
        messageReference,
        ...(outcome.status === 'ok' ? {} : { smsResult: 'sm-DeliveryFailure' }),
      });
    }
    const debited = online ? (charge ?? zeroOf(this.deps.ocs?.balanceOf(imsi))) : undefined;
    return { sent, online, ...(debited ? { charge: debited } : {}), ...(state.refused ? { refused: state.refused } : {}) };
  }

  /**
   * A mobile-originated call set up in the visited MSC, which writes the MOC record when it is released.
   * For a subscriber with a prepaid account the gsmSSF asks the home gsmSCF (CAP v2 InitialDP); the answer
   * arms ApplyCharging with the maximum call period the balance pays for (whole minutes) and, when the call
   * reaches it, the ApplyChargingReport is answered with ReleaseCall: the call is cut at that second.
   */
  makeCall(imsi: string, homePlmn: string, visitedPlmn: string, rat: Rat, seconds: number): CallUse {
    const msisdn = this.deps.msisdnOf(imsi);
    const subject = { imsi, ...(msisdn ? { msisdn } : {}), homePlmn, visitedPlmn, rat };
    const msc = nodeRef('MSC', visitedPlmn);
    const ocs = this.deps.ocs;
    const online = (ocs?.holdsAccount(imsi) ?? false) && ocs?.startCall !== undefined;
    const seizure = this.deps.clock.now();
    let talked = seconds;
    let charge: Money | undefined;
    let refused: string | undefined;
    if (online && ocs?.startCall) {
      const scf = nodeRef('OCS', homePlmn);
      const reference = this.reference++;
      let maxSeconds: number | undefined;
      const idp = emitExchange(this.deps, subject, { protocol: 'CAP', procedure: 'InitialDP', from: msc, to: scf, request: { imsi, ...(msisdn ? { msisdn } : {}), serviceKey: 100, callReference: reference, mscAddress: msc.address }, latencyMs: this.deps.linkLatencyMs }, () => {
        const answer = (ocs.startCall as NonNullable<OnlineChargingSystem['startCall']>)({ imsi, homePlmn, visitedPlmn });
        refused = answer.refused;
        maxSeconds = answer.maxSeconds;
        return { status: 'ok', response: refused ? { release: true } : maxSeconds !== undefined ? { maxCallPeriodSeconds: maxSeconds } : {} };
      });
      if (refused) {
        talked = 0;
      } else {
        talked = maxSeconds === undefined ? seconds : Math.min(seconds, maxSeconds);
        const cut = talked < seconds;
        this.deps.clock.elapse(talked * 1000);
        emitExchange(this.deps, subject, { protocol: 'CAP', procedure: 'ApplyChargingReport', from: msc, to: scf, request: { seconds: talked, callActive: cut }, latencyMs: this.deps.linkLatencyMs, parentId: idp.id }, () => {
          charge = ocs.endCall?.({ imsi, homePlmn, visitedPlmn, seconds: talked });
          return { status: 'ok', response: cut ? { release: true } : {} };
        });
        if (cut) this.cutCalls.push({ imsi, seconds: talked });
      }
    } else {
      this.deps.clock.elapse(seconds * 1000);
    }
    const release = this.deps.clock.now();
    this.records.push({
      record: 'MOC',
      recordType: recordTypeOf('MOC'),
      ...(this.deps.scenario === undefined ? {} : { scenario: this.deps.scenario }),
      servedIMSI: imsi,
      ...(msisdn ? { servedMSISDN: msisdn } : {}),
      recordingEntity: msc.address ?? '',
      servingNodePLMNIdentifier: visitedPlmn,
      seizureTime: new Date(seizure).toISOString(),
      answerTime: new Date(seizure).toISOString(),
      releaseTime: new Date(release).toISOString(),
      callDuration: talked,
      causeForTerm: talked < seconds ? 'cAMELInitCallRelease' : 'normalRelease',
    });
    return { seconds: talked, online, ...(charge ? { charge } : {}), ...(refused ? { refused } : {}) };
  }

  private debit(subject: { imsi: string; msisdn?: string; homePlmn: string; visitedPlmn: string; rat: Rat }, smsc: ReturnType<typeof nodeRef>) {
    const ocs = this.deps.ocs as OnlineChargingSystem;
    const request = {
      sessionId: `${smsc.address};sms;${++this.eventSessions}`,
      requestType: 'EVENT' as const,
      requestNumber: 0,
      imsi: subject.imsi,
      ...(subject.msisdn ? { msisdn: subject.msisdn } : {}),
      homePlmn: subject.homePlmn,
      visitedPlmn: subject.visitedPlmn,
      ratingGroup: SMS_RATING_GROUP,
      serviceContextId: SMS_SERVICE_CONTEXT,
      service: 'sms' as const,
      serviceUnits: 1,
    };
    let answer: CreditControlAnswer = { resultCode: RESULT_SUCCESS };
    emitExchange(this.deps, subject, { protocol: 'Gy', procedure: 'CCR-E', from: smsc, to: nodeRef('OCS', subject.homePlmn), request, latencyMs: 0 }, () => {
      answer = ocs.creditControl(request);
      const response = { resultCode: answer.resultCode, ratingGroup: SMS_RATING_GROUP };
      if (answer.resultCode === RESULT_SUCCESS) return { status: 'ok', response };
      return { status: 'error', error: { kind: 'diameter-result', name: CREDIT_CONTROL_RESULTS[answer.resultCode] ?? `RESULT_${answer.resultCode}`, code: answer.resultCode }, detail: response };
    });
    return answer;
  }
}

function zeroOf(balance: Money | undefined): Money | undefined {
  return balance ? { ...balance, minor: 0n } : undefined;
}
