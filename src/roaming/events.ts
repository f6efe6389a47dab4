import type { ProtocolError } from '../protocol/codes';
import type { BillingTrigger } from '../billing/emulator';
import type { Rat } from '../protocol/rat';

/** Registration elements, then the packet core and charging elements (SGW/SGSN visited, PGW/GGSN and OCS home). */
export type NodeKind = 'UE' | 'VLR' | 'MME' | 'HLR' | 'HSS' | 'SGW' | 'PGW' | 'SGSN' | 'GGSN' | 'OCS' | 'MSC' | 'SMSC';

/**
 * A network element: its kind, the PLMN (`MCC-MNC`) it belongs to and its address: the E.164 global title
 * digits of a VLR or HLR (`4917000000001`), the Diameter identity of an MME or HSS
 * (`mme.epc.mnc001.mcc262.3gppnetwork.org`), nothing for a UE.
 */
export interface NodeRef {
  readonly kind: NodeKind;
  readonly plmn: string;
  readonly address?: string;
}

/** MAP procedures (TS 29.002) for GSM/UMTS, S6a commands (TS 29.272) for LTE, NAS exchanges with the UE. */
export type MapProcedure = 'SendAuthenticationInfo' | 'UpdateLocation' | 'InsertSubscriberData' | 'CancelLocation' | 'PurgeMS' | 'AuthenticationFailureReport';
export type S6aProcedure = 'Authentication-Information' | 'Update-Location' | 'Insert-Subscriber-Data' | 'Cancel-Location' | 'Purge-UE';
export type NasProcedure = 'Attach' | 'Authentication' | 'SecurityModeComplete' | 'Detach';
/**
 * SGsAP (TS 29.118) between a visited MME and the VLR of the same PLMN, one exchange per procedure:
 * LOCATION-UPDATE-REQUEST → ACCEPT/REJECT, EPS-DETACH-INDICATION → ACK, IMSI-DETACH-INDICATION → ACK.
 */
export type SgsapProcedure = 'SGsAP-Location-Update' | 'SGsAP-EPS-Detach' | 'SGsAP-IMSI-Detach';
/** GTPv2-C on S8 (TS 29.274), GTPv1-C on Gp (TS 29.060), Diameter Credit-Control on Gy (TS 32.299). */
export type GtpV2Procedure = 'Create-Session' | 'Delete-Session';
export type GtpV1Procedure = 'Create-PDP-Context' | 'Delete-PDP-Context';
export type GyProcedure = 'CCR-I' | 'CCR-U' | 'CCR-T' | 'CCR-E';
/** MAP short message relay (TS 29.002 §12.2), visited MSC → home SMSC. */
export type MapSmsProcedure = 'MO-ForwardSM';
/** CAMEL v2 (TS 29.078) prepaid call control, visited gsmSSF → home gsmSCF (part of the OCS here). */
export type CapProcedure = 'InitialDP' | 'ApplyChargingReport';
export type ChargingProcedure = GtpV2Procedure | GtpV1Procedure | GyProcedure | MapSmsProcedure | CapProcedure;
export type Procedure = MapProcedure | S6aProcedure | NasProcedure | SgsapProcedure;
export type SignallingProtocol = 'MAP' | 'S6a' | 'NAS' | 'SGsAP' | 'GTPv2' | 'GTPv1' | 'Gy' | 'MAP-SMS' | 'CAP';

export type Outcome =
  | { readonly status: 'ok'; readonly response: Readonly<Record<string, unknown>> }
  | { readonly status: 'error'; readonly error: ProtocolError; readonly detail?: Readonly<Record<string, unknown>> };

/**
 * One signalling exchange (request and its answer, or its failure) between two network elements. This is
 * the single stream that captures, metrics, logs, the audit trail, billing and diagrams subscribe to.
 *
 * Fields hold raw identities and vectors: every sink pseudonymises or zeroes them on the way out.
 */
export interface SignallingEvent {
  /** Unique per bus, assigned when the transaction starts (Diameter hop-by-hop id, TCAP transaction id). */
  readonly id: number;
  /**
   * The transaction this one runs inside (InsertSubscriberData inside an UpdateLocation dialogue; the VLR's
   * UpdateLocation or PurgeMS inside the SGsAP exchange that caused it).
   */
  readonly parentId?: number;
  readonly scenario?: string;
  readonly protocol: SignallingProtocol;
  readonly procedure: Procedure | ChargingProcedure;
  readonly from: NodeRef;
  readonly to: NodeRef;
  readonly rat: Rat;
  readonly subscriber: { readonly imsi: string; readonly msisdn?: string };
  readonly homePlmn: string;
  readonly visitedPlmn: string;
  readonly request: Readonly<Record<string, unknown>>;
  readonly outcome: Outcome;
  /** 1 for the first try; retries of the same transaction count up. */
  readonly attempt: number;
  /** Clock times in ms since the epoch, and a bus-wide tick for ordering ties on a simulated clock. */
  readonly startedAt: number;
  readonly endedAt: number;
  readonly startTick: number;
  readonly endTick: number;
  readonly latencyMs: number;
}

/** Journey-level happenings that are not a signalling exchange (registration outcome, usage, refusals). */
export interface JourneyEvent {
  readonly type: 'registration' | 'move' | 'detach' | 'dead-letter' | 'usage' | 'usage-refused';
  readonly scenario?: string;
  readonly at: number;
  readonly subscriber: { readonly imsi: string; readonly msisdn?: string };
  readonly homePlmn: string;
  readonly visitedPlmn?: string;
  readonly rat?: Rat;
  readonly outcome?: 'accepted' | 'rejected' | 'dead-lettered' | 'ok';
  readonly error?: ProtocolError;
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** A transition the roaming machine took (state ids as the machine names them, `roaming.attaching`). */
export interface TransitionEvent {
  readonly scenario?: string;
  readonly from: string;
  readonly event: string;
  readonly to: string;
}

/** A sink that failed at its own job (a capture it could not write): counted by the telemetry. */
export interface SinkFailureEvent {
  readonly sink: string;
  readonly scenario?: string;
  readonly detail?: string;
}

type Listener<T> = (event: T) => void;

/**
 * Synchronous fan-out. A sink that throws never breaks the run: the error is counted and handed to
 * `onSinkError` (one warning per sink) and the other sinks still get the event.
 */
export class EventBus {
  private readonly signallingListeners = new Set<Listener<SignallingEvent>>();
  private readonly journeyListeners = new Set<Listener<JourneyEvent>>();
  private readonly transitionListeners = new Set<Listener<TransitionEvent>>();
  private readonly billingListeners = new Set<Listener<BillingTrigger>>();
  private readonly failureListeners = new Set<Listener<SinkFailureEvent>>();
  private nextId = 1;
  private tick = 0;
  sinkErrors = 0;

  constructor(private readonly onSinkError: (error: unknown) => void = () => undefined) {}

  newTransactionId(): number {
    return this.nextId++;
  }

  nextTick(): number {
    return ++this.tick;
  }

  onSignalling(listener: Listener<SignallingEvent>): () => void {
    this.signallingListeners.add(listener);
    return () => this.signallingListeners.delete(listener);
  }

  onJourney(listener: Listener<JourneyEvent>): () => void {
    this.journeyListeners.add(listener);
    return () => this.journeyListeners.delete(listener);
  }

  onTransition(listener: Listener<TransitionEvent>): () => void {
    this.transitionListeners.add(listener);
    return () => this.transitionListeners.delete(listener);
  }

  /** Billing triggers as the billing emulator emits them (metrics count them by type). */
  onBillingTrigger(listener: Listener<BillingTrigger>): () => void {
    this.billingListeners.add(listener);
    return () => this.billingListeners.delete(listener);
  }

  onSinkFailure(listener: Listener<SinkFailureEvent>): () => void {
    this.failureListeners.add(listener);
    return () => this.failureListeners.delete(listener);
  }

  /** Subscribes a sink to both streams; the returned function unsubscribes it from both. */
  subscribe(sink: { signalling?(event: SignallingEvent): void; journey?(event: JourneyEvent): void }): () => void {
    const off = [
      sink.signalling ? this.onSignalling((event) => sink.signalling?.(event)) : () => undefined,
      sink.journey ? this.onJourney((event) => sink.journey?.(event)) : () => undefined,
    ];
    return () => off.forEach((unsubscribe) => unsubscribe());
  }

  emitSignalling(event: SignallingEvent): void {
    this.deliver(this.signallingListeners, event);
  }

  emitJourney(event: JourneyEvent): void {
    this.deliver(this.journeyListeners, event);
  }

  emitBillingTrigger(trigger: BillingTrigger): void {
    this.deliver(this.billingListeners, trigger);
  }

  emitSinkFailure(event: SinkFailureEvent): void {
    this.deliver(this.failureListeners, event);
  }

  emitTransition(event: TransitionEvent): void {
    if (this.transitionListeners.size > 0) this.deliver(this.transitionListeners, event);
  }

  private deliver<T>(listeners: Set<Listener<T>>, event: T): void {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        this.sinkErrors++;
        this.onSinkError(error);
      }
    }
  }
}
