import type { EventBus, NodeKind, SignallingEvent } from '../roaming/events';
import type { Rat } from '../protocol/rat';
import type { HomeLocation, VisitorView } from './seam';

interface Seen {
  /** Where the home element last accepted a registration from, until a cancel or purge it answered. */
  home?: { kind: NodeKind; plmn: string; rat: Rat; purged: boolean; address?: string };
  known: boolean;
  /** Visited PLMN → the node that holds a visitor record, by what it was seen to answer. */
  readonly visitors: Map<string, { kind: NodeKind; rat: Rat }>;
}

/**
 * Inspection for elements that cannot be asked (a real HLR without a read-back, a VLR/MME on the far side of a
 * wire): what they hold, inferred from the signalling they were seen to send and receive on the bus. A
 * successful UpdateLocation / Update-Location puts the subscriber at the sender; a CancelLocation or a purge
 * the element answered takes it away; an `unknownSubscriber` answer says the home element does not know it.
 * Answers carry `source: 'signalling'`, and the Then steps say so when they fail.
 */
export class SignallingWitness {
  private readonly seen = new Map<string, Seen>();
  readonly close: () => void;

  constructor(bus: EventBus) {
    this.close = bus.onSignalling((event) => this.observe(event));
  }

  locate(imsi: string): HomeLocation {
    const seen = this.seen.get(imsi);
    if (!seen?.known) return { known: false, source: 'signalling' };
    const home = seen.home;
    if (!home) return { known: true, source: 'signalling' };
    if (home.purged) return { known: true, source: 'signalling', purged: true };
    return { known: true, source: 'signalling', serving: { kind: home.kind, plmn: home.plmn, rat: home.rat, ...(home.address ? { address: home.address } : {}) } };
  }

  visitor(imsi: string, plmn: string): VisitorView {
    const held = this.seen.get(imsi)?.visitors.get(plmn);
    return held ? { held: true, source: 'signalling', node: { kind: held.kind, plmn }, rat: held.rat } : { held: false, source: 'signalling' };
  }

  private observe(event: SignallingEvent): void {
    const imsi = event.subscriber.imsi;
    let seen = this.seen.get(imsi);
    if (!seen) this.seen.set(imsi, (seen = { known: false, visitors: new Map() }));
    const ok = event.outcome.status === 'ok';
    if (!ok && event.outcome.status === 'error' && event.outcome.error.name === 'unknownSubscriber') seen.known = false;
    if (!ok) return;
    switch (event.procedure) {
      case 'SendAuthenticationInfo':
      case 'Authentication-Information':
        seen.known = true;
        break;
      case 'UpdateLocation':
      case 'Update-Location':
        seen.known = true;
        seen.home = { kind: event.from.kind, plmn: event.from.plmn, rat: event.rat, purged: false, ...(event.from.address ? { address: event.from.address } : {}) };
        seen.visitors.set(event.from.plmn, { kind: event.from.kind, rat: event.rat });
        break;
      case 'CancelLocation':
      case 'Cancel-Location':
        seen.visitors.delete(event.to.plmn);
        if (seen.home && seen.home.plmn === event.to.plmn) seen.home = undefined;
        break;
      case 'PurgeMS':
      case 'Purge-UE':
        if (seen.home && seen.home.plmn === event.from.plmn) seen.home = { ...seen.home, purged: true };
        seen.visitors.delete(event.from.plmn);
        break;
      case 'Detach':
        seen.visitors.delete(event.to.plmn);
        break;
      default:
    }
  }
}
