import type { RoamingConfig } from '../config/load';
import type { Procedure, NodeKind } from '../roaming/events';
import type { Clock } from '../roaming/clock';
import type { EventBus } from '../roaming/events';
import type { ProtocolError } from '../protocol/codes';
import type { Rat } from '../protocol/rat';
import type { Link } from '../roaming/link';
import type { ElementKind, Transport, TransportMode } from '../roaming/transport';
import type { MetricBatchData } from '../load/metrics';
import type { AgreementBook } from '../roaming/agreements';
import type { KeyMaterial, SubscriberIdentity } from '../subscribers/generator';
import type { SubscriberStore } from '../subscribers/store';
import type { SubscriberDirectory } from '../simulation/subscribers';

/**
 * The element seam: how a simulation reaches each PLMN's home element (HLR/HSS) and visited element
 * (VLR/MME), whatever implements them — the embedded mocks (mocks/), or a real system (an HSS over Diameter
 * S6a, osmo-hlr over GSUP). Three faces:
 *
 * - signalling: the procedures of procedures.ts, carried by a Transport (the implementation's, for the mode);
 * - provisioning: create, bar, forget and re-key a subscriber (the Given steps);
 * - inspection: where the home element locates a subscriber, whether a visited element holds a visitor
 *   record (the Then steps). An element that cannot be inspected answers from the signalling it was seen to
 *   send and receive (SignallingWitness) and says so in `source`.
 */

/** Where an inspection answer comes from; a Then step's failure message names it. */
export type InspectionSource = 'element' | 'signalling';

export const INSPECTION_SOURCES: Readonly<Record<InspectionSource, string>> = {
  element: "read from the element's own subscriber data",
  signalling: 'inferred from the signalling the element was seen to send and receive',
};

/** The home element's view of a subscriber: unknown, or known with the node serving it (if any). */
export type HomeLocation =
  | { readonly known: false; readonly source: InspectionSource }
  | {
      readonly known: true;
      readonly source: InspectionSource;
      /** The VLR/SGSN/MME the home element has recorded, absent when none (never registered, cancelled, purged). */
      readonly serving?: { readonly kind: NodeKind; readonly plmn: string; readonly address?: string; readonly rat?: Rat };
      /** The last serving node purged the subscriber (MAP PurgeMS / S6a Purge-UE). */
      readonly purged?: boolean;
      readonly barred?: boolean;
    };

/** A visited element's visitor record, as far as it can be seen. */
export type VisitorView =
  | { readonly held: false; readonly source: InspectionSource }
  | { readonly held: true; readonly source: InspectionSource; readonly node: { readonly kind: NodeKind; readonly plmn: string }; readonly rat: Rat };

/** A subscriber as the home element is provisioned with it: identity and keys (keys never go anywhere else). */
export interface ProvisionedSubscriber {
  readonly identity: SubscriberIdentity;
  readonly keys: KeyMaterial;
}

export interface HomeProvisioning {
  createSubscriber(subscriber: ProvisionedSubscriber): Promise<void>;
  /** Operator-determined barring of roaming (ODB), on or off. */
  bar(imsi: string, barred: boolean): Promise<void>;
  /** The home element no longer knows the subscriber. */
  forget(imsi: string): Promise<void>;
  /** The home element holds another key than the subscriber's SIM from now on (a wrong-key scenario). */
  changeKey(imsi: string): Promise<void>;
}

export interface HomeInspection {
  locate(imsi: string): Promise<HomeLocation>;
}

export interface VisitedInspection {
  visitor(imsi: string): Promise<VisitorView>;
}

/** One PLMN's HLR/HSS. */
export interface HomeElement {
  readonly plmn: string;
  readonly provisioning: HomeProvisioning;
  readonly inspection: HomeInspection;
}

/** One PLMN's VLR/MME. */
export interface VisitedElement {
  readonly plmn: string;
  readonly inspection: VisitedInspection;
}

/** A fault a scenario injects into the elements' answers (only elements that support it: the embedded ones). */
export type FaultAction = { readonly kind: 'error'; readonly error: ProtocolError } | { readonly kind: 'no-answer' } | { readonly kind: 'delay'; readonly ms: number };

export interface FaultControl {
  add(procedures: readonly Procedure[], action: FaultAction, options?: { count?: number; percent?: number }): void;
  clear(): void;
  /** Requests for these procedures the elements received, faulted or not. */
  receivedCount(procedures: readonly Procedure[]): number;
}

/** What a simulation hands an implementation when it builds the elements for one simulation. */
export interface ElementBuildOptions {
  readonly config: RoamingConfig;
  readonly seed: number;
  readonly clock: Clock;
  readonly bus: EventBus;
  readonly scenario?: string;
  /** The subscribers' store (SIM side and, for the embedded elements, the HLR/HSS records and AuC). */
  readonly store: SubscriberStore;
  readonly subscribers: SubscriberDirectory;
  /** Roaming agreements as this simulation has them (config, overridden by the scenario). */
  readonly agreements: AgreementBook;
  /** The simulation's signalling link: what the elements' own requests (VLR → HLR, HLR → VLR) go through. */
  readonly link: Link;
}

/** One simulation's elements from one implementation. */
export interface ElementNetwork {
  home(plmn: string): HomeElement;
  visited(plmn: string): VisitedElement;
  /** The signalling face: how requests reach these elements in this mode (direct, intercept, live, …). */
  transport(mode: TransportMode): Transport;
  /** Fault injection, when the implementation supports it. */
  readonly faults?: FaultControl;
  close?(): void | Promise<void>;
}

/**
 * An implementation of the elements: the embedded mocks, or a real HLR/HSS. The composition root asks the
 * provider configured for a PLMN (`networks[].elements` in the config, `embedded` by default) for that PLMN's
 * elements and routes that PLMN's signalling to the provider's transport.
 */
export interface ElementProvider {
  /** The name the config uses for it (`embedded`). */
  readonly name: string;
  /** Transport modes it can serve; the composition root refuses the others with a message naming them. */
  readonly modes: readonly TransportMode[];
  build(options: ElementBuildOptions): ElementNetwork;
  /** Serving the elements as live HTTP servers, when the implementation can. */
  readonly serving?: ElementServing;
  /** Ends what the provider started for the run (servers, connection pools). */
  close?(): void | Promise<void>;
}

/** The providers an entry point makes available, by name (bin/roamsim.js and support/ pass `embedded`). */
export type ElementProviders = Readonly<Record<string, ElementProvider>> & { readonly embedded: ElementProvider };

/**
 * Where threads find the element implementations: a module (absolute path) exporting
 * `elementProviders(): ElementProviders`. A load run's worker threads build their own providers from it
 * (objects do not cross threads); entry points name mocks/embedded.ts.
 */
export interface ElementSource {
  readonly module: string;
}

/** The signalling a served element originated on its own thread since the last `take()`. */
export interface ServedCounts {
  readonly exchanges: number;
  readonly retries: number;
  readonly metrics?: MetricBatchData;
}

/** Elements served over HTTP on 127.0.0.1 for an in-process live load run. */
export interface ServedElements {
  readonly urls: Readonly<Record<ElementKind, string>>;
  /** An element served on a thread of its own: its counts, and whether it should poll without sleeping. */
  readonly thread?: { take(): Promise<ServedCounts>; busy(on: boolean): void };
  close(): Promise<void>;
}

/** An implementation that can serve its elements as live HTTP servers (the embedded one can). */
export interface ElementServing {
  serveForLoad(options: {
    readonly config: RoamingConfig;
    readonly seed: number;
    readonly maxSockets: number;
    readonly metrics: boolean;
    /** The network whose store and state answer the home element's requests (the run's, or a warm-up's). */
    readonly networkFor: () => ElementNetwork | undefined;
  }): Promise<ServedElements>;
}
