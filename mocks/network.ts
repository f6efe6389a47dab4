import type { RoamingConfig } from '../src/config/load';
import type { ElementNetwork, HomeElement, VisitedElement } from '../src/elements/seam';
import { formatPlmn, parsePlmn } from '../src/protocol/plmn';
import { AgreementBook } from '../src/roaming/agreements';
import type { Clock } from '../src/roaming/clock';
import type { EventBus } from '../src/roaming/events';
import { Link } from '../src/roaming/link';
import { type CallMeta, NoAnswer, type Route, type Transport, type TransportMode, type TransportReply } from '../src/roaming/transport';
import { SubscriberDirectory } from '../src/simulation/subscribers';
import type { SubscriberGenerator } from '../src/subscribers/generator';
import { SeededRandom, hash32 } from '../src/subscribers/random';
import { MapSubscriberStore, type SubscriberStore } from '../src/subscribers/store';
import { EmbeddedHome, EmbeddedVisited } from './elements';
import { type Answer, ElementContext } from './context';
import { FaultBook } from './faults';
import { HlrHss } from './hlr-hss/element';
import { OPERATIONS } from './routes';
import { BodyProblem } from './validate';
import { VlrMme } from './vlr-mme/element';

export interface NetworkOptions {
  readonly config: RoamingConfig;
  readonly seed: number;
  readonly clock: Clock;
  readonly bus: EventBus;
  readonly scenario?: string;
  /** Builds the transport the elements and the UE use; `direct` when absent (the network itself). */
  readonly transport?: (network: MockNetwork) => Transport;
  /** Builds the subscriber store; a MapSubscriberStore when absent (load runs pass a compact one). */
  readonly store?: (generatorFor: (homePlmn: string) => SubscriberGenerator) => SubscriberStore;
  /**
   * At most this many HLR/HSS and this many VLR/MME elements (one per PLMN) are created on demand; a request
   * for a PLMN beyond it is refused with 404 naming the limit (the standalone mocks: `--max-plmns`). Unbounded
   * when absent: a scenario or load run only reaches the PLMNs its config names.
   */
  readonly maxElements?: number;
  /**
   * What the simulation root built and shares with every element implementation (src/simulation/root.ts):
   * the network then uses these instead of building its own (a standalone network builds them).
   */
  readonly shared?: { readonly store: SubscriberStore; readonly subscribers: SubscriberDirectory; readonly agreements: AgreementBook; readonly link: Link };
  /** The transport for a mode other than `direct` (the embedded provider's intercept server and live suite). */
  readonly transportFor?: (mode: TransportMode, network: MockNetwork) => Transport;
  /** Called when the simulation closes (the live suite stops routing the scenario's requests here). */
  readonly onClose?: (network: MockNetwork) => void | Promise<void>;
}

/** What an HTTP layer sends back for a dispatched request. */
export type Dispatched =
  | { readonly status: 200; readonly body: Answer }
  | { readonly status: 400 | 404; readonly problem: { type: string; title: string; status: number; detail: string; field?: string } }
  | { readonly status: 'no-answer' };

/**
 * One simulation's embedded elements: the HLR/HSS of every home PLMN and the VLR/MME of every visited PLMN
 * (created on demand) with their fault rules, over the simulation's store, agreements and link. It is the
 * embedded implementation of the element seam (ElementNetwork) and its `direct` transport: requests go
 * straight to the element methods, no HTTP.
 */
export class MockNetwork implements Transport, ElementNetwork {
  readonly mode = 'direct' as const;
  readonly store: SubscriberStore;
  readonly agreements: AgreementBook;
  readonly faults: FaultBook;
  readonly link: Link;
  readonly random: SeededRandom;
  readonly config: RoamingConfig;
  readonly subscribers: SubscriberDirectory;
  private readonly hlrs = new Map<string, HlrHss>();
  private readonly vlrs = new Map<string, VlrMme>();
  private readonly homes = new Map<string, EmbeddedHome>();
  private readonly visitors = new Map<string, EmbeddedVisited>();
  private readonly validPlmns = new Set<string>();

  constructor(readonly options: NetworkOptions) {
    this.config = options.config;
    this.random = new SeededRandom(options.seed, hash32(`network|${options.scenario ?? ''}`));
    this.faults = new FaultBook(new SeededRandom(options.seed, hash32(`faults|${options.scenario ?? ''}`)));
    const { shared } = options;
    if (shared) {
      this.subscribers = shared.subscribers;
      this.store = shared.store;
      this.agreements = shared.agreements;
      this.link = shared.link;
      return;
    }
    this.subscribers = new SubscriberDirectory(options.config, options.seed);
    const generatorFor = (plmn: string) => this.subscribers.generator(plmn);
    this.store = options.store ? options.store(generatorFor) : new MapSubscriberStore(generatorFor);
    this.agreements = new AgreementBook(options.config.agreements);
    this.link = new Link({
      bus: options.bus,
      clock: options.clock,
      transport: options.transport ? options.transport(this) : this,
      retry: options.config.retry,
      random: new SeededRandom(options.seed, hash32(`retry|${options.scenario ?? ''}`)),
      linkLatencyMs: options.config.simulation.linkLatencyMs,
      latencyJitter: options.config.simulation.latencyJitter,
      ...(options.scenario === undefined ? {} : { scenario: options.scenario }),
    });
  }

  get clock(): Clock {
    return this.options.clock;
  }

  generator(homePlmn: string): SubscriberGenerator {
    return this.subscribers.generator(homePlmn);
  }

  profileAllowsRoaming(profile: string): boolean {
    return this.subscribers.profileAllowsRoaming(profile);
  }

  requireProfile(profile: string, source: string): void {
    this.subscribers.requireProfile(profile, source);
  }

  /** The seam's provisioning and inspection faces of the PLMN's HLR/HSS. */
  home(plmn: string): HomeElement {
    let home = this.homes.get(plmn);
    if (!home) this.homes.set(plmn, (home = new EmbeddedHome(plmn, this)));
    return home;
  }

  /** The seam's inspection face of the PLMN's VLR/MME. */
  visited(plmn: string): VisitedElement {
    let visited = this.visitors.get(plmn);
    if (!visited) this.visitors.set(plmn, (visited = new EmbeddedVisited(plmn, this)));
    return visited;
  }

  close(): void | Promise<void> {
    return this.options.onClose?.(this);
  }

  /** The seam's signalling face: itself for `direct`, the provider's intercept or live transport otherwise. */
  transport(mode: TransportMode): Transport {
    if (mode === 'direct') return this;
    if (!this.options.transportFor) throw new Error(`the embedded elements were built without a ${mode} transport`);
    return this.options.transportFor(mode, this);
  }

  /** The VLR/MMEs created so far (inspection: element metrics read their records). */
  visitedElements(): IterableIterator<VlrMme> {
    return this.vlrs.values();
  }

  hlrHss(plmn: string): HlrHss {
    let element = this.hlrs.get(plmn);
    if (!element) this.hlrs.set(plmn, (element = new HlrHss(plmn, this)));
    return element;
  }

  vlrMme(plmn: string): VlrMme {
    let element = this.vlrs.get(plmn);
    if (!element) this.vlrs.set(plmn, (element = new VlrMme(plmn, this)));
    return element;
  }

  async send(route: Route, body: unknown, meta: CallMeta): Promise<TransportReply> {
    const dispatched = await this.dispatch(route, body, meta);
    if (dispatched.status === 'no-answer') return { kind: 'no-answer' };
    if (dispatched.status !== 200) throw new Error(`${route.element} ${route.operation}: ${dispatched.problem.detail}`);
    return { kind: 'answer', body: dispatched.body };
  }

  /** The one entry point of every transport: validation, fault rules, processing time, the element. */
  async dispatch(route: Route, body: unknown, meta: CallMeta, signal?: AbortSignal): Promise<Dispatched> {
    const operation = OPERATIONS[route.element]?.[route.operation];
    if (!operation) return problem(404, 'no such operation', `${route.element} has no operation ${route.operation}`);
    if (!this.validPlmns.has(route.plmn)) {
      try {
        formatPlmn(parsePlmn(route.plmn));
      } catch {
        return problem(404, 'no such network element', `${JSON.stringify(route.plmn)} is not a PLMN as MCC-MNC`);
      }
      // Load runs dispatch millions of requests to a handful of PLMNs: check each text once.
      if (this.validPlmns.size < 4096) this.validPlmns.add(route.plmn);
    }
    const max = this.options.maxElements;
    if (max !== undefined) {
      const elements = route.element === 'hlr-hss' ? this.hlrs : this.vlrs;
      if (!elements.has(route.plmn) && elements.size >= max) {
        return problem(404, 'no such network element', `${route.plmn}: these mocks already serve ${max} ${route.element === 'hlr-hss' ? 'HLR/HSS' : 'VLR/MME'} elements (the limit, --max-plmns); no new PLMN is created`);
      }
    }
    const ctx = new ElementContext(this.clock, meta.deadline, meta.transactionId, signal);
    try {
      if (operation.protocol) {
        const fault = this.faults.decide(operation.procedure, operation.protocol);
        if (fault?.kind === 'no-answer') await ctx.noAnswer();
        if (fault?.kind === 'delay') await ctx.delay(fault.ms);
        if (fault?.kind === 'error') return { status: 200, body: { error: fault.error } };
      }
      this.clock.elapse(this.config.simulation.processingMs);
      return { status: 200, body: await operation.handle(this, route.plmn, body, ctx) };
    } catch (error) {
      if (error instanceof NoAnswer) return { status: 'no-answer' };
      if (error instanceof BodyProblem) return problem(400, 'malformed request body', error.message, error.field);
      throw error;
    }
  }
}

function problem(status: 400 | 404, title: string, detail: string, field?: string): Dispatched {
  return { status, problem: { type: 'about:blank', title, status, detail, ...(field === undefined ? {} : { field }) } };
}
