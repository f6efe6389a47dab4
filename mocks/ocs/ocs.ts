/**
 * The home network's online charging system, embedded: prepaid accounts and the Gy sessions debiting them.
 *
 * Money stays exact. A session keeps the MB reported so far and what it has debited; a report of `u` MB
 * debits round(price × (reported + u)) − debited, so a session's debits always add up to its exact rated
 * volume rounded once, and the balance never goes below zero. A grant is the smallest of what was asked,
 * the quota slice and what the balance still buys (the last grant is the remainder); when the balance buys
 * nothing more the answer is 4012 DIAMETER_CREDIT_LIMIT_REACHED.
 */
import { type Money, currencyExponent, formatMoney, rescale, roundMoney, PRICE_SCALE } from '../../src/billing/money';
import {
  type CreditControlAnswer,
  type CreditControlRequest,
  type OnlineChargingSystem,
  OCTETS_PER_MB,
  RESULT_CREDIT_LIMIT_REACHED,
  RESULT_RATING_FAILED,
  RESULT_SUCCESS,
  RESULT_USER_UNKNOWN,
} from '../../src/charging/seam';

export interface EmbeddedOcsOptions {
  /** The retail price of one MB between home and visited network (zero inside a free zone); undefined when unpriced. */
  readonly pricePerMb: (homePlmn: string, visitedPlmn: string) => Money | undefined;
  /** The retail price of one started minute of a call (CAMEL call control); undefined when unpriced. */
  readonly pricePerMinute?: (homePlmn: string, visitedPlmn: string) => Money | undefined;
  /** The retail price of one SMS, for direct debiting (EVENT requests); undefined when unpriced. */
  readonly pricePerSms?: (homePlmn: string, visitedPlmn: string) => Money | undefined;
  /** MB granted per slice (at most). */
  readonly sliceMb?: number;
}

export const DEFAULT_SLICE_MB = 100;

interface Account {
  balance: Money;
}

interface GySession {
  readonly imsi: string;
  readonly price: Money;
  reportedMb: number;
  debited: Money;
}

export class EmbeddedOcs implements OnlineChargingSystem {
  private readonly accounts = new Map<string, Account>();
  private readonly sessions = new Map<string, GySession>();
  readonly sliceMb: number;

  constructor(private readonly options: EmbeddedOcsOptions) {
    this.sliceMb = options.sliceMb ?? DEFAULT_SLICE_MB;
  }

  /** Opens (or tops up to) a prepaid account holding `balance`, in the currency's minor unit. */
  setBalance(imsi: string, balance: Money): void {
    this.accounts.set(imsi, { balance: roundMoney(balance) });
  }

  holdsAccount(imsi: string): boolean {
    return this.accounts.has(imsi);
  }

  balanceOf(imsi: string): Money | undefined {
    return this.accounts.get(imsi)?.balance;
  }

  creditControl(request: CreditControlRequest): CreditControlAnswer {
    const account = this.accounts.get(request.imsi);
    if (!account) return { resultCode: RESULT_USER_UNKNOWN, reason: 'no prepaid account for the subscriber' };
    if (request.requestType === 'EVENT') return this.directDebit(account, request);
    let session = this.sessions.get(request.sessionId);
    if (!session) {
      if (request.requestType !== 'INITIAL') return { resultCode: 5002, reason: `Gy session ${request.sessionId} is not known (DIAMETER_UNKNOWN_SESSION_ID)` };
      const price = this.options.pricePerMb(request.homePlmn, request.visitedPlmn);
      if (!price) return { resultCode: RESULT_RATING_FAILED, reason: `no data price between ${request.homePlmn} and ${request.visitedPlmn}` };
      if (price.currency !== account.balance.currency) {
        return { resultCode: RESULT_RATING_FAILED, reason: `the balance is in ${account.balance.currency} but the agreement between ${request.homePlmn} and ${request.visitedPlmn} prices data in ${price.currency}` };
      }
      session = { imsi: request.imsi, price, reportedMb: 0, debited: { currency: price.currency, minor: 0n, scale: currencyExponent(price.currency) } };
      this.sessions.set(request.sessionId, session);
    }
    const used = Math.floor((request.usedOctets ?? 0) / OCTETS_PER_MB);
    const debited = this.debit(account, session, used);
    if (request.requestType === 'TERMINATION') {
      this.sessions.delete(request.sessionId);
      return { resultCode: RESULT_SUCCESS, debited };
    }
    const affordable = this.affordableMb(account, session);
    const asked = Math.floor((request.requestedOctets ?? this.sliceMb * OCTETS_PER_MB) / OCTETS_PER_MB);
    const grant = Math.min(asked, this.sliceMb, affordable);
    if (grant <= 0) {
      return { resultCode: RESULT_CREDIT_LIMIT_REACHED, debited, reason: `the balance of ${formatMoney(account.balance)} buys no more data` };
    }
    return { resultCode: RESULT_SUCCESS, grantedOctets: grant * OCTETS_PER_MB, debited };
  }

  /**
   * Immediate event charging (RFC 4006 §6.3, Requested-Action DIRECT_DEBITING): one SMS is debited when the
   * balance holds its exact price. Events between the same networks share a running session, so their
   * debits add up to the exact rated count rounded once, like a data session's.
   */
  private directDebit(account: Account, request: CreditControlRequest): CreditControlAnswer {
    const price = this.options.pricePerSms?.(request.homePlmn, request.visitedPlmn);
    if (!price) return { resultCode: RESULT_RATING_FAILED, reason: `no SMS price between ${request.homePlmn} and ${request.visitedPlmn}` };
    if (price.currency !== account.balance.currency) {
      return { resultCode: RESULT_RATING_FAILED, reason: `the balance is in ${account.balance.currency} but the agreement between ${request.homePlmn} and ${request.visitedPlmn} prices SMS in ${price.currency}` };
    }
    const key = `${request.imsi}|sms|${request.homePlmn}|${request.visitedPlmn}`;
    let session = this.sessions.get(key);
    if (!session) {
      session = { imsi: request.imsi, price, reportedMb: 0, debited: { currency: price.currency, minor: 0n, scale: currencyExponent(price.currency) } };
      this.sessions.set(key, session);
    }
    const units = request.serviceUnits ?? 1;
    if (this.affordableMb(account, session) < units) return { resultCode: RESULT_CREDIT_LIMIT_REACHED, reason: `the balance of ${formatMoney(account.balance)} cannot pay an SMS` };
    return { resultCode: RESULT_SUCCESS, debited: this.debit(account, session, units) };
  }

  startCall(request: { imsi: string; homePlmn: string; visitedPlmn: string }): { maxSeconds?: number; refused?: string } {
    const account = this.accounts.get(request.imsi);
    if (!account) return { refused: 'no prepaid account for the subscriber' };
    const price = this.options.pricePerMinute?.(request.homePlmn, request.visitedPlmn);
    if (!price) return { refused: `no voice price between ${request.homePlmn} and ${request.visitedPlmn}` };
    if (price.currency !== account.balance.currency) return { refused: `the balance is in ${account.balance.currency} but voice is priced in ${price.currency}` };
    const session: GySession = { imsi: request.imsi, price, reportedMb: 0, debited: { currency: price.currency, minor: 0n, scale: currencyExponent(price.currency) } };
    const minutes = this.affordableMb(account, session);
    if (minutes === Number.MAX_SAFE_INTEGER) return {};
    if (minutes <= 0) return { refused: `the balance of ${formatMoney(account.balance)} cannot pay a minute` };
    return { maxSeconds: minutes * 60 };
  }

  endCall(request: { imsi: string; homePlmn: string; visitedPlmn: string; seconds: number }): Money | undefined {
    const account = this.accounts.get(request.imsi);
    const price = this.options.pricePerMinute?.(request.homePlmn, request.visitedPlmn);
    if (!account || !price) return undefined;
    const session: GySession = { imsi: request.imsi, price, reportedMb: 0, debited: { currency: price.currency, minor: 0n, scale: currencyExponent(price.currency) } };
    return this.debit(account, session, Math.ceil(request.seconds / 60));
  }

  private debit(account: Account, session: GySession, usedMb: number): Money {
    const total = roundMoney({ ...session.price, minor: session.price.minor * BigInt(session.reportedMb + usedMb) });
    const delta: Money = { currency: total.currency, minor: total.minor - session.debited.minor, scale: total.scale };
    session.reportedMb += usedMb;
    session.debited = total;
    account.balance = { ...account.balance, minor: account.balance.minor - delta.minor };
    return delta;
  }

  /**
   * The MB the session may still use: the largest total T whose exact price × T fits debited + balance,
   * minus what it reported (rounding never buys extra MB, and round(price × T) cannot exceed it either).
   */
  private affordableMb(account: Account, session: GySession): number {
    const price = rescale(session.price, Math.max(session.price.scale, PRICE_SCALE));
    if (price.minor === 0n) return Number.MAX_SAFE_INTEGER;
    const cap = rescale({ ...account.balance, minor: account.balance.minor + session.debited.minor }, price.scale).minor;
    const total = cap / price.minor;
    const left = total - BigInt(session.reportedMb);
    return left > 0n ? Number(left > BigInt(Number.MAX_SAFE_INTEGER) ? BigInt(Number.MAX_SAFE_INTEGER) : left) : 0;
  }
}
