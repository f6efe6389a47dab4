import { createHmac } from 'node:crypto';
import type { NodeRef } from '../roaming/events';
import type { Rat } from '../protocol/rat';
import { computeOpc } from '../protocol/milenage';
import type { KeyMaterial, SubscriberGenerator, SubscriberIdentity } from './generator';

/** Where the HLR/HSS believes the subscriber is served. */
export interface Location {
  readonly node: NodeRef;
  readonly rat: Rat;
  readonly since: number;
}

/** The home network's view of one subscriber (HLR/HSS and AuC data, without keys). */
export interface HlrRecord {
  readonly identity: SubscriberIdentity;
  /** 48-bit SQN as a JS number (exact below 2^53); SEQ steps by 32 because IND is 5 bits (TS 33.102 C.3.2). */
  sqn: number;
  barred: boolean;
  /** The latest registration: the node the home element reports as serving. */
  location?: Location;
  /**
   * The registration in the other domain, kept while the latest one is in this one: CS (VLR) and EPS (MME)
   * registrations are independent (TS 23.401 §5.3.2.1, TS 23.272 for the combined case), so a VLR
   * registration leaves the MME's in place and the other way round.
   */
  parallel?: Location;
}

/** The USIM in the synthetic handset. */
export interface SimCard {
  readonly identity: SubscriberIdentity;
  /** Highest SQN accepted so far. */
  sqnMs: number;
  /** The SIM holds another key than the HLR/HSS (a wrong-key scenario). */
  foreignKey: boolean;
}

export const SQN_STEP = 32;

/**
 * How far a USIM that "has seen a higher SQN" is put ahead of its home AuC: 1000 SEQ steps, more vectors
 * than any scenario draws (as a USIM last used with vectors from another AuC or a restored AuC database).
 */
export const SQN_AHEAD = 1000 * SQN_STEP;

/**
 * The USIM's SQN_MS moved ahead of the home AuC's SQN_HE: the next AUTN is not fresh to the USIM, which
 * answers with a synch failure and AUTS (TS 33.102 §6.3.3), and the network resynchronises (§6.3.5). The USIM
 * is roamsim's own in every mode; an AuC without a record here (a real HLR) starts its SQN low per subscriber.
 */
export function putUsimAhead(store: SubscriberStore, imsi: string): void {
  const sim = store.sim(imsi);
  if (!sim) throw new Error('no SIM for this subscriber, so its sequence number cannot be put ahead of the HLR/HSS');
  sim.sqnMs = Math.max(sim.sqnMs, store.record(imsi)?.sqn ?? 0) + SQN_AHEAD;
}

/**
 * What the elements, the UE and the steps need of a subscriber store. Two implementations: MapSubscriberStore
 * below (a scenario's few subscribers as plain objects) and CompactSubscriberStore (compact-store.ts: millions
 * of subscribers in typed arrays, for load runs).
 */
export interface SubscriberStore {
  add(identity: SubscriberIdentity): { record: HlrRecord; sim: SimCard };
  record(imsi: string): HlrRecord | undefined;
  sim(imsi: string): SimCard | undefined;
  /** The HLR/HSS forgets the subscriber; the SIM stays in the handset. */
  forget(imsi: string): void;
  readonly size: number;
  /** Key material for the AuC of the subscriber's home network. */
  aucKeys(imsi: string): KeyMaterial;
  /** Key material in the SIM: a foreign-key SIM holds a Ki derived under another label. */
  simKeys(imsi: string): KeyMaterial;
}

/** The key a foreign-key SIM holds instead of the subscriber's own (a wrong-key scenario). */
export function foreignSimKeys(keys: KeyMaterial): KeyMaterial {
  const ki = createHmac('sha256', keys.ki).update('foreign-sim').digest().subarray(0, 16);
  return { ki, opc: computeOpc(ki, keys.opc) };
}

/**
 * One scenario's subscribers, both sides of the radio link. Keys are never stored: they are derived from the
 * seed and the `.env` secret on demand, and only this module hands them out (to the AuC and to the SIM).
 */
export class MapSubscriberStore implements SubscriberStore {
  private readonly records = new Map<string, HlrRecord>();
  private readonly sims = new Map<string, SimCard>();

  constructor(private readonly generatorFor: (homePlmn: string) => SubscriberGenerator) {}

  add(identity: SubscriberIdentity): { record: HlrRecord; sim: SimCard } {
    const record: HlrRecord = { identity, sqn: 0, barred: false };
    const sim: SimCard = { identity, sqnMs: 0, foreignKey: false };
    this.records.set(identity.imsi, record);
    this.sims.set(identity.imsi, sim);
    return { record, sim };
  }

  record(imsi: string): HlrRecord | undefined {
    return this.records.get(imsi);
  }

  /** Every HLR/HSS record (inspection: the standalone mocks' metrics count location records per home PLMN). */
  hlrRecords(): IterableIterator<HlrRecord> {
    return this.records.values();
  }

  sim(imsi: string): SimCard | undefined {
    return this.sims.get(imsi);
  }

  /** The HLR/HSS forgets the subscriber; the SIM stays in the handset. */
  forget(imsi: string): void {
    this.records.delete(imsi);
  }

  get size(): number {
    return this.records.size;
  }

  /** Key material for the AuC of the subscriber's home network. */
  aucKeys(imsi: string): KeyMaterial {
    const record = this.records.get(imsi);
    if (!record) throw new Error(`no HLR/HSS record for this subscriber`);
    return this.generatorFor(record.identity.homePlmn).keys(imsi);
  }

  /** Key material in the SIM: a foreign-key SIM holds a Ki derived under another label. */
  simKeys(imsi: string): KeyMaterial {
    const sim = this.sims.get(imsi);
    if (!sim) throw new Error(`no SIM for this subscriber`);
    const keys = this.generatorFor(sim.identity.homePlmn).keys(imsi);
    return sim.foreignKey ? foreignSimKeys(keys) : keys;
  }
}
