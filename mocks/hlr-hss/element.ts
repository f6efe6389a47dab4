import { isTransient, mapError } from '../../src/protocol/codes';
import type { CoreProtocol, Rat } from '../../src/protocol/rat';
import { nodeRef } from '../../src/roaming/addresses';
import type { NodeRef } from '../../src/roaming/events';
import { SQN_STEP, type HlrRecord, type Location } from '../../src/subscribers/store';
import type { MockNetwork } from '../network';
import { type Answer, type ElementContext, answer } from '../context';
import { eutranVector, quintuplet } from './auc';
import { sqnFromAuts } from '../../src/gsup/auc';
import type { Resync } from '../../src/elements/procedures';
import type { KeyMaterial } from '../../src/subscribers/generator';
import { decideUpdateLocation, refusalError } from '../../src/roaming/decisions';

type Domain = 'CS' | 'EPS';
const domainOf = (node: NodeRef): Domain => (node.kind === 'MME' ? 'EPS' : 'CS');
const sameNode = (a: NodeRef, b: NodeRef): boolean => a.kind === b.kind && a.plmn === b.plmn;

/** A purge drops the purging node's registration; the other domain's, if any, becomes the reported one. */
function dropRegistration(record: HlrRecord, kind: 'VLR' | 'MME', address: string): void {
  if (record.parallel?.node.kind === kind && record.parallel.node.address === address) delete record.parallel;
  if (record.location?.node.kind === kind && record.location.node.address === address) {
    delete record.location;
    if (record.parallel) {
      record.location = record.parallel;
      delete record.parallel;
    }
  }
}

/**
 * The AuC's side of a resynchronisation (TS 33.102 §6.3.5): SQN_MS is recovered from the AUTS and, when MAC-S
 * verifies, SQN_HE is reset to it (left alone when already ahead), so the next vector's SQN is fresh for the
 * USIM. A MAC-S that does not verify resets nothing: the AuC still answers vectors (step 6 of §6.3.5; MAP and
 * S6a have no error for it), which the USIM refuses again, and the VLR/MME then rejects the UE (#21).
 * Returns whether SQN_HE was resynchronised.
 */
export function resynchronise(record: HlrRecord, keys: KeyMaterial, resync: Resync | undefined): boolean {
  if (!resync) return false;
  const sqnMs = sqnFromAuts(keys, Buffer.from(resync.rand, 'hex'), Buffer.from(resync.auts, 'hex'));
  if (sqnMs === undefined) return false;
  record.sqn = Math.max(record.sqn, sqnMs);
  return true;
}

/**
 * The home network's HLR (MAP, GSM/UMTS) and HSS (S6a, LTE) with its AuC, one per home PLMN. Decisions are
 * in decisions.ts; this class keeps the records and signals to the serving VLR/MMEs.
 */
export class HlrHss {
  readonly hlr: NodeRef;
  readonly hss: NodeRef;

  constructor(
    readonly plmn: string,
    private readonly network: MockNetwork,
  ) {
    this.hlr = nodeRef('HLR', plmn);
    this.hss = nodeRef('HSS', plmn);
  }

  /**
   * MAP SendAuthenticationInfo v3: quintuplets, whatever the access. Every subscriber here has a USIM, and for a
   * USIM subscriber the AuC sends a v3 VLR quintuplets; the VLR derives what a GERAN access needs (SRES, Kc)
   * by the c2/c3 conversion (TS 33.102 §6.8.1.2, §6.8.2).
   */
  sendAuthenticationInfo(body: { imsi: string; numberOfRequestedVectors: number; rat: Rat; resync?: Resync }): Answer {
    const record = this.network.store.record(body.imsi);
    if (!record) return { error: refusalError('unknownSubscriber', 'MAP') };
    const keys = this.network.store.aucKeys(body.imsi);
    resynchronise(record, keys, body.resync);
    return answer({ quintuplets: this.vectors(record, body.numberOfRequestedVectors, (sqn, rand) => quintuplet(keys, sqn, rand)) });
  }

  /** S6a Authentication-Information: E-UTRAN vectors bound to the visited PLMN. */
  authenticationInformation(body: { userName: string; visitedPlmnId: string; numberOfRequestedVectors: number; resync?: Resync }): Answer {
    const record = this.network.store.record(body.userName);
    if (!record) return { error: refusalError('unknownSubscriber', 'S6a') };
    const keys = this.network.store.aucKeys(body.userName);
    resynchronise(record, keys, body.resync);
    return answer({ eutranVectors: this.vectors(record, body.numberOfRequestedVectors, (sqn, rand) => eutranVector(keys, sqn, rand, body.visitedPlmnId)) });
  }

  async updateLocation(body: { imsi: string; mscNumber: string; vlrNumber: string; visitedPlmn: string; rat: Rat; supportedRatTypes?: readonly Rat[] }, ctx: ElementContext): Promise<Answer> {
    // The RAT check reads the VLR's vlr-Capability (supportedRAT-Types) when it sent one: a VLR serving a RAT
    // the agreement covers is accepted (TS 29.002 §8.1.2.3, additionalRoamingNotAllowedCause otherwise).
    const rats = body.supportedRatTypes && body.supportedRatTypes.length > 0 ? body.supportedRatTypes : [body.rat];
    const covered = rats.find((rat) => !this.refuse(body.imsi, body.visitedPlmn, rat, 'MAP'));
    const refused = covered === undefined ? this.refuse(body.imsi, body.visitedPlmn, rats[0], 'MAP') : undefined;
    if (refused) return refused;
    const record = this.network.store.record(body.imsi) as HlrRecord;
    const vlr = nodeRef('VLR', body.visitedPlmn);
    await this.cancelPrevious(record, vlr, body.rat);
    // The subscriber profile travels in InsertSubscriberData inside the same MAP dialogue (TS 29.002 §19.1.1.1).
    const insert = await this.network.link.transact({
      protocol: 'MAP',
      procedure: 'InsertSubscriberData',
      from: this.hlr,
      to: vlr,
      rat: body.rat,
      subscriber: { imsi: record.identity.imsi, msisdn: record.identity.msisdn },
      homePlmn: this.plmn,
      visitedPlmn: body.visitedPlmn,
      request: {
        imsi: record.identity.imsi,
        msisdn: record.identity.msisdn,
        profile: record.identity.profile,
        subscription: this.network.subscribers.subscription(record.identity.profile, record.identity.msisdn),
      },
      route: { element: 'vlr-mme', plmn: body.visitedPlmn, operation: 'map/insert-subscriber-data' },
      parentId: ctx.transactionId,
    });
    if (!insert.ok) return { error: isTransient(insert.error) ? mapError('systemFailure') : insert.error };
    record.location = { node: vlr, rat: body.rat, since: ctx.clock.now() };
    return answer({ hlrNumber: this.hlr.address });
  }

  /** S6a Update-Location: the subscription data rides in the ULA (TS 29.272 §5.2.1.1.3). */
  async updateLocationS6a(body: { userName: string; visitedPlmnId: string; ratType: string; ulrFlags: number }, ctx: ElementContext): Promise<Answer> {
    const refused = this.refuse(body.userName, body.visitedPlmnId, 'LTE', 'S6a');
    if (refused) return refused;
    const record = this.network.store.record(body.userName) as HlrRecord;
    const mme = nodeRef('MME', body.visitedPlmnId);
    await this.cancelPrevious(record, mme, 'LTE');
    record.location = { node: mme, rat: 'LTE', since: ctx.clock.now() };
    return answer({
      ulaFlags: 1,
      msisdn: record.identity.msisdn,
      profile: record.identity.profile,
      subscription: this.network.subscribers.subscription(record.identity.profile, record.identity.msisdn),
    });
  }

  /** MAP authenticationFailureReport: acknowledged; an operator would count it against the subscriber (TS 33.102 §6.3.6). */
  authenticationFailureReport(body: { imsi: string }): Answer {
    if (!this.network.store.record(body.imsi)) return { error: refusalError('unknownSubscriber', 'MAP') };
    return answer();
  }

  purgeMs(body: { imsi: string; vlrNumber: string }): Answer {
    const record = this.network.store.record(body.imsi);
    if (!record) return { error: refusalError('unknownSubscriber', 'MAP') };
    dropRegistration(record, 'VLR', body.vlrNumber);
    return answer({ freezeTmsi: true });
  }

  purgeUe(body: { userName: string; originHost: string }): Answer {
    const record = this.network.store.record(body.userName);
    if (!record) return { error: refusalError('unknownSubscriber', 'S6a') };
    dropRegistration(record, 'MME', body.originHost);
    return answer({ puaFlags: 1 });
  }

  private refuse(imsi: string, visitedPlmn: string, rat: Rat, protocol: CoreProtocol): Answer | undefined {
    const record = this.network.store.record(imsi);
    const decision = decideUpdateLocation({
      record,
      homePlmn: this.plmn,
      visitedPlmn,
      rat,
      agreement: this.network.agreements.find(this.plmn, visitedPlmn),
      profileAllowsRoaming: record ? this.network.profileAllowsRoaming(record.identity.profile) : true,
    });
    return decision.ok ? undefined : { error: refusalError(decision.refusal, protocol) };
  }

  /**
   * One serving node per domain: a registration elsewhere in the same domain cancels the previous VLR (MAP
   * CancelLocation) or MME (S6a Cancel-Location); a registration in the other domain leaves it in place
   * (CS and EPS registrations are independent; a combined attach registers both, TS 23.272 §5.2). A cancel
   * that fails is logged by its event and does not fail the registration.
   */
  private async cancelPrevious(record: HlrRecord, next: NodeRef, rat: Rat): Promise<void> {
    const previous = record.location;
    if (!previous) return;
    if (domainOf(previous.node) !== domainOf(next)) {
      const parallel = record.parallel;
      if (parallel && !sameNode(parallel.node, next)) await this.cancel(record, parallel, rat);
      record.parallel = previous;
      delete record.location;
      return;
    }
    if (sameNode(previous.node, next)) return;
    await this.cancel(record, previous, rat);
    delete record.location;
  }

  private async cancel(record: HlrRecord, previous: Location, rat: Rat): Promise<void> {
    const mme = previous.node.kind === 'MME';
    await this.network.link.transact({
      protocol: mme ? 'S6a' : 'MAP',
      procedure: mme ? 'Cancel-Location' : 'CancelLocation',
      from: mme ? this.hss : this.hlr,
      to: previous.node,
      rat: previous.rat,
      subscriber: { imsi: record.identity.imsi },
      homePlmn: this.plmn,
      visitedPlmn: previous.node.plmn,
      request: mme
        ? { userName: record.identity.imsi, cancellationType: 'MME_UPDATE_PROCEDURE', nextRat: rat }
        : { imsi: record.identity.imsi, cancellationType: 'updateProcedure', nextRat: rat },
      route: { element: 'vlr-mme', plmn: previous.node.plmn, operation: mme ? 's6a/cancel-location' : 'map/cancel-location' },
    });
  }

  private vectors<T>(record: HlrRecord, requested: number, make: (sqn: number, rand: Buffer) => T): T[] {
    const count = Math.max(1, Math.min(5, requested));
    const out: T[] = [];
    for (let i = 0; i < count; i++) {
      record.sqn += SQN_STEP;
      out.push(make(record.sqn, this.network.random.bytes(16)));
    }
    return out;
  }
}
