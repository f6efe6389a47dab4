import { loadConfig, parseSeed } from '../config/load';
import { InputError } from '../errors';
import { type ProtocolError, describeError, errorMatches, parseErrorName } from '../protocol/codes';
import { formatPlmn, parsePlmn } from '../protocol/plmn';
import { parseRat } from '../protocol/rat';
import { SimulatedClock } from '../roaming/clock';
import type { RegistrationOutcome } from '../roaming/engine';
import type { NodeRef, SignallingEvent } from '../roaming/events';
import { buildSimulation } from '../simulation/root';
import { recordsSpec, RunRecords } from '../telemetry/run-records';
import { type CliIo, EXIT, defaultIo, parseFlags } from './io';
import type { CliDeps } from './main';

const USAGE = `Usage: roamsim roam --home MCC-MNC --visited MCC-MNC --rat GSM|UMTS|LTE [--profile P] [--seed S] [--index I]
                    [--expect accepted|rejected[:NAME]|dead-lettered] [--json]

One synthetic roam event: a subscriber of the home network attaches to the visited network over the RAT,
against the mock HLR/HSS and VLR/MME (direct transport, simulated clock: latencies are the configured link
and processing times). Prints the outcome and the signalling ladder: time offset, from → to, procedure,
result or error, latency. --json prints one JSON object instead.

  --profile P    subscriber profile from config/roaming.yaml (default postpaid)
  --seed S       fixes the subscriber and the vectors (default ROAMSIM_SEED / config seed)
  --index I      which subscriber of the home network (generator index, default 0)
  --expect E     what counts as ending as expected: accepted (default), rejected, rejected:NAME (a MAP or
                 Diameter error name or code, e.g. rejected:roamingNotAllowed or rejected:5004), dead-lettered

Exit status: 0 the registration ended as expected (accepted, unless --expect says otherwise), 1 it did not
(a rejection or a dead letter without --expect), 2 usage or configuration error.`;

type Expectation = { readonly outcome: 'accepted' | 'rejected' | 'dead-lettered'; readonly error?: ProtocolError; readonly text: string };

export interface LadderRow {
  readonly offsetMs: number;
  readonly from: { readonly kind: string; readonly plmn: string };
  readonly to: { readonly kind: string; readonly plmn: string };
  readonly protocol: string;
  readonly procedure: string;
  readonly attempt: number;
  readonly result: string;
  readonly error?: string;
  readonly latencyMs: number;
}

export async function run(argv: string[], io: CliIo = defaultIo, deps: Pick<CliDeps, 'elements'>): Promise<number> {
  const parsed = parseFlags(
    'roam',
    argv,
    {
      home: { type: 'string' },
      visited: { type: 'string' },
      rat: { type: 'string' },
      profile: { type: 'string', default: 'postpaid' },
      seed: { type: 'string' },
      index: { type: 'string', default: '0' },
      expect: { type: 'string', default: 'accepted' },
      json: { type: 'boolean', default: false },
    },
    USAGE,
    io,
  );
  if ('exit' in parsed) return parsed.exit;
  const { values } = parsed;
  if (!values.home) throw new InputError('', '--home', 'the home network as MCC-MNC, e.g. --home 234-15');
  if (!values.visited) throw new InputError('', '--visited', 'the visited network as MCC-MNC, e.g. --visited 262-01');
  if (!values.rat) throw new InputError('', '--rat', 'one of GSM, UMTS, LTE');
  const home = formatPlmn(parsePlmn(values.home, '--home'));
  const visited = formatPlmn(parsePlmn(values.visited, '--visited'));
  const rat = parseRat(values.rat, '--rat');
  const expectation = parseExpectation(values.expect);
  if (!/^\d{1,9}$/.test(values.index)) throw new InputError(values.index, '--index', 'a subscriber index, a whole number 0 or more');
  const index = Number(values.index);

  const config = loadConfig();
  const seed = values.seed === undefined ? config.seed : parseSeed(values.seed, '--seed');
  const clock = new SimulatedClock(Date.UTC(2026, 0, 1));
  const events: SignallingEvent[] = [];
  // The same records as a feature run: an audit line per attempt, a dead-letter line, a digest at the end.
  const records = new RunRecords(recordsSpec('roam'), config, { wallClock: true });
  const simulation = buildSimulation({
    config,
    mode: 'direct',
    clock,
    seed,
    elements: deps.elements(),
    onSinkError: (error) => io.err(`roamsim roam: event sink failed: ${String(error)}`),
    sinks: [(bus) => bus.onSignalling((event) => events.push(event)), (bus) => records.attach(bus)],
  });
  const attach = async (): Promise<{ outcome: RegistrationOutcome; startedAt: number; endedAt: number }> => {
    simulation.subscribers.requireProfile(values.profile, '--profile');
    const generator = simulation.subscribers.generator(home);
    if (index >= generator.capacity) throw new InputError(values.index, '--index', `an index below ${generator.capacity} (the number ranges of ${home} hold ${generator.capacity} subscribers)`);
    const identity = { ...generator.identity(index), profile: values.profile };
    await simulation.addSubscriber(identity);
    const startedAt = clock.now();
    const outcome = await simulation.engine.attach(identity.imsi, visited, rat);
    return { outcome, startedAt, endedAt: clock.now() };
  };
  const { outcome, startedAt, endedAt } = await attach().finally(() => simulation.close());
  if (!records.audit.mac.keyed) io.err(`roamsim roam: the audit trail is ${records.audit.mac.describe()}`);
  records.finish();
  const notWritten = records.ledger.takeSummary();

  const error = outcome.outcome === 'accepted' ? undefined : outcome.error;
  const asExpected = outcome.outcome === expectation.outcome && (!expectation.error || (error !== undefined && errorMatches(error, expectation.error)));
  const ladder = events
    .slice()
    .sort((a, b) => a.startTick - b.startTick)
    .map((event): LadderRow => ({
      offsetMs: event.startedAt - startedAt,
      from: node(event.from),
      to: node(event.to),
      protocol: event.protocol,
      procedure: event.procedure,
      attempt: event.attempt,
      result: event.outcome.status === 'ok' ? 'ok' : event.outcome.error.name,
      ...(event.outcome.status === 'ok' ? {} : { error: describeError(event.outcome.error) }),
      latencyMs: event.latencyMs,
    }));

  if (values.json) {
    io.out(
      JSON.stringify({
        command: 'roam',
        home,
        visited,
        rat,
        profile: values.profile,
        seed,
        // Identities stay out of reports: the subscriber is named by its generator index.
        subscriber: { index, homePlmn: home, profile: values.profile },
        outcome: outcome.outcome,
        ...(error ? { error: { ...error, description: describeError(error) } } : {}),
        expected: expectation.text,
        asExpected,
        latencyMs: endedAt - startedAt,
        ladder,
      }),
    );
  } else {
    io.out(`roamsim roam: subscriber #${index} of ${home} (${values.profile}) attaches to ${visited} over ${rat}`);
    io.out(`  outcome: ${outcome.outcome}${error ? ` with ${describeError(error)}` : ''} after ${endedAt - startedAt} ms (simulated clock)`);
    io.out('  signalling ladder:');
    for (const row of ladder) io.out(`    ${renderRow(row)}`);
    io.out(asExpected ? `  ended as expected (${expectation.text})` : `  NOT as expected: expected ${expectation.text}, was ${outcome.outcome}${error ? ` with ${error.name}` : ''}`);
  }
  // Fail closed: an attempt whose audit or dead-letter record is not on disk did not end as expected.
  if (notWritten) io.err(`roamsim roam: ${notWritten}`);
  return asExpected && !notWritten ? EXIT.ok : EXIT.failed;
}

function node(ref: NodeRef): { kind: string; plmn: string } {
  return { kind: ref.kind, plmn: ref.plmn };
}

export function renderRow(row: LadderRow): string {
  const from = `${row.from.kind} ${row.from.plmn}`;
  const to = `${row.to.kind} ${row.to.plmn}`;
  const what = `${row.protocol} ${row.procedure}${row.attempt > 1 ? ` (attempt ${row.attempt})` : ''}`;
  return `+${String(row.offsetMs).padStart(5)} ms  ${from.padEnd(12)} → ${to.padEnd(12)} ${what.padEnd(36)} ${row.result.padEnd(34)} ${String(row.latencyMs).padStart(5)} ms`;
}

function parseExpectation(text: string): Expectation {
  const help = 'accepted, rejected, rejected:NAME (e.g. rejected:roamingNotAllowed or rejected:5004) or dead-lettered';
  const [outcome, name, ...rest] = text.split(':');
  if (rest.length > 0 || !['accepted', 'rejected', 'dead-lettered'].includes(outcome)) throw new InputError(text, '--expect', help);
  if (name === undefined) return { outcome: outcome as Expectation['outcome'], text };
  if (outcome === 'accepted' || name.trim() === '') throw new InputError(text, '--expect', help);
  return { outcome: outcome as Expectation['outcome'], error: parseErrorName(name, '--expect error name'), text };
}
