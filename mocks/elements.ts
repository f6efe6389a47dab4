import type { HomeElement, HomeLocation, HomeProvisioning, HomeInspection, ProvisionedSubscriber, VisitedElement, VisitedInspection, VisitorView } from '../src/elements/seam';
import type { MockNetwork } from './network';

/**
 * The embedded HLR/HSS's provisioning and inspection faces. Its records live in the simulation's subscriber
 * store (the same store the SIMs come from), so both faces read and write that store; answers are read from
 * the element's own data (`source: 'element'`).
 */
export class EmbeddedHome implements HomeElement, HomeProvisioning, HomeInspection {
  readonly provisioning: HomeProvisioning = this;
  readonly inspection: HomeInspection = this;

  constructor(
    readonly plmn: string,
    private readonly network: MockNetwork,
  ) {}

  /** The store derives the keys from the seed and the secret itself: the ones given are the same ones. */
  async createSubscriber(subscriber: ProvisionedSubscriber): Promise<void> {
    if (!this.network.store.record(subscriber.identity.imsi)) this.network.store.add(subscriber.identity);
  }

  async bar(imsi: string, barred: boolean): Promise<void> {
    const record = this.network.store.record(imsi);
    if (!record) throw new Error(`the subscriber is unknown to the home network of ${this.plmn}, so it cannot be barred`);
    record.barred = barred;
  }

  async forget(imsi: string): Promise<void> {
    this.network.store.forget(imsi);
  }

  /**
   * The store keeps one key per subscriber and lets the SIM hold a derived "foreign" one; the mismatch is the
   * same whichever side holds the other key, and the AuC's vectors stay those of the subscriber's own key.
   */
  async changeKey(imsi: string): Promise<void> {
    const sim = this.network.store.sim(imsi);
    if (!sim) throw new Error(`no SIM for this subscriber, so the home network of ${this.plmn} cannot hold another key than it`);
    sim.foreignKey = true;
  }

  async locate(imsi: string): Promise<HomeLocation> {
    const record = this.network.store.record(imsi);
    if (!record) return { known: false, source: 'element' };
    const location = record.location;
    return {
      known: true,
      source: 'element',
      barred: record.barred,
      ...(location ? { serving: { kind: location.node.kind, plmn: location.node.plmn, rat: location.rat, ...(location.node.address ? { address: location.node.address } : {}) } } : {}),
    };
  }
}

/** The embedded VLR/MME's inspection face: its own visitor records. */
export class EmbeddedVisited implements VisitedElement, VisitedInspection {
  readonly inspection: VisitedInspection = this;

  constructor(
    readonly plmn: string,
    private readonly network: MockNetwork,
  ) {}

  async visitor(imsi: string): Promise<VisitorView> {
    const record = this.network.vlrMme(this.plmn).record(imsi);
    return record ? { held: true, source: 'element', node: { kind: record.node.kind, plmn: record.node.plmn }, rat: record.rat } : { held: false, source: 'element' };
  }
}
