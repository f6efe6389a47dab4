import type { NetworkConfig, RoamingConfig } from '../config/load';
import { InputError } from '../errors';
import { parsePlmn } from '../protocol/plmn';
import { SubscriberGenerator } from '../subscribers/generator';
import type { Mix } from './mix';
import { type Shard, shardMember, shardSize } from './shard';

/** How many of the run's subscribers come from one home network: its generator indices 0 … count−1. */
export interface HomeShare {
  readonly home: string;
  readonly count: number;
  /** The configured number ranges hold fewer subscribers than the share: the synthetic ranges are used. */
  readonly widened: boolean;
}

export interface Population {
  readonly total: number;
  readonly shares: readonly HomeShare[];
  /** The config with the number ranges of widened homes removed (their generators use the synthetic ranges). */
  readonly config: RoamingConfig;
}

/**
 * Splits `total` subscribers over the mix's home networks by weight (largest remainder). A home whose
 * configured ranges are too small for its share (234-15 lists 1,000 MSISDNs) falls back to the synthetic
 * ranges (MSIN 99…, MSISDN <country code>999…, up to 1,000,000 subscribers per home).
 */
export function planPopulation(total: number, mix: Mix, config: RoamingConfig, options: { widen?: boolean } = {}): Population {
  const weightSum = mix.homes.reduce((sum, home) => sum + home.weight, 0);
  const exact = mix.homes.map((home) => (total * home.weight) / weightSum);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((sum, count) => sum + count, 0);
  const order = exact.map((value, index) => ({ index, rest: value - Math.floor(value) })).sort((a, b) => b.rest - a.rest || a.index - b.index);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) counts[order[k].index]++;

  const widened = new Set<string>();
  const shares = mix.homes.map((home, index) => {
    const count = counts[index];
    const network = config.networks.find((candidate) => candidate.plmn === home.value);
    const configured = capacity(home.value, network, config);
    if (count <= configured) return { home: home.value, count, widened: false };
    const synthetic = capacity(home.value, undefined, config);
    if (options.widen === false || count > synthetic) {
      const most = Math.floor((options.widen === false ? configured : synthetic) * (weightSum / home.weight));
      throw new InputError(String(total), '--subscribers', `at most about ${most} with this mix: home network ${home.value} gets ${count} and its ${options.widen === false ? 'configured' : 'synthetic'} number ranges hold ${options.widen === false ? configured : synthetic}`);
    }
    widened.add(home.value);
    return { home: home.value, count, widened: true };
  });
  const networks: NetworkConfig[] = config.networks.map((network) => (widened.has(network.plmn) ? { plmn: network.plmn, name: network.name, tadig: network.tadig } : network));
  return { total, shares, config: widened.size === 0 ? config : { ...config, networks } };
}

function capacity(home: string, network: NetworkConfig | undefined, config: RoamingConfig): number {
  return new SubscriberGenerator(parsePlmn(home), network, config.seed, config.secrets.kiSecret, config.secrets.op).capacity;
}

/** One journey's subscriber: home network and generator index. */
export interface Slot {
  readonly home: string;
  readonly index: number;
}

/**
 * The shard's subscribers in run order: the homes interleaved in proportion to their sizes (the next home is
 * the one least far through its own list), each home's members in index order. Deterministic, O(homes) a step.
 */
export class Schedule {
  readonly total: number;
  private readonly sizes: number[];
  private readonly taken: number[];
  private given = 0;

  constructor(
    private readonly shares: readonly HomeShare[],
    private readonly shard: Shard,
  ) {
    this.sizes = shares.map((share) => shardSize(share.count, shard));
    this.taken = shares.map(() => 0);
    this.total = this.sizes.reduce((sum, size) => sum + size, 0);
  }

  /** The next subscriber, or undefined after the last one (call rewind() to go round again). */
  next(): Slot | undefined {
    if (this.given >= this.total) return undefined;
    let best = -1;
    let bestProgress = Infinity;
    for (let h = 0; h < this.sizes.length; h++) {
      if (this.taken[h] >= this.sizes[h]) continue;
      const progress = (this.taken[h] + 0.5) / this.sizes[h];
      if (progress < bestProgress) {
        best = h;
        bestProgress = progress;
      }
    }
    const j = this.taken[best]++;
    this.given++;
    return { home: this.shares[best].home, index: shardMember(this.shard, j) };
  }

  rewind(): void {
    this.taken.fill(0);
    this.given = 0;
  }
}
