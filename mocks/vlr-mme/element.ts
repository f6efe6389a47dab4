import { localError, mapError, type ProtocolError } from '../../src/protocol/codes';
import { nasCauseCode } from '../../src/protocol/nas';
import { laiOf, mmeName, type EpsDetachType, type EpsLocationUpdateType, type Lai, type NonEpsDetachType } from '../../src/protocol/sgsap';
import { gsmFromUmts } from '../../src/protocol/milenage';
import { protocolOf, type Rat } from '../../src/protocol/rat';
import { nodeRef } from '../../src/roaming/addresses';
import type { NodeRef } from '../../src/roaming/events';
import type { HomeProcedure, RequestOf, Resync, ResultOf } from '../../src/elements/procedures';
import type { TransactionResult } from '../../src/roaming/link';
import type { MockNetwork } from '../network';
import { type Answer, type ElementContext, answer } from '../context';

/** A subscriber the visited network serves. */
export interface VisitorRecord {
  readonly imsi: string;
  readonly homePlmn: string;
  readonly rat: Rat;
  readonly node: NodeRef;
  msisdn?: string;
  readonly since: number;
}

/** A challenge sent to the UE: what it was sent, and what its answer must be. */
interface Challenge {
  /** What the RES (or SRES) must equal. */
  readonly expected: string;
  /** The challenge's RAND, for a failure report or a resynchronisation. */
  readonly rand: string;
  /** The Authentication Request's parameters: RAND, and AUTN except on GERAN. */
  readonly sent: { readonly rand: string; readonly autn?: string };
}

interface PendingAttach extends Challenge {
  readonly homePlmn: string;
  readonly rat: Rat;
  authenticated: boolean;
  /** A resynchronisation was made in this attach: a second synch failure is a rejection, not another round. */
  readonly resynchronised: boolean;
  msisdn?: string;
  /** A combined EPS/IMSI attach: the MME also registers the UE with this PLMN's VLR over SGs. */
  readonly combined: boolean;
  /** An LTE tracking area update from another MME rather than an initial attach. */
  readonly update: boolean;
}

/**
 * The visited network's VLR (MAP side, GSM/UMTS) and MME (S6a side, LTE), one per visited PLMN. Takes the
 * attach from the UE, authenticates it with a vector from the home HLR/HSS, relays the location update,
 * keeps the visitor record, drops it on a cancel and turns a detach into a purge.
 */
export class VlrMme {
  readonly vlr: NodeRef;
  readonly mme: NodeRef;
  /** The VLR's E.164 number and the MME's Diameter identity (nodeRef always gives them). */
  private readonly vlrNumber: string;
  private readonly mmeHost: string;
  /** The MME's name on SGs (TS 23.003 §19.4.2.4) and the location area its tracking areas map to. */
  private readonly mmeName: string;
  private readonly lai: Lai;
  private readonly visitors = new Map<string, VisitorRecord>();
  private readonly pending = new Map<string, PendingAttach>();
  /**
   * The VLR's records of UEs registered over SGs (combined attach): the CS registration beside the MME's
   * EPS one, SGs-ASSOCIATED while `associated`, SGs-NULL after an EPS detach (TS 29.118 §5.4).
   */
  private readonly sgs = new Map<string, VisitorRecord & { associated: boolean }>();

  constructor(
    readonly plmn: string,
    private readonly network: MockNetwork,
  ) {
    this.vlr = nodeRef('VLR', plmn);
    this.mme = nodeRef('MME', plmn);
    this.vlrNumber = this.vlr.address ?? '';
    this.mmeHost = this.mme.address ?? '';
    this.mmeName = mmeName(plmn);
    this.lai = laiOf(plmn);
  }

  /** The MME's record (or the VLR's, for GSM/UMTS), else the VLR's CS record of a UE registered over SGs. */
  record(imsi: string): VisitorRecord | undefined {
    return this.visitors.get(imsi) ?? this.sgs.get(imsi);
  }

  /** Every visitor record held (inspection: the element metrics count them per VLR and MME). */
  *visitorRecords(): IterableIterator<VisitorRecord> {
    yield* this.visitors.values();
    yield* this.sgs.values();
  }

  /** Attach / location updating request: fetch a vector from the home network and challenge the UE. */
  async attach(body: { imsi: string; homePlmn: string; rat: Rat; combined?: boolean; update?: boolean }): Promise<Answer> {
    this.pending.delete(body.imsi);
    const lte = body.rat === 'LTE';
    const result = await this.fetchVector(body.imsi, body.homePlmn, body.rat);
    if (!('challenge' in result)) return result;
    this.pending.set(body.imsi, { homePlmn: body.homePlmn, rat: body.rat, ...result.challenge, authenticated: false, resynchronised: false, combined: lte && body.combined === true, update: lte && body.update === true });
    return answer(result.challenge.sent);
  }

  /**
   * One vector from the home network (SAI on GSM/UMTS, AIR on LTE), with the USIM's resynchronisation info
   * after a synch failure, as the challenge the UE is sent and the response it must give.
   */
  private async fetchVector(imsi: string, homePlmn: string, rat: Rat, resync?: Resync): Promise<{ challenge: Challenge } | Answer> {
    const extra = resync ? { resync } : {};
    const result =
      rat === 'LTE'
        ? await this.toHome(imsi, homePlmn, rat, { procedure: 'Authentication-Information', operation: 's6a/authentication-information', request: { userName: imsi, visitedPlmnId: this.plmn, numberOfRequestedVectors: 1, ...extra } })
        : await this.toHome(imsi, homePlmn, rat, { procedure: 'SendAuthenticationInfo', operation: 'map/send-authentication-info', request: { imsi, numberOfRequestedVectors: 1, rat, ...extra } });
    if (!result.ok) return failure(result);
    const response = result.response;
    const vector = ('eutranVectors' in response ? response.eutranVectors : 'quintuplets' in response ? response.quintuplets : 'triplets' in response ? response.triplets : [])[0];
    if (!vector) return { error: localError('transportError', 'the home network answered without an authentication vector') };
    // GERAN access with a quintuplet: the VLR converts, SRES = c2(XRES) (TS 33.102 §6.8.1.2), and sends RAND only.
    const geran = rat === 'GSM';
    const expected = 'xres' in vector ? (geran && 'ck' in vector ? gsmFromUmts(Buffer.from(vector.xres, 'hex'), Buffer.from(vector.ck, 'hex'), Buffer.from(vector.ik, 'hex')).sres.toString('hex') : vector.xres) : vector.sres;
    const sent = 'autn' in vector && !geran ? { rand: vector.rand, autn: vector.autn } : { rand: vector.rand };
    return { challenge: { expected, rand: vector.rand, sent } };
  }

  /**
   * Authentication response: RES against XRES (SRES on GSM), or the USIM's own failure report. A VLR reports a
   * failure to the HLR (MAP authenticationFailureReport, TS 29.002 §8.5.3): wrongUserResponse for a RES that
   * does not match, wrongNetworkSignature for a MAC failure the USIM reported. S6a has no such report; an MME
   * only resynchronises (AIR with Re-Synchronization-Info), which a wrong key never reaches.
   *
   * A synch failure with AUTS is answered by resynchronisation (TS 33.102 §6.3.5): SAI with
   * re-synchronisationInfo / AIR with Re-Synchronization-Info (RAND of the refused challenge, AUTS), then a
   * new Authentication Request from the fresh vector. Once per attach: a second synch failure rejects the UE
   * (#21), as does one without AUTS.
   */
  async authentication(body: { imsi: string; res?: string; failure?: string; auts?: string }): Promise<Answer> {
    const pending = this.pending.get(body.imsi);
    if (!pending) return { error: localError('authenticationFailure', 'no authentication in progress for this subscriber') };
    if (body.failure === 'synchFailure' && body.auts && !pending.resynchronised) {
      const result = await this.fetchVector(body.imsi, pending.homePlmn, pending.rat, { rand: pending.rand, auts: body.auts.toLowerCase() });
      if (!('challenge' in result)) {
        this.pending.delete(body.imsi);
        return result;
      }
      this.pending.set(body.imsi, { ...pending, ...result.challenge, resynchronised: true });
      return answer(result.challenge.sent);
    }
    if (body.failure || body.res?.toLowerCase() !== pending.expected) {
      this.pending.delete(body.imsi);
      if (pending.rat !== 'LTE' && body.failure !== 'synchFailure') {
        await this.toHome(body.imsi, pending.homePlmn, pending.rat, {
          procedure: 'AuthenticationFailureReport',
          operation: 'map/authentication-failure-report',
          request: { imsi: body.imsi, failureCause: body.failure ? 'wrongNetworkSignature' : 'wrongUserResponse', rand: pending.rand, vlrNumber: this.vlrNumber },
        });
      }
      return { error: localError('authenticationFailure', body.failure ? `UE reported ${body.failure}` : 'RES does not match XRES') };
    }
    pending.authenticated = true;
    return answer({ authenticated: true });
  }

  /** Security mode complete: the UE is authenticated, now register it with its home network. */
  async securityModeComplete(body: { imsi: string }, ctx: ElementContext): Promise<Answer> {
    const pending = this.pending.get(body.imsi);
    if (!pending?.authenticated) return { error: localError('authenticationFailure', 'location update before authentication') };
    const lte = pending.rat === 'LTE';
    const result = lte
      ? await this.toHome(body.imsi, pending.homePlmn, pending.rat, { procedure: 'Update-Location', operation: 's6a/update-location', request: { userName: body.imsi, visitedPlmnId: this.plmn, ratType: 'EUTRAN', ulrFlags: ulrFlags(pending), originHost: this.mmeHost } })
      : await this.toHome(body.imsi, pending.homePlmn, pending.rat, { procedure: 'UpdateLocation', operation: 'map/update-location', request: { imsi: body.imsi, mscNumber: this.vlrNumber, vlrNumber: this.vlrNumber, visitedPlmn: this.plmn, rat: pending.rat, supportedRatTypes: [pending.rat] } });
    this.pending.delete(body.imsi);
    if (!result.ok) return failure(result);
    const msisdn = 'msisdn' in result.response ? result.response.msisdn : pending.msisdn;
    if (pending.combined) await this.locationUpdateOverSgs(body.imsi, pending.homePlmn, msisdn, pending.update ? 'normal' : 'imsi-attach');
    this.visitors.set(body.imsi, {
      imsi: body.imsi,
      homePlmn: pending.homePlmn,
      rat: pending.rat,
      node: lte ? this.mme : this.vlr,
      ...(msisdn === undefined ? {} : { msisdn }),
      since: ctx.clock.now(),
    });
    return answer({ accepted: true });
  }

  /**
   * IMSI detach / EPS detach: drop the record and purge it at home (TS 29.002 §8.1.6, TS 29.272 §5.2.1.3). A UE
   * registered over SGs as well: a combined EPS/IMSI detach has the MME send SGsAP-IMSI-DETACH-INDICATION, and
   * the VLR purges the CS registration (TS 23.272 §5.3, TS 29.118 §5.5); an EPS-only detach sends
   * SGsAP-EPS-DETACH-INDICATION and the CS registration stays (TS 29.118 §5.4).
   */
  async detach(body: { imsi: string; combined?: boolean }): Promise<Answer> {
    const visitor = this.visitors.get(body.imsi);
    if (!visitor) return answer({ detached: true, purged: false });
    this.visitors.delete(body.imsi);
    const lte = visitor.rat === 'LTE';
    if (lte && this.sgs.get(body.imsi)?.associated) {
      if (body.combined === true) await this.toVlr(visitor, 'SGsAP-IMSI-Detach', 'sgsap/imsi-detach', 'combined-ue-initiated');
      else await this.toVlr(visitor, 'SGsAP-EPS-Detach', 'sgsap/eps-detach', 'ue-initiated');
    }
    const result = lte
      ? await this.toHome(body.imsi, visitor.homePlmn, visitor.rat, { procedure: 'Purge-UE', operation: 's6a/purge-ue', request: { userName: body.imsi, originHost: this.mmeHost, purFlags: 1 } })
      : await this.toHome(body.imsi, visitor.homePlmn, visitor.rat, { procedure: 'PurgeMS', operation: 'map/purge-ms', request: { imsi: body.imsi, vlrNumber: this.vlrNumber } });
    if (!result.ok) return failure(result);
    return answer({ detached: true, purged: true });
  }

  /**
   * SGsAP-LOCATION-UPDATE-REQUEST at the VLR (TS 29.118 §5.2): register the UE with its HLR (MAP
   * UpdateLocation, ISD inside, inside this SGs exchange), then LOCATION-UPDATE-ACCEPT with the LAI, or
   * LOCATION-UPDATE-REJECT with the MM cause the HLR's refusal maps to (TS 29.010 §3.2).
   */
  async sgsLocationUpdate(body: { imsi: string; mmeName: string; newLai: Lai }, ctx: ElementContext): Promise<Answer> {
    const homePlmn = this.homePlmnOf(body.imsi);
    // No home network this VLR knows of owns the IMSI's MCC and MNC: rejected as an unknown IMSI (MM #2 IMSI
    // unknown in HLR), an answer on SGs like any other REJECT.
    if (homePlmn === undefined) return { error: mapError('unknownSubscriber'), rejectCause: 2 };
    const result = await this.network.link.transact({
      protocol: 'MAP',
      procedure: 'UpdateLocation',
      from: this.vlr,
      to: nodeRef('HLR', homePlmn),
      rat: 'LTE',
      subscriber: { imsi: body.imsi },
      homePlmn,
      visitedPlmn: this.plmn,
      request: { imsi: body.imsi, mscNumber: this.vlrNumber, vlrNumber: this.vlrNumber, visitedPlmn: this.plmn, rat: 'LTE', supportedRatTypes: ['LTE'] },
      route: { element: 'hlr-hss', plmn: homePlmn, operation: 'map/update-location' },
      retry: true,
      parentId: ctx.transactionId,
    });
    if (!result.ok) return { error: result.error, rejectCause: nasCauseCode(result.error, 'GSM') };
    this.sgs.set(body.imsi, { imsi: body.imsi, homePlmn, rat: 'LTE', node: this.vlr, since: ctx.clock.now(), associated: true });
    return answer({ lai: body.newLai });
  }

  /** SGsAP-EPS-DETACH-INDICATION at the VLR: SGs-NULL, the CS registration stays (TS 29.118 §5.4). */
  sgsEpsDetach(body: { imsi: string }): Answer {
    const record = this.sgs.get(body.imsi);
    if (record) record.associated = false;
    return answer();
  }

  /**
   * SGsAP-IMSI-DETACH-INDICATION at the VLR (TS 29.118 §5.5): the subscriber is IMSI-detached; as after a
   * GSM/UMTS IMSI detach, the VLR drops its record and purges it at the HLR (MAP PurgeMS, inside this SGs
   * exchange). The ACK carries no cause: a purge that fails is logged by its own event.
   */
  async sgsImsiDetach(body: { imsi: string }, ctx: ElementContext): Promise<Answer> {
    const record = this.sgs.get(body.imsi);
    if (!record) return answer();
    this.sgs.delete(body.imsi);
    await this.network.link.transact({
      protocol: 'MAP',
      procedure: 'PurgeMS',
      from: this.vlr,
      to: nodeRef('HLR', record.homePlmn),
      rat: 'LTE',
      subscriber: { imsi: body.imsi },
      homePlmn: record.homePlmn,
      visitedPlmn: this.plmn,
      request: { imsi: body.imsi, vlrNumber: this.vlrNumber },
      route: { element: 'hlr-hss', plmn: record.homePlmn, operation: 'map/purge-ms' },
      retry: true,
      parentId: ctx.transactionId,
    });
    return answer();
  }

  /** MAP CancelLocation also ends the VLR's SGs registration; an S6a Cancel-Location leaves it (another MME will re-register it). */
  cancelLocation(body: { imsi: string }, domain: 'MAP' | 'S6a' = 'MAP'): Answer {
    this.visitors.delete(body.imsi);
    this.pending.delete(body.imsi);
    if (domain === 'MAP') this.sgs.delete(body.imsi);
    return answer();
  }

  insertSubscriberData(body: { imsi: string; msisdn?: string }): Answer {
    const pending = this.pending.get(body.imsi);
    const visitor = this.visitors.get(body.imsi);
    if (pending && body.msisdn) pending.msisdn = body.msisdn;
    else if (visitor && body.msisdn) visitor.msisdn = body.msisdn;
    return answer();
  }

  /**
   * Combined attach (TS 23.272 §5.2): after the ULA the MME sends SGsAP-LOCATION-UPDATE-REQUEST (IMSI attach;
   * a normal location update for a combined tracking area update from another MME) to the VLR of its PLMN, which registers the UE with the HLR and answers ACCEPT or REJECT; that CS
   * registration cancels a VLR elsewhere. A CS failure leaves the EPS attach accepted (EPS services only,
   * TS 24.301 §5.5.1.3.4.3), so it is not returned.
   */
  private async locationUpdateOverSgs(imsi: string, homePlmn: string, msisdn: string | undefined, type: EpsLocationUpdateType): Promise<void> {
    await this.network.link.transact({
      protocol: 'SGsAP',
      procedure: 'SGsAP-Location-Update',
      from: this.mme,
      to: this.vlr,
      rat: 'LTE',
      subscriber: { imsi, ...(msisdn === undefined ? {} : { msisdn }) },
      homePlmn,
      visitedPlmn: this.plmn,
      request: { imsi, mmeName: this.mmeName, epsLocationUpdateType: type, newLai: this.lai },
      route: { element: 'vlr-mme', plmn: this.plmn, operation: 'sgsap/location-update' },
    });
  }

  /** An SGsAP detach indication from the MME to the VLR of this PLMN. */
  private async toVlr<P extends 'SGsAP-EPS-Detach' | 'SGsAP-IMSI-Detach'>(visitor: VisitorRecord, procedure: P, operation: string, detachType: P extends 'SGsAP-EPS-Detach' ? EpsDetachType : NonEpsDetachType): Promise<void> {
    await this.network.link.transact({
      protocol: 'SGsAP',
      procedure,
      from: this.mme,
      to: this.vlr,
      rat: 'LTE',
      subscriber: { imsi: visitor.imsi, ...(visitor.msisdn === undefined ? {} : { msisdn: visitor.msisdn }) },
      homePlmn: visitor.homePlmn,
      visitedPlmn: this.plmn,
      request: { imsi: visitor.imsi, mmeName: this.mmeName, detachType } as RequestOf<P>,
      route: { element: 'vlr-mme', plmn: this.plmn, operation },
    });
  }

  /** The home network of an IMSI: the configured network whose MCC and MNC begin it (the longest), else the one the store knows. */
  private homePlmnOf(imsi: string): string | undefined {
    const owners = this.network.config.networks.map((n) => n.plmn).filter((plmn) => imsi.startsWith(plmn.replace('-', '')));
    return owners.sort((a, b) => b.length - a.length)[0] ?? this.network.store.record(imsi)?.identity.homePlmn;
  }

  private toHome<P extends HomeProcedure>(imsi: string, homePlmn: string, rat: Rat, call: { procedure: P; operation: string; request: RequestOf<P> }): Promise<TransactionResult<ResultOf<P>>> {
    const lte = protocolOf(rat) === 'S6a';
    return this.network.link.transact({
      protocol: lte ? 'S6a' : 'MAP',
      procedure: call.procedure,
      from: lte ? this.mme : this.vlr,
      to: nodeRef(lte ? 'HSS' : 'HLR', homePlmn),
      rat,
      subscriber: { imsi },
      homePlmn,
      visitedPlmn: this.plmn,
      request: call.request,
      route: { element: 'hlr-hss', plmn: homePlmn, operation: call.operation },
      retry: true,
    });
  }
}

/** ULR-Flags (TS 29.272 §7.3.7): S6a/S6d-Indicator (bit 1) always from an MME; Initial-Attach-Indicator (bit 5) only on an attach. */
function ulrFlags(pending: PendingAttach): number {
  return 0x02 | (pending.update ? 0 : 0x20);
}

/** The home network's failure, relayed to the UE with every attempt when the retries ran out. */
function failure(result: Extract<TransactionResult<unknown>, { ok: false }>): Answer {
  const error: ProtocolError = result.error;
  return result.exhausted
    ? { error, deadLettered: true, attempts: result.failures.map((f) => ({ attempt: f.attempt, at: f.at, error: f.error })) }
    : { error };
}
