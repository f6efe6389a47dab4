import type { ProtocolError } from '../protocol/codes';
import type { Rat } from '../protocol/rat';
import type { ElementKind } from '../roaming/transport';
import type { SubscriptionData } from './subscription';
import type { EpsDetachType, EpsLocationUpdateType, Lai, NonEpsDetachType } from '../protocol/sgsap';

/**
 * Every procedure's request and result, typed: one table shared by the UE, the elements (embedded or real),
 * the capture encoders, the ladder and the wire codecs. Field names are the ones on the bus and in the HTTP
 * bodies (`imsi`, `userName`, `visitedPlmnId`, `numberOfRequestedVectors`, …), so a codec maps them field by field
 * to MAP parameters or Diameter AVPs. Object types (not interfaces) on purpose: each is also a plain record.
 */

/** GERAN triplet (TS 43.020): hex strings. */
export type Triplet = { readonly rand: string; readonly sres: string; readonly kc: string };
/** UTRAN quintuplet (TS 33.102 §6.3.2): hex strings. */
export type Quintuplet = { readonly rand: string; readonly xres: string; readonly ck: string; readonly ik: string; readonly autn: string };
/** E-UTRAN vector (TS 33.401 §6.1.2): hex strings. */
export type EutranVector = { readonly rand: string; readonly xres: string; readonly autn: string; readonly kasme: string };

/**
 * Resynchronisation after a USIM's synch failure (TS 33.102 §6.3.5): the RAND of the challenge the USIM
 * refused and its AUTS = (SQN_MS ⊕ AK*) ‖ MAC-S, hex (16 and 14 octets). MAP re-synchronisationInfo in
 * SendAuthenticationInfo (TS 29.002 §8.5.2), S6a Re-Synchronization-Info (RAND ‖ AUTS, TS 29.272 §7.3.15).
 */
export type Resync = { readonly rand: string; readonly auts: string };

/** MAP cancellation types (TS 29.002 §7.6.3.39) and S6a Cancellation-Type names (TS 29.272 §7.3.24). */
export type MapCancellationType = 'updateProcedure' | 'subscriptionWithdraw' | 'initialAttachProcedure';
export type S6aCancellationType = 'MME_UPDATE_PROCEDURE' | 'SGSN_UPDATE_PROCEDURE' | 'SUBSCRIPTION_WITHDRAWAL' | 'UPDATE_PROCEDURE_IWF' | 'INITIAL_ATTACH_PROCEDURE';

/** What the home HLR (MAP) and HSS (S6a) are asked, and what they answer. */
export type HomeProcedures = {
  SendAuthenticationInfo: { request: { imsi: string; numberOfRequestedVectors: number; rat: Rat; resync?: Resync }; result: { triplets: readonly Triplet[] } | { quintuplets: readonly Quintuplet[] } };
  UpdateLocation: { request: { imsi: string; mscNumber: string; vlrNumber: string; visitedPlmn: string; rat: Rat; /** vlr-Capability supportedRAT-Types: what the HLR's RAT check reads. */ supportedRatTypes?: readonly Rat[] }; result: { hlrNumber?: string } };
  PurgeMS: { request: { imsi: string; vlrNumber: string }; result: { freezeTmsi?: boolean; freezePTmsi?: boolean } };
  /** TS 29.002 §8.5.3: the VLR tells the HLR an authentication failed (wrong RES, or the USIM rejected the network). */
  AuthenticationFailureReport: { request: { imsi: string; failureCause: 'wrongUserResponse' | 'wrongNetworkSignature'; rand?: string; vlrNumber: string }; result: Record<string, never> };
  'Authentication-Information': { request: { userName: string; visitedPlmnId: string; numberOfRequestedVectors: number; resync?: Resync }; result: { eutranVectors: readonly EutranVector[] } };
  'Update-Location': { request: { userName: string; visitedPlmnId: string; ratType: string; ulrFlags: number; originHost?: string }; result: { ulaFlags?: number; msisdn?: string; profile?: string; subscription?: SubscriptionData } };
  'Purge-UE': { request: { userName: string; originHost: string; purFlags?: number }; result: { puaFlags?: number } };
};

/** What the visited VLR (MAP, NAS) and MME (S6a, NAS) are asked, and what they answer. */
export type VisitedProcedures = {
  Attach: { request: { imsi: string; homePlmn: string; rat: Rat; combined?: boolean; update?: boolean }; result: { rand: string; autn?: string } };
  /**
   * The UE's answer to a challenge: RES (SRES on GSM), or the failure its USIM reported; a synch failure
   * carries AUTS (hex, 14 octets). The network accepts, or after a synch failure challenges again (`rand`,
   * `autn`: a new Authentication Request, once per attach).
   */
  Authentication: { request: { imsi: string; res?: string; failure?: string; auts?: string }; result: { authenticated: boolean } | { rand: string; autn?: string } };
  SecurityModeComplete: { request: { imsi: string; update?: boolean }; result: { accepted: boolean } };
  /** `combined`: detach type "combined EPS/IMSI detach" (TS 24.301 §9.9.3.7), from a UE attached combined. */
  Detach: { request: { imsi: string; combined?: boolean }; result: { detached: boolean; purged: boolean } };
  CancelLocation: { request: { imsi: string; cancellationType?: MapCancellationType; nextRat?: Rat }; result: Record<string, never> };
  InsertSubscriberData: { request: { imsi: string; msisdn?: string; profile?: string; subscription?: SubscriptionData }; result: Record<string, never> };
  'Cancel-Location': { request: { userName: string; cancellationType?: S6aCancellationType; nextRat?: Rat; clrFlags?: number }; result: Record<string, never> };
  'Insert-Subscriber-Data': { request: { userName: string; msisdn?: string; subscription?: SubscriptionData }; result: Record<string, never> };
  /**
   * SGsAP, MME → VLR of the same visited PLMN (TS 29.118 §5.2, §5.4, §5.5). A LOCATION-UPDATE-REJECT is an
   * error answer (the HLR's refusal, or the VLR's own) with its MM reject cause beside it (`rejectCause`).
   */
  'SGsAP-Location-Update': { request: { imsi: string; mmeName: string; epsLocationUpdateType: EpsLocationUpdateType; newLai: Lai }; result: { lai: Lai } };
  'SGsAP-EPS-Detach': { request: { imsi: string; mmeName: string; detachType: EpsDetachType }; result: Record<string, never> };
  'SGsAP-IMSI-Detach': { request: { imsi: string; mmeName: string; detachType: NonEpsDetachType }; result: Record<string, never> };
};

export type Procedures = HomeProcedures & VisitedProcedures;
export type HomeProcedure = keyof HomeProcedures;
export type VisitedProcedure = keyof VisitedProcedures;
export type AnyProcedure = keyof Procedures;

export type RequestOf<P extends AnyProcedure> = Procedures[P]['request'];
export type ResultOf<P extends AnyProcedure> = Procedures[P]['result'];

/** One request, discriminated by its procedure: what a wire codec switches on. */
export type ProcedureRequest = { [P in AnyProcedure]: { readonly procedure: P; readonly request: RequestOf<P> } }[AnyProcedure];

/** A failed attempt, as a VLR/MME relays it when its retries towards the home network ran out. */
export type RelayedAttempt = { readonly attempt: number; readonly at: number; readonly error: ProtocolError };

/** An element's answer: a result, or a protocol error (with the failed attempts when retries ran out). */
export type ElementAnswer<R> = { readonly result: R } | { readonly error: ProtocolError; readonly deadLettered?: boolean; readonly attempts?: readonly RelayedAttempt[]; readonly rejectCause?: number };
export type AnswerOf<P extends AnyProcedure> = ElementAnswer<ResultOf<P>>;

/** Where each procedure goes: the element kind and the operation name of its route (`POST /<element>/<plmn>/<operation>`). */
export const PROCEDURE_ROUTES: { readonly [P in AnyProcedure]: { readonly element: ElementKind; readonly operation: string } } = {
  SendAuthenticationInfo: { element: 'hlr-hss', operation: 'map/send-authentication-info' },
  UpdateLocation: { element: 'hlr-hss', operation: 'map/update-location' },
  PurgeMS: { element: 'hlr-hss', operation: 'map/purge-ms' },
  AuthenticationFailureReport: { element: 'hlr-hss', operation: 'map/authentication-failure-report' },
  'Authentication-Information': { element: 'hlr-hss', operation: 's6a/authentication-information' },
  'Update-Location': { element: 'hlr-hss', operation: 's6a/update-location' },
  'Purge-UE': { element: 'hlr-hss', operation: 's6a/purge-ue' },
  Attach: { element: 'vlr-mme', operation: 'ue/attach' },
  Authentication: { element: 'vlr-mme', operation: 'ue/authentication' },
  SecurityModeComplete: { element: 'vlr-mme', operation: 'ue/security-mode-complete' },
  Detach: { element: 'vlr-mme', operation: 'ue/detach' },
  CancelLocation: { element: 'vlr-mme', operation: 'map/cancel-location' },
  InsertSubscriberData: { element: 'vlr-mme', operation: 'map/insert-subscriber-data' },
  'Cancel-Location': { element: 'vlr-mme', operation: 's6a/cancel-location' },
  'Insert-Subscriber-Data': { element: 'vlr-mme', operation: 's6a/insert-subscriber-data' },
  'SGsAP-Location-Update': { element: 'vlr-mme', operation: 'sgsap/location-update' },
  'SGsAP-EPS-Detach': { element: 'vlr-mme', operation: 'sgsap/eps-detach' },
  'SGsAP-IMSI-Detach': { element: 'vlr-mme', operation: 'sgsap/imsi-detach' },
};
