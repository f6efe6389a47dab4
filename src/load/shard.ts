import { InputError } from '../errors';

/** The I-th of N disjoint slices of a subscriber population: generator index i belongs to shard i mod N. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export const WHOLE: Shard = { index: 0, count: 1 };

/** `I/N` with 0 ≤ I < N (a Kubernetes Indexed Job gives I as JOB_COMPLETION_INDEX). */
export function parseShard(text: string, source = '--shard'): Shard {
  const match = /^\s*(\d{1,6})\s*\/\s*(\d{1,6})\s*$/.exec(text);
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || count < 1 || index >= count) {
    throw new InputError(text, source, 'I/N with 0 <= I < N, e.g. 0/4 for the first of four slices');
  }
  return { index, count };
}

export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}

export function inShard(index: number, shard: Shard): boolean {
  return index % shard.count === shard.index;
}

/** How many of the indices 0 … total−1 fall in the shard. */
export function shardSize(total: number, shard: Shard): number {
  return total > shard.index ? Math.floor((total - 1 - shard.index) / shard.count) + 1 : 0;
}

/** The j-th member of the shard (j from 0): index I + j·N. */
export function shardMember(shard: Shard, j: number): number {
  return shard.index + j * shard.count;
}

/** The indices 0 … total−1 of the shard, in order. */
export function* shardMembers(total: number, shard: Shard): Generator<number> {
  for (let index = shard.index; index < total; index += shard.count) yield index;
}

/** A shard of a shard (the worker threads of one shard): still a plain I/N over the same indices. */
export function subShard(shard: Shard, part: number, parts: number): Shard {
  return { index: shard.index + part * shard.count, count: shard.count * parts };
}
