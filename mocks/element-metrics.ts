import { Counter, Gauge, type Registry } from 'prom-client';
import type { EventBus, SignallingEvent } from '../src/roaming/events';
import { MapSubscriberStore } from '../src/subscribers/store';
import type { MockNetwork } from './network';

/** Procedures an element sends on its own, by what an SRE calls them. */
const SENT: Readonly<Record<string, 'cancel' | 'purge' | 'location-update'>> = {
  CancelLocation: 'cancel',
  'Cancel-Location': 'cancel',
  PurgeMS: 'purge',
  'Purge-UE': 'purge',
  UpdateLocation: 'location-update',
  'Update-Location': 'location-update',
};

/**
 * What an SRE watches on an HLR and a VLR, for the standalone mocks: records held (read from the elements at
 * scrape time, so the gauge is the elements' own state, never a tally that can drift), cancels and purges
 * sent and location updates served (from the signalling events the elements emit on the bus). An observer:
 * no element method knows about it.
 */
export class ElementMetrics {
  private readonly cancels: Counter<'home_plmn' | 'visited_plmn' | 'protocol' | 'result'>;
  private readonly purges: Counter<'home_plmn' | 'visited_plmn' | 'protocol' | 'result'>;
  private readonly locationUpdates: Counter<'home_plmn' | 'visited_plmn' | 'protocol' | 'result'>;

  constructor(network: MockNetwork, registry: Registry) {
    const registers = [registry];
    new Gauge({
      name: 'roamsim_mock_visitor_records',
      help: 'Visitor records held by each VLR and MME of the mocks, by visited network and node (VLR or MME).',
      labelNames: ['visited_plmn', 'node'],
      registers,
      collect() {
        this.reset();
        for (const element of network.visitedElements()) {
          const held = { VLR: 0, MME: 0 };
          for (const record of element.visitorRecords()) held[record.node.kind === 'MME' ? 'MME' : 'VLR']++;
          this.set({ visited_plmn: element.plmn, node: 'VLR' }, held.VLR);
          this.set({ visited_plmn: element.plmn, node: 'MME' }, held.MME);
        }
      },
    });
    new Gauge({
      name: 'roamsim_mock_location_records',
      help: 'Subscribers each HLR/HSS of the mocks locates in a serving VLR or MME, by home network and node.',
      labelNames: ['home_plmn', 'node'],
      registers,
      collect() {
        this.reset();
        const store = network.store;
        if (!(store instanceof MapSubscriberStore)) return;
        const counts = new Map<string, { VLR: number; MME: number }>();
        for (const record of store.hlrRecords()) {
          const home = record.identity.homePlmn;
          let held = counts.get(home);
          if (!held) counts.set(home, (held = { VLR: 0, MME: 0 }));
          // CS and EPS registrations are kept apart: a subscriber may be located in a VLR and an MME at once.
          for (const registration of [record.location, record.parallel]) if (registration) held[registration.node.kind === 'MME' ? 'MME' : 'VLR']++;
        }
        for (const [home, held] of counts) {
          this.set({ home_plmn: home, node: 'VLR' }, held.VLR);
          this.set({ home_plmn: home, node: 'MME' }, held.MME);
        }
      },
    });
    new Gauge({
      name: 'roamsim_mock_subscribers_provisioned',
      help: 'Subscribers provisioned in the mocks (HLR/HSS records, with or without a location).',
      registers,
      collect() {
        this.set(network.store.size);
      },
    });
    const labelNames = ['home_plmn', 'visited_plmn', 'protocol', 'result'] as const;
    this.cancels = new Counter({ name: 'roamsim_mock_cancels_sent_total', help: 'Cancel Location requests the HLR/HSS sent to a previous VLR or MME.', labelNames, registers });
    this.purges = new Counter({ name: 'roamsim_mock_purges_sent_total', help: 'Purge MS / Purge UE requests a VLR or MME sent to the home HLR/HSS.', labelNames, registers });
    this.locationUpdates = new Counter({
      name: 'roamsim_mock_location_updates_total',
      help: 'Location updates (MAP UpdateLocation, S6a ULR) the VLR/MME relayed to the HLR/HSS, by result.',
      labelNames,
      registers,
    });
  }

  attach(bus: EventBus): () => void {
    return bus.onSignalling((event) => this.signalling(event));
  }

  signalling(event: SignallingEvent): void {
    const kind = SENT[event.procedure];
    if (!kind) return;
    const labels = {
      home_plmn: event.homePlmn,
      visited_plmn: event.visitedPlmn,
      protocol: event.protocol,
      result: event.outcome.status === 'ok' ? 'ok' : event.outcome.error.name,
    };
    (kind === 'cancel' ? this.cancels : kind === 'purge' ? this.purges : this.locationUpdates).inc(labels);
  }
}

/** The mocks' HTTP answers by element, bounded route label and status (`roamsim mocks` counts every request). */
export function mockRequestCounter(registry: Registry): Counter<'element' | 'route' | 'status'> {
  return new Counter({
    name: 'roamsim_mock_requests_total',
    help: 'HTTP requests the live mocks answered, by element, route and status.',
    labelNames: ['element', 'route', 'status'],
    registers: [registry],
  });
}
