import { existsSync } from 'node:fs';
import { type RoamingConfig, parseYamlFile, readConfigFile, yamlToJs } from '../config/load';
import { ConfigError } from '../errors';
import { formatPlmn, parsePlmn } from '../protocol/plmn';
import { RATS, type Rat } from '../protocol/rat';
import type { Target } from '../roaming/ue';
import { hash32 } from '../subscribers/random';

export const JOURNEY_KINDS = ['attach-detach', 'attach-usage-detach', 'attach-move-detach', 'attach-usage-move-detach'] as const;
export type JourneyKind = (typeof JOURNEY_KINDS)[number];

interface Weighted<T> {
  readonly value: T;
  readonly weight: number;
}

/** Where subscribers of `home` go (all homes when absent), over which RATs, how often. */
export interface VisitedEntry {
  readonly plmn: string;
  readonly home?: string;
  readonly rats?: readonly Rat[];
  readonly weight: number;
}

export interface Route {
  readonly visited: string;
  readonly rats: readonly Rat[];
  readonly weight: number;
}

/** What a load run does: weights of journey kinds, profiles, home networks and visited networks. */
export interface Mix {
  /** `default (config agreements)` or the file it was read from. */
  readonly source: string;
  readonly journeys: readonly Weighted<JourneyKind>[];
  readonly profiles: readonly Weighted<string>[];
  readonly homes: readonly Weighted<string>[];
  readonly visited: readonly VisitedEntry[];
}

/** One subscriber's journey: where it attaches, where it moves, what it uses. */
export interface JourneyPlan {
  readonly kind: JourneyKind;
  readonly attach: Target;
  readonly move?: Target;
  /** MB of data used while registered. */
  readonly usageMb?: number;
}

const DEFAULT_JOURNEYS: Record<JourneyKind, number> = { 'attach-detach': 4, 'attach-usage-detach': 3, 'attach-move-detach': 2, 'attach-usage-move-detach': 1 };

/** Every agreement of the config as a route, every roaming profile and every home with an agreement, evenly. */
export function defaultMix(config: RoamingConfig): Mix {
  const homes = [...new Set(config.agreements.map((agreement) => agreement.home))];
  if (homes.length === 0) throw new ConfigError(config.file, 'agreements', 'no roaming agreements: a load run needs at least one, or a --mix file naming visited networks');
  const profiles = Object.entries(config.profiles).filter(([, profile]) => profile.roaming).map(([name]) => ({ value: name, weight: 1 }));
  return {
    source: 'default (config agreements)',
    journeys: JOURNEY_KINDS.map((kind) => ({ value: kind, weight: DEFAULT_JOURNEYS[kind] })),
    profiles: profiles.length > 0 ? profiles : [{ value: 'postpaid', weight: 1 }],
    homes: homes.map((home) => ({ value: home, weight: 1 })),
    visited: config.agreements.map((agreement) => ({ plmn: agreement.visited, home: agreement.home, rats: agreement.rats, weight: 1 })),
  };
}

/**
 * A mix file (YAML); every section is optional and defaults to the config's:
 *
 *     journeys: { attach-detach: 4, attach-usage-detach: 3, attach-move-detach: 2, attach-usage-move-detach: 1 }
 *     profiles: { postpaid: 8, prepaid: 2 }
 *     homes: { "234-15": 3, "262-01": 1 }
 *     visited:
 *       - { plmn: "262-01", weight: 5, home: "234-15", rats: [LTE, UMTS] }
 *       - { plmn: "440-10", weight: 1 }          # any home; RATs: the agreement's, else all
 */
export function loadMix(file: string, config: RoamingConfig): Mix {
  if (!existsSync(file)) throw new ConfigError(file, '', 'mix file not found (--mix)');
  const raw = yamlToJs(parseYamlFile(readConfigFile(file, false) as string, file), file);
  const top = raw ?? {};
  if (typeof top !== 'object' || Array.isArray(top)) throw new ConfigError(file, '', 'expected a mapping with journeys, profiles, homes and visited');
  const fallback = defaultMix(config);
  const body = top as Record<string, unknown>;
  for (const key of Object.keys(body)) {
    if (!['journeys', 'profiles', 'homes', 'visited'].includes(key)) throw new ConfigError(file, key, 'unknown section: expected journeys, profiles, homes or visited');
  }
  const journeys = body.journeys === undefined ? fallback.journeys : weights(body.journeys, file, 'journeys', (name, at) => {
    if (!(JOURNEY_KINDS as readonly string[]).includes(name)) throw new ConfigError(file, at, `unknown journey kind: expected one of ${JOURNEY_KINDS.join(', ')}`);
    return name as JourneyKind;
  });
  const profiles = body.profiles === undefined ? fallback.profiles : weights(body.profiles, file, 'profiles', (name, at) => {
    if (!config.profiles[name]) throw new ConfigError(file, at, `unknown profile: expected one of ${Object.keys(config.profiles).join(', ')} (config/roaming.yaml)`);
    return name;
  });
  const visited = body.visited === undefined ? fallback.visited : visitedEntries(body.visited, file);
  let homes: readonly Weighted<string>[];
  if (body.homes !== undefined) homes = weights(body.homes, file, 'homes', (name, at) => plmnAt(name, file, at));
  else if (body.visited !== undefined && visited.every((entry) => entry.home !== undefined)) homes = [...new Set(visited.map((entry) => entry.home as string))].map((home) => ({ value: home, weight: 1 }));
  else homes = fallback.homes;
  const mix: Mix = { source: file, journeys, profiles, homes, visited };
  for (const home of homes) {
    if (routesOf(mix, home.value, config).length === 0) throw new ConfigError(file, 'visited', `no visited network for home ${home.value}: add an entry without "home" or with home "${home.value}"`);
  }
  return mix;
}

/** Weights are relative; the cap keeps their sum finite (1e308 twice is Infinity, and every share NaN). */
const MAX_WEIGHT = 1_000_000;
const WEIGHT_EXPECTED = `expected a weight, a number from 0 to ${MAX_WEIGHT.toLocaleString('en-GB')} (weights are relative: 3 and 1 mean 75 % and 25 %)`;

function validWeight(weight: unknown): weight is number {
  return typeof weight === 'number' && Number.isFinite(weight) && weight >= 0 && weight <= MAX_WEIGHT;
}

function weights<T>(value: unknown, file: string, at: string, read: (name: string, at: string) => T): Weighted<T>[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(file, at, 'expected a mapping of name: weight');
  const out: Weighted<T>[] = [];
  for (const [name, weight] of Object.entries(value as Record<string, unknown>)) {
    const where = `${at}.${name}`;
    const parsed = read(name, where);
    if (!validWeight(weight)) throw new ConfigError(file, where, `${JSON.stringify(weight)} is not valid: ${WEIGHT_EXPECTED}`);
    if (weight > 0) out.push({ value: parsed, weight });
  }
  if (out.length === 0) throw new ConfigError(file, at, 'expected at least one entry with a weight above 0');
  return out;
}

function visitedEntries(value: unknown, file: string): VisitedEntry[] {
  if (!Array.isArray(value) || value.length === 0) throw new ConfigError(file, 'visited', 'expected a non-empty list of { plmn, weight, home?, rats? }');
  return value.map((item, index) => {
    const at = `visited[${index}]`;
    if (!item || typeof item !== 'object' || Array.isArray(item)) throw new ConfigError(file, at, 'expected a mapping { plmn, weight, home?, rats? }');
    const entry = item as Record<string, unknown>;
    for (const key of Object.keys(entry)) if (!['plmn', 'weight', 'home', 'rats'].includes(key)) throw new ConfigError(file, `${at}.${key}`, 'unknown key: expected plmn, weight, home or rats');
    const plmn = plmnAt(entry.plmn, file, `${at}.plmn`);
    const weight = entry.weight ?? 1;
    if (!validWeight(weight)) throw new ConfigError(file, `${at}.weight`, `${JSON.stringify(weight)} is not valid: ${WEIGHT_EXPECTED}`);
    let rats: Rat[] | undefined;
    if (entry.rats !== undefined) {
      if (!Array.isArray(entry.rats) || entry.rats.length === 0) throw new ConfigError(file, `${at}.rats`, 'expected a non-empty list of GSM, UMTS, LTE');
      rats = entry.rats.map((rat, r) => {
        const text = String(rat).trim().toUpperCase();
        if (!(RATS as readonly string[]).includes(text)) throw new ConfigError(file, `${at}.rats[${r}]`, `${JSON.stringify(rat)} is not valid: expected one of ${RATS.join(', ')}`);
        return text as Rat;
      });
    }
    return { plmn, weight, ...(entry.home === undefined ? {} : { home: plmnAt(entry.home, file, `${at}.home`) }), ...(rats ? { rats } : {}) };
  });
}

function plmnAt(value: unknown, file: string, at: string): string {
  try {
    if (typeof value !== 'string' && typeof value !== 'number') throw new Error();
    return formatPlmn(parsePlmn(String(value), at));
  } catch {
    throw new ConfigError(file, at, `${JSON.stringify(value)} is not valid: expected a PLMN as "MCC-MNC" in quotes, e.g. "262-01"`);
  }
}

/** The visited networks subscribers of `home` go to, with the RATs each is tried over. */
export function routesOf(mix: Mix, home: string, config: RoamingConfig): Route[] {
  const routes: Route[] = [];
  for (const entry of mix.visited) {
    if (entry.weight <= 0 || (entry.home !== undefined && entry.home !== home)) continue;
    const agreement = config.agreements.find((candidate) => candidate.home === home && candidate.visited === entry.plmn);
    routes.push({ visited: entry.plmn, rats: entry.rats ?? agreement?.rats ?? RATS, weight: entry.weight });
  }
  return routes;
}

/** A weighted choice by a uniform number in [0, 1): cumulative weights, binary search. */
export class WeightedPick<T> {
  private readonly values: T[];
  private readonly cumulative: Float64Array;

  constructor(items: readonly Weighted<T>[]) {
    this.values = items.map((item) => item.value);
    this.cumulative = new Float64Array(items.length);
    let total = 0;
    items.forEach((item, index) => {
      total += item.weight;
      this.cumulative[index] = total;
    });
    for (let index = 0; index < items.length; index++) this.cumulative[index] /= total;
  }

  pick(u: number): T {
    let lo = 0;
    let hi = this.values.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (u < this.cumulative[mid]) hi = mid;
      else lo = mid + 1;
    }
    return this.values[lo];
  }
}

/**
 * Turns a mix into per-subscriber plans. Every draw is a hash of (seed, home, index, round), so a subscriber
 * does the same journey whichever shard, worker or slot runs it, and in whatever order.
 */
export class JourneyPlanner {
  private readonly kinds: WeightedPick<JourneyKind>;
  private readonly profiles: WeightedPick<string>;
  private readonly routes = new Map<string, { pick: WeightedPick<Route>; all: Route[]; salt: number }>();

  constructor(
    readonly mix: Mix,
    private readonly seed: number,
    config: RoamingConfig,
  ) {
    this.kinds = new WeightedPick(mix.journeys);
    this.profiles = new WeightedPick(mix.profiles);
    for (const home of mix.homes) {
      const all = routesOf(mix, home.value, config);
      this.routes.set(home.value, { pick: new WeightedPick(all.map((route) => ({ value: route, weight: route.weight }))), all, salt: hash32(home.value) });
    }
  }

  /** The subscriber's profile: fixed for the whole run (it is provisioned with it). */
  profileOf(home: string, index: number): string {
    return this.profiles.pick(unit(this.seed, this.salt(home), index, 0x70f11e));
  }

  plan(home: string, index: number, round = 0): JourneyPlan {
    const routes = this.routes.get(home);
    if (!routes) throw new Error(`no routes for home network ${home} in the mix`);
    const draw = (k: number) => unit(this.seed, routes.salt ^ Math.imul(round + 1, 0x9e3779b1), index, k);
    const kind = this.kinds.pick(draw(1));
    const route = routes.pick.pick(draw(2));
    const attach: Target = { plmn: route.visited, rat: route.rats[Math.floor(draw(3) * route.rats.length)] };
    const usage = kind === 'attach-usage-detach' || kind === 'attach-usage-move-detach';
    const moving = kind === 'attach-move-detach' || kind === 'attach-usage-move-detach';
    return {
      kind,
      attach,
      ...(moving ? { move: this.moveTarget(routes.all, attach, draw(4), draw(5)) } : {}),
      ...(usage ? { usageMb: 1 + Math.floor(draw(6) * 200) } : {}),
    };
  }

  /** Another visited network if the home has one, else another RAT of the same, else the same again. */
  private moveTarget(all: readonly Route[], from: Target, u: number, v: number): Target {
    const others = all.filter((route) => route.visited !== from.plmn);
    if (others.length > 0) {
      const route = new WeightedPick(others.map((candidate) => ({ value: candidate, weight: candidate.weight }))).pick(u);
      return { plmn: route.visited, rat: route.rats[Math.floor(v * route.rats.length)] };
    }
    const same = all.find((route) => route.visited === from.plmn);
    const rats = (same?.rats ?? [from.rat]).filter((rat) => rat !== from.rat);
    return rats.length > 0 ? { plmn: from.plmn, rat: rats[Math.floor(v * rats.length)] } : from;
  }

  private salt(home: string): number {
    return this.routes.get(home)?.salt ?? hash32(home);
  }
}

/** Uniform in [0, 1) from four 32-bit inputs (murmur3 finaliser over a mixed word). */
export function unit(a: number, b: number, c: number, d: number): number {
  let h = Math.imul(a ^ 0x85ebca6b, 0xcc9e2d51);
  h = Math.imul(h ^ (h >>> 15) ^ b, 0x1b873593);
  h = Math.imul(h ^ (h >>> 13) ^ (c | 0) ^ Math.floor(c / 4294967296), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 16) ^ d, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
