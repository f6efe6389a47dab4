import type { RoamingConfig } from '../config/load';
import type { ElementKind } from '../roaming/transport';
import { faultRules } from './faults';
import type { JourneyPlanner } from './mix';
import type { Population } from './population';
import type { Shard } from './shard';

const BATCH = 1000;

/** Live mode cannot run: no live mocks in this build, or the ones named by --mocks-url do not answer. */
export class LiveUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LiveUnavailable';
  }
}
const IN_FLIGHT = 16;

/**
 * Readies running `roamsim mocks` for a live load run (--mocks-url): provisions the population's
 * subscribers through the HLR/HSS admin endpoint (runs of consecutive indices with one profile, at most
 * 1,000 a request; already provisioned ones are left alone) and, from shard 0 only, replaces the fault
 * rules with the --fault-rate mix (so N shards do not stack N copies of it).
 */
export async function prepareRemote(urls: Readonly<Record<ElementKind, string>>, config: RoamingConfig, population: Population, shard: Shard, planner: JourneyPlanner, faultRate: number): Promise<void> {
  const admin = `${urls['hlr-hss']}/admin`;
  const headers = { authorization: `Bearer ${config.secrets.adminToken}`, 'content-type': 'application/json' };
  const call = async (method: string, path: string, body?: unknown) => {
    let response: Response;
    try {
      response = await fetch(`${admin}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    } catch (error) {
      throw new LiveUnavailable(`the live mocks at ${urls['hlr-hss']} do not answer (${String((error as Error).cause ?? (error as Error).message)}): start them with \`roamsim mocks\` or correct --mocks-url`);
    }
    const text = await response.text();
    if (!response.ok) throw new Error(`live mocks: ${method} ${admin}${path} answered HTTP ${response.status}: ${text.slice(0, 300)}`);
  };

  const runs: Array<{ home: string; from: number; count: number; profile: string }> = [];
  for (const share of population.shares) {
    let start = 0;
    let profile = share.count > 0 ? planner.profileOf(share.home, 0) : '';
    for (let index = 1; index <= share.count; index++) {
      const next = index < share.count ? planner.profileOf(share.home, index) : '';
      if (index === share.count || next !== profile || index - start === BATCH) {
        runs.push({ home: share.home, from: start, count: index - start, profile });
        start = index;
        profile = next;
      }
    }
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < runs.length) await call('POST', '/subscribers', runs[next++]);
    }),
  );
  if (shard.index === 0) {
    await call('DELETE', '/faults');
    for (const rule of faultRules(faultRate)) await call('POST', '/faults', { operation: rule.operation, action: 'error', error: rule.error, percent: rule.percent });
  }
}
