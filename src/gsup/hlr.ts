import type { ProtocolError } from '../protocol/codes';
import { type AuthTuple, type CnDomain, GSUP_RAT, type GsupMessage, describeType, errorType, resultType } from '../protocol/gsup';
import { GMM_CAUSE, gmmFromMapError } from '../protocol/gsup-causes';
import type { Rat } from '../protocol/rat';
import { type GsupEndpoint, GsupClosed, GsupTimeout } from './endpoint';
import { visitedPlmnOf } from './names';
import { GsupServer, type GsupServerOptions } from './server';

/** A home network's answer: a result, a refusal in MAP terms, or silence (a fault rule said "no answer"). */
export type HomeAnswer<T> = { result: T } | { error: ProtocolError } | { noAnswer: true };

/**
 * What the GSUP HLR needs of a home network, reached through a narrow adapter (mocks/gsup/mock-home.ts binds it to the
 * embedded HLR) so the wire layer does not know how the home side is built. Requests arrive here in MAP
 * terms; the adapter's HLR may push InsertSubscriberData and LocationCancel back through `GsupHlr.push`.
 */
export interface GsupHome {
  sendAuthInfo(imsi: string, request: { count: number; rat: Rat; eutran: boolean; resync?: { rand: Buffer; auts: Buffer } }): Promise<HomeAnswer<{ tuples: AuthTuple[] }>>;
  updateLocation(imsi: string, request: { visitedPlmn: string | undefined; rat: Rat; domain: CnDomain }): Promise<HomeAnswer<unknown>>;
  purge(imsi: string, request: { visitedPlmn: string | undefined; domain: CnDomain }): Promise<HomeAnswer<unknown>>;
}

export interface GsupHlrOptions extends Omit<GsupServerOptions, 'onRequest'> {
  /** Bound later when the home side needs the server first (its pushes go through it). */
  readonly home?: GsupHome;
  /** Told when the home side decided not to answer (a fault rule): the wire stays silent either way. */
  readonly onSilence?: (peer: string, imsi: string, requestType: number) => void;
}

/**
 * roamsim's HLR on GSUP: SendAuthInfo, UpdateLocation, PurgeMS, CheckIMEI, AuthFailureReport from VLRs/SGSNs;
 * InsertSubscriberData and LocationCancel to them when the home side pushes. Refusals go out as GMM causes
 * (gsup-causes.ts). A VLR's visited PLMN is the one its CCM name declares (names.ts).
 */
export class GsupHlr {
  /** The VLR whose UpdateLocation is in progress, per IMSI: the InsertSubscriberData goes to it. */
  private readonly inFlight = new Map<string, GsupEndpoint>();
  /** The VLR that last registered each subscriber (per domain): LocationCancel goes to it. */
  private readonly serving = new Map<string, string>();
  readonly counts = { sai: 0, ul: 0, purge: 0, pushes: 0, authFailureReports: 0 };
  home: GsupHome | undefined;

  private constructor(
    readonly server: GsupServer,
    private readonly onSilence?: GsupHlrOptions['onSilence'],
  ) {}

  static async start(options: GsupHlrOptions): Promise<GsupHlr> {
    let hlr: GsupHlr | undefined;
    const server = await GsupServer.listen({ ...options, onRequest: (message, peer) => void hlr?.handle(message, peer) });
    hlr = new GsupHlr(server, options.onSilence);
    if (options.home) hlr.home = options.home;
    return hlr;
  }

  get port(): number {
    return this.server.port;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  /** The CCM name of the node that last registered a subscriber in a domain (inspection). */
  servingNode(imsi: string, domain: CnDomain): string | undefined {
    return this.serving.get(`${imsi}|${domain}`);
  }

  /**
   * Sends an HLR-initiated request (ISD, LocationCancel, DeleteSubscriberData) to the GSUP node serving
   * `visitedPlmn` for this subscriber. Undefined when no GSUP node serves that network (the caller then
   * reaches the visited network another way).
   */
  push(message: GsupMessage, visitedPlmn: string, domain: CnDomain = 'CS'): Promise<GsupMessage> | undefined {
    const peer = this.nodeFor(message.imsi, visitedPlmn, domain);
    if (!peer) return undefined;
    this.counts.pushes++;
    // The node decides the domain: an SGSN gets the PS form, with the PDP context osmo-hlr also sends.
    if (peer.peer.includes('-SGSN-')) {
      const ps: GsupMessage = { ...message, cnDomain: 'PS' };
      if (describeType(message.type)?.procedure === 'InsertSubscriberData') Object.assign(ps, { pdpInfoComplete: true, pdpInfo: [{ contextId: 1, apn: '*' }] });
      return peer.request(ps);
    }
    return peer.request(message);
  }

  private nodeFor(imsi: string, visitedPlmn: string, domain: CnDomain): GsupEndpoint | undefined {
    const inFlight = this.inFlight.get(imsi);
    if (inFlight?.isOpen && (visitedPlmnOf(inFlight.peer) ?? visitedPlmn) === visitedPlmn) return inFlight;
    const serving = this.serving.get(`${imsi}|${domain}`);
    if (serving !== undefined && visitedPlmnOf(serving) === visitedPlmn) {
      const peer = this.server.peer(serving);
      if (peer) return peer;
    }
    const wanted = domain === 'CS' ? 'VLR' : 'SGSN';
    const names = this.server.peerNames.filter((name) => visitedPlmnOf(name) === visitedPlmn && name.includes(`-${wanted}-`));
    return names.length > 0 ? this.server.peer(names[names.length - 1]) : undefined;
  }

  private async handle(message: GsupMessage, peer: GsupEndpoint): Promise<void> {
    const procedure = describeType(message.type)?.procedure;
    const domain: CnDomain = message.cnDomain ?? 'PS';
    const home = this.home;
    if (!home) return peer.send({ type: message.type + 1, imsi: message.imsi, cause: GMM_CAUSE.NETWORK_FAILURE });
    try {
      switch (procedure) {
        case 'SendAuthInfo': {
          this.counts.sai++;
          const answer = await home.sendAuthInfo(message.imsi, {
            count: Math.max(1, Math.min(5, message.numVectors ?? 5)),
            rat: ratOf(message.currentRat, domain),
            eutran: message.currentRat === GSUP_RAT.EUTRAN_SGS,
            ...(message.rand && message.auts ? { resync: { rand: message.rand, auts: message.auts } } : {}),
          });
          return this.answer(peer, 'SendAuthInfo', message.imsi, domain, answer, (result) => ({ authTuples: result.tuples }));
        }
        case 'UpdateLocation': {
          this.counts.ul++;
          this.inFlight.set(message.imsi, peer);
          let answer: HomeAnswer<unknown>;
          try {
            answer = await home.updateLocation(message.imsi, { visitedPlmn: visitedPlmnOf(peer.peer), rat: ratOf(message.currentRat, domain), domain });
          } finally {
            if (this.inFlight.get(message.imsi) === peer) this.inFlight.delete(message.imsi);
          }
          if ('result' in answer) this.serving.set(`${message.imsi}|${domain}`, peer.peer);
          return this.answer(peer, 'UpdateLocation', message.imsi, domain, answer, () => ({}));
        }
        case 'PurgeMS': {
          this.counts.purge++;
          const answer = await home.purge(message.imsi, { visitedPlmn: visitedPlmnOf(peer.peer), domain });
          if ('result' in answer && this.serving.get(`${message.imsi}|${domain}`) === peer.peer) this.serving.delete(`${message.imsi}|${domain}`);
          return this.answer(peer, 'PurgeMS', message.imsi, domain, answer, () => ({ freezePtmsi: true }));
        }
        case 'CheckIMEI':
          return peer.send({ type: resultType('CheckIMEI'), imsi: message.imsi, imeiResult: 0 });
        case 'AuthFailureReport':
          // TS 29.002 authenticationFailureReport: noted; GSUP defines no answer.
          this.counts.authFailureReports++;
          return;
        default:
          peer.send({ type: message.type + 1, imsi: message.imsi, cause: GMM_CAUSE.INVALID_MANDATORY_INFO });
      }
    } catch (error) {
      // The VLR went silent or away in the middle of a procedure: its problem is counted, not ours to crash on.
      if (!(error instanceof GsupTimeout) && !(error instanceof GsupClosed)) throw error;
      peer.send({ type: message.type + 1, imsi: message.imsi, cause: GMM_CAUSE.NETWORK_FAILURE });
    }
  }

  private answer<T>(
    peer: GsupEndpoint,
    procedure: 'SendAuthInfo' | 'UpdateLocation' | 'PurgeMS',
    imsi: string,
    domain: CnDomain,
    answer: HomeAnswer<T>,
    fields: (result: T) => Partial<GsupMessage>,
  ): void {
    if ('noAnswer' in answer) return this.onSilence?.(peer.peer, imsi, errorType(procedure) - 1);
    if ('error' in answer) return peer.send({ type: errorType(procedure), imsi, cause: gmmFromMapError(answer.error, domain) });
    peer.send({ type: resultType(procedure), imsi, ...fields(answer.result) });
  }
}

export function ratOf(currentRat: number | undefined, domain: CnDomain): Rat {
  if (currentRat === GSUP_RAT.GERAN_A) return 'GSM';
  if (currentRat === GSUP_RAT.UTRAN_IU) return 'UMTS';
  if (currentRat === GSUP_RAT.EUTRAN_SGS) return 'LTE';
  return domain === 'CS' ? 'GSM' : 'UMTS';
}

export const GSUP_RAT_OF: Readonly<Record<Rat, number>> = { GSM: GSUP_RAT.GERAN_A, UMTS: GSUP_RAT.UTRAN_IU, LTE: GSUP_RAT.EUTRAN_SGS };
