import type { ProtocolError } from '../protocol/codes';
import { type AuthTuple, type CnDomain, GSUP_RAT, type GsupMessage, type PdpInfo, describeType, errorType, resultType } from '../protocol/gsup';
import { GMM_CAUSE, gmmFromMapError } from '../protocol/gsup-causes';
import { GSUP_REQUEST, CANCEL_TYPE } from '../protocol/gsup';
import type { Rat } from '../protocol/rat';
import type { GsupEndpoint } from './endpoint';
import { GsupClosed, GsupTimeout } from './endpoint';
import { visitedPlmnOf } from './names';
import { GsupServer, type GsupServerOptions } from './server';

/**
 * What the GSUP HLR needs of a home network: the embedded HLR's decisions, reached through a narrow adapter
 * (mock-home.ts binds it to the mock network) so the wire layer does not know how the home side is built.
 */
export interface GsupHome {
  /** Vectors for SendAuthInfo; `resync` carries RAND and AUTS after an SQN failure. */
  authTuples(imsi: string, request: { count: number; eutran: boolean; resync?: { rand: Buffer; auts: Buffer } }): { tuples: AuthTuple[] } | { error: ProtocolError };
  /** The UpdateLocation decision (agreements, barring, unknown subscriber) and the profile for the ISD. */
  decideLocation(imsi: string, request: { domain: CnDomain; rat: Rat; visitedPlmn: string | undefined }): { msisdn: string } | { error: ProtocolError };
  /** The HLR records the new serving node once the ISD was answered. */
  commitLocation(imsi: string, request: { domain: CnDomain; rat: Rat; visitedPlmn: string | undefined; vlrName: string }): void;
  /** PurgeMS: undefined when accepted. */
  purge(imsi: string, request: { domain: CnDomain; vlrName: string }): ProtocolError | undefined;
}

export interface GsupHlrOptions extends Omit<GsupServerOptions, 'onRequest'> {
  readonly home: GsupHome;
}

const PS_PDP: PdpInfo[] = [{ contextId: 1, apn: '*' }];

/**
 * roamsim's HLR on GSUP: SendAuthInfo, UpdateLocation (InsertSubscriberData inside it, LocationCancel to the
 * previous VLR/SGSN when another one registers), PurgeMS, CheckIMEI, AuthFailureReport. Refusals go out as
 * GMM causes (gsup-causes.ts).
 */
export class GsupHlr {
  /** Where each subscriber is registered, per domain: the serving node's CCM name. */
  private readonly serving = new Map<string, string>();
  readonly counts = { sai: 0, ul: 0, purge: 0, cancel: 0, authFailureReports: 0 };

  private constructor(
    readonly server: GsupServer,
    private readonly home: GsupHome,
  ) {}

  static async start(options: GsupHlrOptions): Promise<GsupHlr> {
    let hlr: GsupHlr | undefined;
    const server = await GsupServer.listen({ ...options, onRequest: (message, peer) => void hlr?.handle(message, peer) });
    hlr = new GsupHlr(server, options.home);
    return hlr;
  }

  get port(): number {
    return this.server.port;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  /** The CCM name of the node serving a subscriber in a domain (inspection). */
  servingNode(imsi: string, domain: CnDomain): string | undefined {
    return this.serving.get(`${imsi}|${domain}`);
  }

  private async handle(message: GsupMessage, peer: GsupEndpoint): Promise<void> {
    const procedure = describeType(message.type)?.procedure;
    const domain: CnDomain = message.cnDomain ?? 'PS';
    try {
      switch (procedure) {
        case 'SendAuthInfo':
          return this.sendAuthInfo(message, peer);
        case 'UpdateLocation':
          return await this.updateLocation(message, peer, domain);
        case 'PurgeMS': {
          this.counts.purge++;
          const error = this.home.purge(message.imsi, { domain, vlrName: peer.peer });
          if (error) return peer.send({ type: errorType('PurgeMS'), imsi: message.imsi, cause: gmmFromMapError(error, domain) });
          if (this.serving.get(`${message.imsi}|${domain}`) === peer.peer) this.serving.delete(`${message.imsi}|${domain}`);
          return peer.send({ type: resultType('PurgeMS'), imsi: message.imsi, freezePtmsi: true });
        }
        case 'CheckIMEI':
          return peer.send({ type: resultType('CheckIMEI'), imsi: message.imsi, imeiResult: 0 });
        case 'AuthFailureReport':
          // TS 29.002 authenticationFailureReport: noted, no answer in GSUP.
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

  private sendAuthInfo(message: GsupMessage, peer: GsupEndpoint): void {
    this.counts.sai++;
    const requested = message.numVectors ?? 5;
    const answer = this.home.authTuples(message.imsi, {
      count: Math.max(1, Math.min(5, requested)),
      eutran: message.currentRat === GSUP_RAT.EUTRAN_SGS,
      ...(message.rand && message.auts ? { resync: { rand: message.rand, auts: message.auts } } : {}),
    });
    if ('error' in answer) {
      peer.send({ type: errorType('SendAuthInfo'), imsi: message.imsi, cause: gmmFromMapError(answer.error, message.cnDomain ?? 'PS') });
      return;
    }
    peer.send({ type: resultType('SendAuthInfo'), imsi: message.imsi, authTuples: answer.tuples });
  }

  private async updateLocation(message: GsupMessage, peer: GsupEndpoint, domain: CnDomain): Promise<void> {
    this.counts.ul++;
    const rat = ratOf(message.currentRat, domain);
    const visitedPlmn = visitedPlmnOf(peer.peer);
    const decision = this.home.decideLocation(message.imsi, { domain, rat, visitedPlmn });
    if ('error' in decision) {
      peer.send({ type: errorType('UpdateLocation'), imsi: message.imsi, cause: gmmFromMapError(decision.error, domain) });
      return;
    }
    const key = `${message.imsi}|${domain}`;
    const previous = this.serving.get(key);
    if (previous !== undefined && previous !== peer.peer) await this.cancel(message.imsi, previous, domain);
    // The profile travels in InsertSubscriberData before the UL result (TS 29.002 §19.1.1.1; osmo-hlr lu_fsm).
    const isd = await peer.request({
      type: GSUP_REQUEST.InsertSubscriberData,
      imsi: message.imsi,
      msisdn: decision.msisdn,
      cnDomain: domain,
      ...(domain === 'PS' ? { pdpInfoComplete: true, pdpInfo: PS_PDP } : {}),
    });
    if (describeType(isd.type)?.kind !== 'result') {
      peer.send({ type: errorType('UpdateLocation'), imsi: message.imsi, cause: GMM_CAUSE.NETWORK_FAILURE });
      return;
    }
    this.serving.set(key, peer.peer);
    this.home.commitLocation(message.imsi, { domain, rat, visitedPlmn, vlrName: peer.peer });
    peer.send({ type: resultType('UpdateLocation'), imsi: message.imsi });
  }

  /** LocationCancel to the previous node; a node gone or silent does not fail the new registration. */
  private async cancel(imsi: string, previous: string, domain: CnDomain): Promise<void> {
    const old = this.server.peer(previous);
    if (!old) return;
    this.counts.cancel++;
    await old.request({ type: GSUP_REQUEST.LocationCancel, imsi, cancelType: CANCEL_TYPE.update, cnDomain: domain }).catch(() => undefined);
  }
}

function ratOf(currentRat: number | undefined, domain: CnDomain): Rat {
  if (currentRat === GSUP_RAT.GERAN_A) return 'GSM';
  if (currentRat === GSUP_RAT.UTRAN_IU) return 'UMTS';
  if (currentRat === GSUP_RAT.EUTRAN_SGS) return 'LTE';
  return domain === 'CS' ? 'GSM' : 'UMTS';
}
