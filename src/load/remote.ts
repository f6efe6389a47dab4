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
/** How long one admin call (provisioning batch, fault rule) may take before the run gives up. */
export const ADMIN_DEADLINE_MS = 10_000;

/** The number of rules in a `GET /admin/faults` answer; mocks without that route count as none. */
function countRules(text: string): number {
  try {
    const rules = (JSON.parse(text) as { rules?: unknown }).rules;
    return Array.isArray(rules) ? rules.length : 0;
  } catch {
    return 0;
  }
}

/**
 * Readies running `roamsim mocks` for a live load run (--mocks-url): provisions the population's
 * subscribers through the HLR/HSS admin endpoint (runs of consecutive indices with one profile, at most
 * 1,000 a request; already provisioned ones are left alone) and, from shard 0 only, replaces the fault
 * rules with the --fault-rate mix (so N shards do not stack N copies of it).
 */
export async function prepareRemote(
  urls: Readonly<Record<ElementKind, string>>,
  config: RoamingConfig,
  population: Population,
  shard: Shard,
  planner: JourneyPlanner,
  faultRate: number,
  options: { resetFaults?: boolean; deadlineMs?: number; note?: (message: string) => void } = {},
): Promise<void> {
  const admin = `${urls['hlr-hss']}/admin`;
  const headers = { authorization: `Bearer ${config.secrets.adminToken}`, 'content-type': 'application/json' };
  const deadlineMs = options.deadlineMs ?? ADMIN_DEADLINE_MS;
  // Every admin call has a deadline: frozen mocks end the run with a message, never a silent hang.
  const call = async (method: string, path: string, body?: unknown): Promise<string> => {
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${admin}${path}`, { method, headers, signal: AbortSignal.timeout(deadlineMs), ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      text = await response.text();
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new LiveUnavailable(`the live mocks at ${urls['hlr-hss']} did not answer ${method} ${admin}${path} within ${deadlineMs / 1000} s: are they frozen or overloaded? Restart them, or correct --mocks-url`);
      }
      throw new LiveUnavailable(`the live mocks at ${urls['hlr-hss']} do not answer (${String((error as Error).cause ?? (error as Error).message)}): start them with \`roamsim mocks\` or correct --mocks-url`);
    }
    if (!response.ok) throw new Error(`live mocks: ${method} ${admin}${path} answered HTTP ${response.status}: ${text.slice(0, 300)}`);
    return text;
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
    // Rules set through POST /admin/faults stay unless --reset-faults: the run adds the --fault-rate mix to them.
    if (options.resetFaults) await call('DELETE', '/faults');
    else {
      const kept = countRules(await call('GET', '/faults'));
      if (kept > 0) options.note?.(`keeping ${kept} fault rule(s) already set on the mocks (GET ${admin}/faults lists them; --reset-faults removes them first)`);
    }
    for (const rule of faultRules(faultRate)) await call('POST', '/faults', { operation: rule.operation, action: 'error', error: rule.error, percent: rule.percent });
  }
}
