import type { RoamingConfig } from '../config/load';
import type { ElementNetwork, ElementProvider, ElementProviders, FaultControl, HomeElement, VisitedElement } from '../elements/seam';
import { ConfigError } from '../errors';
import { AgreementBook } from '../roaming/agreements';
import type { Clock } from '../roaming/clock';
import { RoamingEngine } from '../roaming/engine';
import { EventBus } from '../roaming/events';
import { Link } from '../roaming/link';
import type { CallMeta, Route, Transport, TransportMode, TransportReply } from '../roaming/transport';
import type { SubscriberGenerator, SubscriberIdentity } from '../subscribers/generator';
import { SeededRandom, hash32 } from '../subscribers/random';
import { MapSubscriberStore, type SubscriberStore } from '../subscribers/store';
import { SubscriberDirectory } from './subscribers';

/** A sink subscribes to the bus when the simulation is built; what it returns is called on close. */
export type SinkAttach = (bus: EventBus) => (() => void) | void;

export interface SimulationOptions {
  readonly config: RoamingConfig;
  readonly mode: TransportMode;
  readonly clock: Clock;
  readonly seed: number;
  readonly scenario?: string;
  /** The element implementations the entry point offers, by the name `networks[].elements` uses. */
  readonly elements: ElementProviders;
  /** Sinks wanted on the bus, subscribed in this order before any event flows. */
  readonly sinks?: readonly SinkAttach[];
  /** A sink that throws: the event still reaches the others (the bus counts it). */
  readonly onSinkError?: (error: unknown) => void;
  /** The bus to use (a load run's element thread numbers its own transactions); a new one otherwise. */
  readonly bus?: EventBus;
  /** The subscriber store; a MapSubscriberStore when absent (load runs pass a compact one). */
  readonly store?: (generatorFor: (homePlmn: string) => SubscriberGenerator) => SubscriberStore;
  /** Replaces the providers' transports for every PLMN (load runs share one pooled live client). */
  readonly transport?: Transport;
}

/**
 * One simulation, assembled in one place: bus and sinks, subscriber store and directory, agreements, the
 * signalling link, the elements of every PLMN from the implementation the config names for it, and the
 * engine. The World, `roamsim roam` and load runs all build theirs here.
 */
export class Simulation {
  readonly config: RoamingConfig;
  readonly mode: TransportMode;
  readonly clock: Clock;
  readonly seed: number;
  readonly scenario: string | undefined;
  readonly bus: EventBus;
  readonly subscribers: SubscriberDirectory;
  readonly store: SubscriberStore;
  readonly agreements: AgreementBook;
  readonly link: Link;
  readonly engine: RoamingEngine;
  private readonly networks = new Map<ElementProvider, ElementNetwork>();
  private readonly detach: Array<() => void> = [];

  constructor(private readonly options: SimulationOptions) {
    const { config, clock, seed, scenario } = options;
    this.config = config;
    this.mode = options.mode;
    this.clock = clock;
    this.seed = seed;
    this.scenario = scenario;
    for (const network of config.networks) this.providerFor(network.plmn);
    this.bus = options.bus ?? new EventBus(options.onSinkError);
    for (const attach of options.sinks ?? []) {
      const off = attach(this.bus);
      if (off) this.detach.push(off);
    }
    this.subscribers = new SubscriberDirectory(config, seed);
    const generatorFor = (plmn: string) => this.subscribers.generator(plmn);
    this.store = options.store ? options.store(generatorFor) : new MapSubscriberStore(generatorFor);
    this.agreements = new AgreementBook(config.agreements);
    const router = new ElementRouter(this);
    this.link = new Link({
      bus: this.bus,
      clock,
      transport: router,
      retry: config.retry,
      random: new SeededRandom(seed, hash32(`retry|${scenario ?? ''}`)),
      linkLatencyMs: config.simulation.linkLatencyMs,
      latencyJitter: config.simulation.latencyJitter,
      ...(scenario === undefined ? {} : { scenario }),
    });
    // One implementation for every PLMN (the usual case): its transport directly, no routing on the way.
    const providers = new Set(config.networks.map((network) => this.providerFor(network.plmn)));
    providers.add(options.elements.embedded);
    if (options.transport) this.link.useTransport(options.transport);
    else if (providers.size === 1) this.link.useTransport(this.networkOf(options.elements.embedded).transport(this.mode));
    this.engine = new RoamingEngine({ link: this.link, store: this.store, bus: this.bus, clock, ...(scenario === undefined ? {} : { scenario }) });
  }

  /** The PLMN's HLR/HSS: provisioning and inspection faces. */
  home(plmn: string): HomeElement {
    return this.networkFor(plmn).home(plmn);
  }

  /** The PLMN's VLR/MME: inspection face. */
  visited(plmn: string): VisitedElement {
    return this.networkFor(plmn).visited(plmn);
  }

  /** The elements of the PLMN, built on first use by the implementation the config names for it. */
  networkFor(plmn: string): ElementNetwork {
    return this.networkOf(this.providerFor(plmn));
  }

  /** Fault injection into the PLMN's elements; an implementation without it is refused with its name. */
  faults(plmn?: string): FaultControl {
    const provider = plmn === undefined ? this.options.elements.embedded : this.providerFor(plmn);
    const faults = this.networkOf(provider).faults;
    if (!faults) throw new Error(`the ${provider.name} elements${plmn ? ` of ${plmn}` : ''} take no injected faults: only the embedded elements do`);
    return faults;
  }

  /** A new subscriber: its SIM in the store, provisioned at its home element with its keys. */
  async addSubscriber(identity: SubscriberIdentity): Promise<void> {
    this.store.add(identity);
    const keys = this.subscribers.generator(identity.homePlmn).keys(identity.imsi);
    await this.home(identity.homePlmn).provisioning.createSubscriber({ identity, keys });
  }

  async close(): Promise<void> {
    this.engine.stop();
    for (const network of this.networks.values()) await network.close?.();
    for (const off of this.detach.splice(0)) off();
  }

  /** @internal the router's lookup: the transport that reaches the PLMN's elements. */
  transportFor(plmn: string): Transport {
    return this.networkFor(plmn).transport(this.mode);
  }

  private providerFor(plmn: string): ElementProvider {
    const configured = this.config.networks.find((network) => network.plmn === plmn)?.elements ?? 'embedded';
    const provider = this.options.elements[configured];
    if (!provider) {
      const index = this.config.networks.findIndex((network) => network.plmn === plmn);
      throw new ConfigError(this.config.file, `networks[${index}].elements`, `"${configured}" is not an element implementation this run offers: ${Object.keys(this.options.elements).join(', ')}`);
    }
    if (!provider.modes.includes(this.mode)) {
      throw new ConfigError(this.config.file, `networks (${plmn})`, `the ${provider.name} elements do not run in ${this.mode} mode: use one of ${provider.modes.join(', ')}`);
    }
    return provider;
  }

  private networkOf(provider: ElementProvider): ElementNetwork {
    let network = this.networks.get(provider);
    if (!network) {
      network = provider.build({
        config: this.config,
        seed: this.seed,
        clock: this.clock,
        bus: this.bus,
        ...(this.scenario === undefined ? {} : { scenario: this.scenario }),
        store: this.store,
        subscribers: this.subscribers,
        agreements: this.agreements,
        link: this.link,
      });
      this.networks.set(provider, network);
    }
    return network;
  }
}

/** Sends each request to the transport of the implementation serving the route's PLMN. */
class ElementRouter implements Transport {
  readonly mode: TransportMode;
  private readonly transports = new Map<string, Transport>();

  constructor(private readonly simulation: Simulation) {
    this.mode = simulation.mode;
  }

  send(route: Route, body: unknown, meta: CallMeta): Promise<TransportReply> {
    let transport = this.transports.get(route.plmn);
    if (!transport) this.transports.set(route.plmn, (transport = this.simulation.transportFor(route.plmn)));
    return transport.send(route, body, meta);
  }
}

/** Builds a simulation (see Simulation). */
export function buildSimulation(options: SimulationOptions): Simulation {
  return new Simulation(options);
}
