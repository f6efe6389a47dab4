import { type ProtocolError, localError } from '../protocol/codes';
import { buildAuts, gsmFromUmts, milenage, sqnBytes, verifyAutn } from '../protocol/milenage';
import type { Rat } from '../protocol/rat';
import type { SubscriberStore } from '../subscribers/store';
import { nodeRef } from './addresses';
import type { RequestOf, ResultOf } from '../elements/procedures';
import type { NasProcedure } from './events';
import type { AttemptRecord, Link, TransactionResult } from './link';

/** Challenges after the first one that the UE answers in one attach (the network resynchronises once). */
const MAX_RECHALLENGES = 1;

export interface Target {
  readonly plmn: string;
  readonly rat: Rat;
  /** LTE only: a combined EPS/IMSI attach (TS 24.301 §5.5.1.3); the MME registers the UE with the VLR over SGs. */
  readonly combined?: boolean;
}

/** What one step of a registration came to, as the state machine needs it. */
export type StepResult =
  | { readonly status: 'ok' }
  | { readonly status: 'rejected'; readonly error: ProtocolError }
  | { readonly status: 'dead-lettered'; readonly error: ProtocolError; readonly attempts: readonly AttemptRecord[] };

/**
 * The synthetic handset: its USIM answers challenges with Milenage, and it speaks to the serving VLR/MME
 * (NAS exchanges, emitted on the same event stream as the core-network ones).
 */
export class UserEquipment {
  constructor(
    readonly imsi: string,
    private readonly link: Link,
    private readonly store: SubscriberStore,
  ) {}

  private get sim() {
    const sim = this.store.sim(this.imsi);
    if (!sim) throw new Error('the handset has no SIM');
    return sim;
  }

  /** Attach request, the USIM's answer to the challenge, and the authentication response. */
  async authenticate(target: Target, from?: Target): Promise<StepResult> {
    const homePlmn = this.sim.identity.homePlmn;
    // An LTE UE coming from another MME sends a Tracking Area Update, not an Attach (TS 24.301 §5.5.3): the
    // new MME's ULR then has no Initial-Attach-Indicator.
    const update = target.rat === 'LTE' && from?.rat === 'LTE';
    const challenge = await this.nas(target, 'Attach', 'ue/attach', { imsi: this.imsi, homePlmn, rat: target.rat, ...(target.combined ? { combined: true } : {}), ...(update ? { update: true } : {}) });
    if (!challenge.ok) return stepFailure(challenge);
    let sent: { rand: string; autn?: string } = challenge.response;
    // After a synch failure the network resynchronises with the home AuC and challenges again (TS 33.102
    // §6.3.5); it does so once per attach, and the UE answers at most that many challenges.
    for (let round = 0; round <= MAX_RECHALLENGES; round++) {
      const response = this.answerChallenge(target.rat, sent);
      const verdict = await this.nas(target, 'Authentication', 'ue/authentication', { imsi: this.imsi, ...response });
      if (!verdict.ok) return stepFailure(verdict);
      if (!('rand' in verdict.response)) return { status: 'ok' };
      sent = verdict.response;
    }
    return { status: 'rejected', error: localError('authenticationFailure', `the network challenged again after ${MAX_RECHALLENGES} resynchronisation`) };
  }

  async updateLocation(target: Target, from?: Target): Promise<StepResult> {
    const update = target.rat === 'LTE' && from?.rat === 'LTE';
    const result = await this.nas(target, 'SecurityModeComplete', 'ue/security-mode-complete', { imsi: this.imsi, ...(update ? { update: true } : {}) });
    return result.ok ? { status: 'ok' } : stepFailure(result);
  }

  /** Detach Request; a UE attached combined detaches both domains (detach type combined EPS/IMSI, TS 24.301 §5.5.2.2). */
  async detach(serving: Target): Promise<StepResult> {
    const combined = serving.rat === 'LTE' && serving.combined === true;
    const result = await this.nas(serving, 'Detach', 'ue/detach', { imsi: this.imsi, ...(combined ? { combined: true } : {}) });
    return result.ok ? { status: 'ok' } : stepFailure(result);
  }

  /**
   * GSM: SRES by the c2 conversion from RES. UMTS/LTE: the USIM checks MAC-A and SQN freshness before
   * answering (TS 33.102 §6.3.3); a MAC failure is reported instead of a RES, a stale SQN as a synch
   * failure with AUTS = (SQN_MS ⊕ AK*) ‖ MAC-S for the home AuC to resynchronise from.
   */
  private answerChallenge(rat: Rat, challenge: { rand: string; autn?: string }): { res?: string; failure?: string; auts?: string } {
    const keys = this.store.simKeys(this.imsi);
    const rand = Buffer.from(challenge.rand, 'hex');
    if (rat === 'GSM' || !challenge.autn) {
      const out = milenage({ k: keys.ki, opc: keys.opc, rand, sqn: Buffer.alloc(6), amf: Buffer.alloc(2) });
      return { res: gsmFromUmts(out.res, out.ck, out.ik).sres.toString('hex') };
    }
    const verified = verifyAutn(keys.ki, keys.opc, rand, Buffer.from(challenge.autn, 'hex'));
    if (!verified.ok) return { failure: verified.reason };
    const sqn = verified.sqn.readUIntBE(0, 6);
    if (sqn <= this.sim.sqnMs) return { failure: 'synchFailure', auts: buildAuts(keys.ki, keys.opc, rand, sqnBytes(this.sim.sqnMs)).toString('hex') };
    this.sim.sqnMs = sqn;
    return { res: verified.res.toString('hex') };
  }

  private nas<P extends NasProcedure>(target: Target, procedure: P, operation: string, request: RequestOf<P>): Promise<TransactionResult<ResultOf<P>>> {
    const lte = target.rat === 'LTE';
    const homePlmn = this.sim.identity.homePlmn;
    return this.link.transact({
      protocol: 'NAS',
      procedure,
      from: nodeRef('UE', homePlmn),
      to: nodeRef(lte ? 'MME' : 'VLR', target.plmn),
      rat: target.rat,
      subscriber: { imsi: this.imsi, msisdn: this.sim.identity.msisdn },
      homePlmn,
      visitedPlmn: target.plmn,
      request,
      route: { element: 'vlr-mme', plmn: target.plmn, operation },
      // The UE's own guard timer (T3410, 15 s) covers the whole attach including the network's retries.
      timeoutMs: 15_000,
    });
  }
}

function stepFailure(result: Extract<TransactionResult<unknown>, { ok: false }>): StepResult {
  if (result.detail?.deadLettered) {
    const attempts = (result.detail.attempts as AttemptRecord[] | undefined) ?? [];
    return { status: 'dead-lettered', error: result.error, attempts };
  }
  // The UE's own leg lost its connection on every attempt the policy allows: dead-lettered with that cause.
  if (result.exhausted) return { status: 'dead-lettered', error: result.error, attempts: result.failures };
  if (result.error.kind === 'local' && result.error.name === 'timeout') {
    return { status: 'rejected', error: localError('timeout', 'the visited network did not answer the UE') };
  }
  return { status: 'rejected', error: result.error };
}
