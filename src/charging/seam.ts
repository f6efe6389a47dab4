/**
 * The online charging seam: what the home gateway (PGW/GGSN) asks the home network's online charging
 * system over Gy (Diameter Credit-Control, RFC 4006 / TS 32.299, application 4) and what it hears back.
 * The embedded OCS lives in mocks/ocs/; src/ only knows this interface.
 */
import type { Money } from '../billing/money';
import type { Clock } from '../roaming/clock';
import type { EventBus } from '../roaming/events';

/** 1 000 000 octets: the tariff's MB, as CC-Total-Octets counts it. */
export const OCTETS_PER_MB = 1_000_000;

export type CreditControlRequestType = 'INITIAL' | 'UPDATE' | 'TERMINATION' | 'EVENT';

/** CC-Request-Type values (RFC 4006 §8.3). */
export const CC_REQUEST_TYPES: Readonly<Record<CreditControlRequestType, number>> = { INITIAL: 1, UPDATE: 2, TERMINATION: 3, EVENT: 4 };

export interface CreditControlRequest {
  readonly sessionId: string;
  readonly requestType: CreditControlRequestType;
  readonly requestNumber: number;
  readonly imsi: string;
  readonly msisdn?: string;
  readonly homePlmn: string;
  readonly visitedPlmn: string;
  readonly ratingGroup: number;
  /** Requested-Service-Unit CC-Total-Octets; absent on a CCR-T. */
  readonly requestedOctets?: number;
  /** Used-Service-Unit CC-Total-Octets since the previous report. */
  readonly usedOctets?: number;
  /** EVENT (direct debiting, immediate event charging): the service and its units (CC-Service-Specific-Units). */
  readonly service?: 'sms';
  readonly serviceUnits?: number;
}

export interface CreditControlAnswer {
  /** Result-Code: 2001 success, 4012 DIAMETER_CREDIT_LIMIT_REACHED, 5030 user unknown, 5031 rating failed, … */
  readonly resultCode: number;
  /** Granted-Service-Unit CC-Total-Octets. */
  readonly grantedOctets?: number;
  /** What the reported usage took off the balance (zero when nothing was reported). */
  readonly debited?: Money;
  /** Why the OCS refused, for the step's message and the log. */
  readonly reason?: string;
}

/** The home network's OCS as the gateway and the steps see it. */
export interface OnlineChargingSystem {
  /** True when the OCS holds a prepaid account for the subscriber: its data is charged online. */
  holdsAccount(imsi: string): boolean;
  creditControl(request: CreditControlRequest): CreditControlAnswer;
  /**
   * CAMEL call control (the gsmSCF): how many seconds the balance pays for a call between the networks
   * (whole minutes; undefined when unlimited), or a refusal.
   */
  startCall?(request: { imsi: string; homePlmn: string; visitedPlmn: string }): { readonly maxSeconds?: number; readonly refused?: string };
  /** The call's report: debits the started minutes of `seconds` and returns what left the balance. */
  endCall?(request: { imsi: string; homePlmn: string; visitedPlmn: string; seconds: number }): Money | undefined;
  /** The account's balance, or undefined without an account. */
  balanceOf(imsi: string): Money | undefined;
}

export const RESULT_SUCCESS = 2001;
export const RESULT_CREDIT_LIMIT_REACHED = 4012;
export const RESULT_USER_UNKNOWN = 5030;
export const RESULT_RATING_FAILED = 5031;

/** Result-Code names for the answers this seam knows (RFC 4006 §9). */
export const CREDIT_CONTROL_RESULTS: Readonly<Record<number, string>> = {
  2001: 'DIAMETER_SUCCESS',
  4010: 'DIAMETER_END_USER_SERVICE_DENIED',
  4012: 'DIAMETER_CREDIT_LIMIT_REACHED',
  5030: 'DIAMETER_USER_UNKNOWN',
  5031: 'DIAMETER_RATING_FAILED',
};

/** What every charging-path element (packet core, messaging core) is built from: the run's bus and clock, the OCS when one is configured. */
export interface ChargingNodeDeps {
  readonly bus: EventBus;
  readonly clock: Clock;
  readonly ocs?: OnlineChargingSystem;
  readonly scenario?: string;
  /** One-way transit between networks on the simulated clock (S8/Gp and MAP cross the border; Gy does not). */
  readonly linkLatencyMs: number;
  readonly msisdnOf: (imsi: string) => string | undefined;
}
