import type { Rat } from '../protocol/rat';
import type { NodeRef } from '../roaming/events';
import type { KeyMaterial, SubscriberGenerator, SubscriberIdentity } from './generator';
import { type HlrRecord, type Location, MapSubscriberStore, type SimCard, type SubscriberStore, foreignSimKeys } from './store';

/** Typed-array bytes held per provisioned subscriber: 3 × Float64 + Uint16 + 2 × Uint8. */
export const BYTES_PER_SUBSCRIBER = 8 + 8 + 8 + 2 + 1 + 1;

const HLR = 1;
const SIM = 2;
const BARRED = 4;
const FOREIGN_KEY = 8;

/** Which subscribers of one home network a block holds: generator indices first, first+step, … (count of them). */
export interface BlockSpec {
  readonly first?: number;
  /** A shard's N: the block holds every step-th subscriber (default 1, a contiguous range). */
  readonly step?: number;
  readonly count: number;
  /** One profile for all, or one per generator index (default postpaid). */
  readonly profile?: string | ((index: number) => string);
}

interface Block {
  readonly homePlmn: string;
  readonly generator: SubscriberGenerator;
  readonly decoder: IndexDecoder;
  readonly first: number;
  readonly step: number;
  readonly count: number;
  readonly sqn: Float64Array;
  readonly sqnMs: Float64Array;
  readonly since: Float64Array;
  /** 0: no location; else 1 + an id in the store's location table. */
  readonly location: Uint16Array;
  readonly flags: Uint8Array;
  readonly profile: Uint8Array;
}

/** A subscriber taken out of the arrays while it is in use: plain objects, as the elements and the UE expect. */
interface Entry {
  readonly block: Block;
  readonly slot: number;
  readonly identity: SubscriberIdentity;
  record: HlrRecord | undefined;
  readonly sim: SimCard;
  /** Derived on first use while the subscriber is materialised; never written to the arrays. */
  keys?: KeyMaterial;
}

/**
 * Millions of synthetic subscribers in typed arrays indexed by position in a block (one block per home
 * network): SQN on both sides, location as a small id into a table of serving nodes, flags and a profile id.
 * Identities are recomputed from the generator when needed (IMSI → index by inverting the generator's
 * permutation); key material is derived on demand and never written to the arrays (a subscriber in use
 * keeps its derived keys only while it is materialised).
 *
 * Subscribers in use are materialised as plain HlrRecord/SimCard objects in a two-generation cache and
 * written back to the arrays when they age out; a record stays materialised while it is touched within the
 * last `cacheSize` distinct subscribers, so `cacheSize` must stay well above the number of journeys in flight.
 */
export class CompactSubscriberStore implements SubscriberStore {
  private readonly blocks = new Map<string, Block>();
  private readonly profiles: string[] = [];
  private readonly profileIds = new Map<string, number>();
  private readonly locations: Array<{ node: NodeRef; rat: Rat }> = [];
  /**
   * The other domain's registration (HlrRecord.parallel), by `<home PLMN>|<slot>`: rare (a subscriber on a
   * VLR and an MME at once), so a sparse map rather than another array per subscriber.
   */
  private readonly parallels = new Map<string, Location>();
  private readonly locationIds = new Map<string, number>();
  private young = new Map<string, Entry>();
  private old = new Map<string, Entry>();
  private readonly cacheSize: number;
  private readonly extra: MapSubscriberStore;
  private records = 0;

  constructor(
    private readonly generatorFor: (homePlmn: string) => SubscriberGenerator,
    options: { cacheSize?: number } = {},
  ) {
    this.cacheSize = Math.max(64, options.cacheSize ?? 16_384);
    this.extra = new MapSubscriberStore(generatorFor);
  }

  /** Provisions a block of one home network's subscribers (HLR record and SIM), replacing any earlier block. */
  provision(homePlmn: string, spec: BlockSpec): void {
    const generator = this.generatorFor(homePlmn);
    const first = spec.first ?? 0;
    const step = spec.step ?? 1;
    const { count } = spec;
    if (!Number.isInteger(first) || first < 0 || !Number.isInteger(step) || step < 1 || !Number.isInteger(count) || count < 0) {
      throw new RangeError(`compact store: first ${first}, step ${step}, count ${count} must be whole numbers (step at least 1)`);
    }
    if (count > 0 && first + (count - 1) * step >= generator.capacity) {
      throw new RangeError(`compact store: ${homePlmn} holds ${generator.capacity} subscribers, the block reaches index ${first + (count - 1) * step}`);
    }
    const previous = this.blocks.get(homePlmn);
    if (previous) {
      this.flush();
      this.records -= countFlag(previous.flags, HLR);
    }
    const block: Block = {
      homePlmn,
      generator,
      decoder: new IndexDecoder(generator),
      first,
      step,
      count,
      sqn: new Float64Array(count),
      sqnMs: new Float64Array(count),
      since: new Float64Array(count),
      location: new Uint16Array(count),
      flags: new Uint8Array(count).fill(HLR | SIM),
      profile: new Uint8Array(count),
    };
    const profile = spec.profile ?? 'postpaid';
    if (typeof profile === 'string') {
      block.profile.fill(this.profileId(profile));
    } else {
      for (let slot = 0; slot < count; slot++) block.profile[slot] = this.profileId(profile(first + slot * step));
    }
    this.blocks.set(homePlmn, block);
    this.records += count;
  }

  /** Bytes of typed arrays held (the structural size: BYTES_PER_SUBSCRIBER per provisioned subscriber). */
  get byteLength(): number {
    let bytes = 0;
    for (const block of this.blocks.values()) {
      for (const array of [block.sqn, block.sqnMs, block.since, block.location, block.flags, block.profile]) bytes += array.byteLength;
    }
    return bytes;
  }

  /** Subscribers the blocks hold (provisioned, forgotten or not). */
  get capacity(): number {
    let count = 0;
    for (const block of this.blocks.values()) count += block.count;
    return count;
  }

  get size(): number {
    return this.records + this.extra.size;
  }

  /** The identity of generator index `index` of `homePlmn`, made ready for a journey (kept in the cache). */
  touch(homePlmn: string, index: number): SubscriberIdentity | undefined {
    const block = this.blocks.get(homePlmn);
    const slot = block ? slotOf(block, index) : -1;
    if (!block || slot < 0) return undefined;
    const profile = this.profiles[block.profile[slot]];
    const identity = block.generator.identity(index, profile);
    return (this.lookup(identity.imsi) ?? this.materialise(block, slot, identity)).identity;
  }

  add(identity: SubscriberIdentity): { record: HlrRecord; sim: SimCard } {
    const block = this.blocks.get(identity.homePlmn);
    const slot = block ? slotOf(block, identity.index) : -1;
    if (!block || slot < 0 || block.generator.identity(identity.index).imsi !== identity.imsi) return this.extra.add(identity);
    const cached = this.young.get(identity.imsi) ?? this.old.get(identity.imsi);
    const had = cached ? cached.record !== undefined : (block.flags[slot] & HLR) !== 0;
    this.forgetCached(identity.imsi);
    if (!had) this.records++;
    block.flags[slot] = HLR | SIM;
    block.sqn[slot] = 0;
    block.sqnMs[slot] = 0;
    block.location[slot] = 0;
    block.since[slot] = 0;
    this.parallels.delete(`${identity.homePlmn}|${slot}`);
    block.profile[slot] = this.profileId(identity.profile);
    const entry = this.materialise(block, slot, identity);
    return { record: entry.record as HlrRecord, sim: entry.sim };
  }

  record(imsi: string): HlrRecord | undefined {
    const entry = this.entry(imsi);
    return entry ? entry.record : this.extra.record(imsi);
  }

  sim(imsi: string): SimCard | undefined {
    const entry = this.entry(imsi);
    return entry ? entry.sim : this.extra.sim(imsi);
  }

  forget(imsi: string): void {
    const entry = this.entry(imsi);
    if (!entry) return this.extra.forget(imsi);
    if (entry.record) {
      entry.record = undefined;
      this.records--;
    }
  }

  aucKeys(imsi: string): KeyMaterial {
    const entry = this.entry(imsi);
    if (!entry) return this.extra.aucKeys(imsi);
    if (!entry.record) throw new Error('no HLR/HSS record for this subscriber');
    return (entry.keys ??= entry.block.generator.keys(imsi));
  }

  simKeys(imsi: string): KeyMaterial {
    const entry = this.entry(imsi);
    if (!entry) return this.extra.simKeys(imsi);
    const keys = (entry.keys ??= entry.block.generator.keys(imsi));
    return entry.sim.foreignKey ? foreignSimKeys(keys) : keys;
  }

  /** Writes every materialised subscriber back to the arrays and empties the cache. */
  flush(): void {
    for (const entry of this.old.values()) this.writeBack(entry);
    for (const entry of this.young.values()) this.writeBack(entry);
    this.old.clear();
    this.young.clear();
  }

  /** Subscribers materialised right now (at most twice the cache size). */
  get cached(): number {
    return this.young.size + this.old.size;
  }

  private entry(imsi: string): Entry | undefined {
    const hit = this.lookup(imsi);
    if (hit) return hit;
    for (const block of this.blocks.values()) {
      const index = block.decoder.indexOf(imsi);
      if (index === undefined) continue;
      const slot = slotOf(block, index);
      if (slot < 0 || !(block.flags[slot] & SIM)) continue;
      const identity = block.generator.identity(index, this.profiles[block.profile[slot]]);
      if (identity.imsi !== imsi) continue;
      return this.materialise(block, slot, identity);
    }
    return undefined;
  }

  private lookup(imsi: string): Entry | undefined {
    const young = this.young.get(imsi);
    if (young) return young;
    const old = this.old.get(imsi);
    if (old) {
      this.old.delete(imsi);
      this.insert(imsi, old);
    }
    return old;
  }

  private materialise(block: Block, slot: number, identity: SubscriberIdentity): Entry {
    const flags = block.flags[slot];
    let record: HlrRecord | undefined;
    if (flags & HLR) {
      const location = block.location[slot];
      const served = location === 0 ? undefined : this.locations[location - 1];
      record = served
        ? { identity, sqn: block.sqn[slot], barred: (flags & BARRED) !== 0, location: { node: served.node, rat: served.rat, since: block.since[slot] } }
        : { identity, sqn: block.sqn[slot], barred: (flags & BARRED) !== 0 };
      const parallel = this.parallels.get(`${block.homePlmn}|${slot}`);
      if (parallel) record.parallel = parallel;
    }
    const entry: Entry = { block, slot, identity, record, sim: { identity, sqnMs: block.sqnMs[slot], foreignKey: (flags & FOREIGN_KEY) !== 0 } };
    this.insert(identity.imsi, entry);
    return entry;
  }

  private insert(imsi: string, entry: Entry): void {
    if (this.young.size >= this.cacheSize) {
      for (const aged of this.old.values()) this.writeBack(aged);
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(imsi, entry);
  }

  private writeBack(entry: Entry): void {
    const { block, slot, record, sim } = entry;
    let flags = SIM | (sim.foreignKey ? FOREIGN_KEY : 0);
    block.sqnMs[slot] = sim.sqnMs;
    if (record) {
      flags |= HLR | (record.barred ? BARRED : 0);
      block.sqn[slot] = record.sqn;
      this.storeLocation(block, slot, record.location);
      if (record.parallel) this.parallels.set(`${block.homePlmn}|${slot}`, record.parallel);
      else this.parallels.delete(`${block.homePlmn}|${slot}`);
    } else if (block.flags[slot] & HLR) {
      // Forgotten while cached: the record's state goes with it.
      block.sqn[slot] = 0;
      block.location[slot] = 0;
      this.parallels.delete(`${block.homePlmn}|${slot}`);
    }
    block.flags[slot] = flags;
  }

  private storeLocation(block: Block, slot: number, location: Location | undefined): void {
    if (!location) {
      block.location[slot] = 0;
      return;
    }
    const key = `${location.node.kind}|${location.node.plmn}|${location.node.address ?? ''}|${location.rat}`;
    let id = this.locationIds.get(key);
    if (id === undefined) {
      if (this.locations.length >= 0xfffe) throw new RangeError('compact store: more than 65534 distinct serving nodes');
      id = this.locations.length;
      this.locations.push({ node: location.node, rat: location.rat });
      this.locationIds.set(key, id);
    }
    block.location[slot] = id + 1;
    block.since[slot] = location.since;
  }

  private profileId(profile: string): number {
    let id = this.profileIds.get(profile);
    if (id === undefined) {
      if (this.profiles.length >= 255) throw new RangeError('compact store: more than 255 distinct profiles');
      id = this.profiles.length;
      this.profiles.push(profile);
      this.profileIds.set(profile, id);
    }
    return id;
  }

  private forgetCached(imsi: string): void {
    this.young.delete(imsi);
    this.old.delete(imsi);
  }
}

function slotOf(block: Block, index: number): number {
  const offset = index - block.first;
  if (offset < 0 || offset % block.step !== 0) return -1;
  const slot = offset / block.step;
  return slot < block.count ? slot : -1;
}

function countFlag(flags: Uint8Array, flag: number): number {
  let count = 0;
  for (let i = 0; i < flags.length; i++) if (flags[i] & flag) count++;
  return count;
}

/**
 * IMSI → generator index, by inverting the generator's permutation: MSIN position = (offset + index·stride)
 * mod size, so index = (position − offset)·stride⁻¹ mod size. Offset and stride are read off identities 0
 * and 1, so nothing of the generator's internals is assumed beyond the documented permutation.
 */
export class IndexDecoder {
  private readonly prefix: string;
  private readonly msinLength: number;
  private readonly from: bigint;
  private readonly size: bigint;
  private readonly offset: bigint;
  private readonly inverse: bigint;
  private readonly capacity: number;

  constructor(generator: SubscriberGenerator) {
    this.prefix = generator.plmn.mcc + generator.plmn.mnc;
    this.msinLength = generator.imsiRange.from.length;
    this.from = BigInt(generator.imsiRange.from);
    this.size = BigInt(generator.imsiRange.to) - this.from + 1n;
    this.capacity = generator.capacity;
    this.offset = this.position(generator.identity(0).imsi) ?? 0n;
    const stride = this.capacity > 1 ? mod((this.position(generator.identity(1).imsi) ?? 0n) - this.offset, this.size) : 1n;
    this.inverse = modInverse(stride, this.size);
  }

  indexOf(imsi: string): number | undefined {
    const position = this.position(imsi);
    if (position === undefined) return undefined;
    const index = Number(mod((position - this.offset) * this.inverse, this.size));
    return index < this.capacity ? index : undefined;
  }

  private position(imsi: string): bigint | undefined {
    if (imsi.length !== this.prefix.length + this.msinLength || !imsi.startsWith(this.prefix)) return undefined;
    const msin = imsi.slice(this.prefix.length);
    if (!/^\d+$/.test(msin)) return undefined;
    const position = BigInt(msin) - this.from;
    return position >= 0n && position < this.size ? position : undefined;
  }
}

function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

function modInverse(a: bigint, m: bigint): bigint {
  if (m === 1n) return 0n;
  let [oldR, r] = [mod(a, m), m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw new RangeError(`compact store: stride ${a} has no inverse modulo ${m}`);
  return mod(oldS, m);
}
