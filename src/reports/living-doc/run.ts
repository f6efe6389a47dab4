/**
 * The run as Cucumber's message stream recorded it (reports/messages.ndjson): features with their
 * descriptions, scenarios (pickles) in feature order with their tags, steps, final status (the last attempt
 * of a retried scenario counts) and attachments. Only the message fields the living document reads are typed.
 */
import { readFileSync } from 'node:fs';
import { dedent } from '../dedent';

interface Timestamp {
  readonly seconds: number;
  readonly nanos: number;
}
interface Tag {
  readonly name: string;
}
interface AstStep {
  readonly id: string;
  readonly keyword: string;
}
interface AstScenario {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly tags: readonly Tag[];
  readonly steps: readonly AstStep[];
  readonly location: { readonly line: number };
  readonly examples?: ReadonlyArray<{ readonly tableBody?: ReadonlyArray<{ readonly id: string }> }>;
}
interface AstChild {
  readonly background?: { readonly steps: readonly AstStep[] };
  readonly scenario?: AstScenario;
  readonly rule?: { readonly name: string; readonly description?: string; readonly children: readonly AstChild[] };
}
export interface Envelope {
  readonly meta?: { readonly implementation?: { readonly name: string; readonly version: string }; readonly runtime?: { readonly name: string; readonly version: string } };
  readonly gherkinDocument?: { readonly uri: string; readonly feature?: { readonly name: string; readonly description?: string; readonly tags: readonly Tag[]; readonly children: readonly AstChild[] } };
  readonly pickle?: {
    readonly id: string;
    readonly uri: string;
    readonly name: string;
    readonly astNodeIds: readonly string[];
    readonly tags: readonly Tag[];
    readonly steps: ReadonlyArray<{ readonly id: string; readonly text: string; readonly astNodeIds: readonly string[] }>;
  };
  readonly testRunStarted?: { readonly timestamp: Timestamp };
  readonly testRunFinished?: { readonly timestamp: Timestamp; readonly success: boolean };
  readonly testCase?: { readonly id: string; readonly pickleId: string; readonly testSteps: ReadonlyArray<{ readonly id: string; readonly pickleStepId?: string; readonly hookId?: string }> };
  readonly testCaseStarted?: { readonly id: string; readonly testCaseId: string; readonly attempt: number; readonly timestamp: Timestamp };
  readonly testCaseFinished?: { readonly testCaseStartedId: string; readonly timestamp: Timestamp; readonly willBeRetried: boolean };
  readonly testStepFinished?: {
    readonly testCaseStartedId: string;
    readonly testStepId: string;
    readonly testStepResult: { readonly status: string; readonly message?: string; readonly duration?: Timestamp };
  };
  readonly attachment?: {
    readonly body: string;
    readonly contentEncoding: 'IDENTITY' | 'BASE64';
    readonly mediaType: string;
    readonly fileName?: string;
    readonly testCaseStartedId?: string;
    readonly testStepId?: string;
  };
}

export type ScenarioStatus = 'passed' | 'failed' | 'skipped' | 'undefined' | 'pending' | 'ambiguous' | 'unknown';

export interface RunAttachment {
  readonly mediaType: string;
  readonly fileName?: string;
  readonly body: string;
  readonly encoding: 'IDENTITY' | 'BASE64';
  /** The step that produced it (its text), or undefined for a hook. */
  readonly step?: string;
}

export interface RunStep {
  readonly keyword: string;
  readonly text: string;
  readonly status: ScenarioStatus;
  readonly message?: string;
}

export interface RunScenario {
  /** The pickle id: unique per run, used for anchors. */
  readonly id: string;
  readonly uri: string;
  readonly line: number;
  readonly name: string;
  readonly feature: string;
  readonly rule?: string;
  readonly tags: readonly string[];
  readonly status: ScenarioStatus;
  readonly attempts: number;
  readonly durationMs: number;
  readonly steps: readonly RunStep[];
  readonly attachments: readonly RunAttachment[];
}

export interface RunFeature {
  readonly uri: string;
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly scenarios: readonly RunScenario[];
}

export interface RunModel {
  readonly startedAt?: Date;
  readonly finishedAt?: Date;
  readonly success?: boolean;
  readonly cucumber?: string;
  readonly runtime?: string;
  /** In the order Cucumber ran them (feature order). */
  readonly features: readonly RunFeature[];
  readonly scenarios: readonly RunScenario[];
}

const toMs = (t: Timestamp): number => t.seconds * 1000 + Math.round(t.nanos / 1e6);
const STATUS_RANK: Record<string, number> = { PASSED: 0, SKIPPED: 1, PENDING: 2, UNDEFINED: 3, AMBIGUOUS: 4, FAILED: 5, UNKNOWN: 1 };

/** Reads an NDJSON message file; a line that is not JSON names its line number. */
export function readMessages(file: string): Envelope[] {
  const text = readFileSync(file, 'utf8');
  return text
    .split('\n')
    .map((line, i) => ({ line, i }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ line, i }) => {
      try {
        return JSON.parse(line) as Envelope;
      } catch (error) {
        throw new Error(`${file}:${i + 1}: not a Cucumber message (${(error as Error).message}); write it with the message: formatter of cucumber-js`);
      }
    });
}

export function buildRun(envelopes: readonly Envelope[]): RunModel {
  const documents = new Map<string, NonNullable<Envelope['gherkinDocument']>>();
  const keywords = new Map<string, string>();
  const scenarioNodes = new Map<string, { line: number; rule?: string }>();
  const pickles: Array<NonNullable<Envelope['pickle']>> = [];
  const testCases = new Map<string, NonNullable<Envelope['testCase']>>();
  const started = new Map<string, NonNullable<Envelope['testCaseStarted']>>();
  const finished = new Map<string, NonNullable<Envelope['testCaseFinished']>>();
  const stepResults = new Map<string, Map<string, { status: string; message?: string }>>();
  const attachments = new Map<string, Array<NonNullable<Envelope['attachment']>>>();
  let run: { startedAt?: Date; finishedAt?: Date; success?: boolean; cucumber?: string; runtime?: string } = {};

  const walk = (children: readonly AstChild[], rule?: string): void => {
    for (const child of children) {
      for (const step of child.background?.steps ?? []) keywords.set(step.id, step.keyword.trim());
      if (child.scenario) {
        for (const step of child.scenario.steps) keywords.set(step.id, step.keyword.trim());
        scenarioNodes.set(child.scenario.id, { line: child.scenario.location.line, ...(rule ? { rule } : {}) });
      }
      if (child.rule) walk(child.rule.children, child.rule.name);
    }
  };

  for (const e of envelopes) {
    if (e.meta) {
      run = {
        ...run,
        ...(e.meta.implementation ? { cucumber: `${e.meta.implementation.name} ${e.meta.implementation.version}` } : {}),
        ...(e.meta.runtime ? { runtime: `${e.meta.runtime.name} ${e.meta.runtime.version}` } : {}),
      };
    } else if (e.gherkinDocument) {
      documents.set(e.gherkinDocument.uri, e.gherkinDocument);
      walk(e.gherkinDocument.feature?.children ?? []);
    } else if (e.pickle) pickles.push(e.pickle);
    else if (e.testCase) testCases.set(e.testCase.id, e.testCase);
    else if (e.testCaseStarted) started.set(e.testCaseStarted.id, e.testCaseStarted);
    else if (e.testCaseFinished) finished.set(e.testCaseFinished.testCaseStartedId, e.testCaseFinished);
    else if (e.testStepFinished) {
      const f = e.testStepFinished;
      const map = stepResults.get(f.testCaseStartedId) ?? new Map();
      map.set(f.testStepId, { status: f.testStepResult.status, ...(f.testStepResult.message ? { message: f.testStepResult.message } : {}) });
      stepResults.set(f.testCaseStartedId, map);
    } else if (e.attachment?.testCaseStartedId) {
      const list = attachments.get(e.attachment.testCaseStartedId) ?? [];
      list.push(e.attachment);
      attachments.set(e.attachment.testCaseStartedId, list);
    } else if (e.testRunStarted) run = { ...run, startedAt: new Date(toMs(e.testRunStarted.timestamp)) };
    else if (e.testRunFinished) run = { ...run, finishedAt: new Date(toMs(e.testRunFinished.timestamp)), success: e.testRunFinished.success };
  }

  // The last attempt of each test case (a @flaky scenario may run twice).
  const lastAttempt = new Map<string, NonNullable<Envelope['testCaseStarted']>>();
  const attemptsOf = new Map<string, number>();
  for (const s of started.values()) {
    const known = lastAttempt.get(s.testCaseId);
    if (!known || s.attempt > known.attempt) lastAttempt.set(s.testCaseId, s);
    attemptsOf.set(s.testCaseId, (attemptsOf.get(s.testCaseId) ?? 0) + 1);
  }
  const caseOfPickle = new Map([...testCases.values()].map((t) => [t.pickleId, t]));

  const scenarios: RunScenario[] = pickles.map((pickle) => {
    const testCase = caseOfPickle.get(pickle.id);
    const attempt = testCase ? lastAttempt.get(testCase.id) : undefined;
    const results = attempt ? (stepResults.get(attempt.id) ?? new Map()) : new Map<string, { status: string; message?: string }>();
    const stepText = new Map<string, string>();
    let worst = attempt ? 'PASSED' : 'UNKNOWN';
    for (const ts of testCase?.testSteps ?? []) {
      const r = results.get(ts.id);
      const status = r?.status ?? 'UNKNOWN';
      if ((STATUS_RANK[status] ?? 1) > (STATUS_RANK[worst] ?? 0)) worst = status;
      if (ts.pickleStepId) {
        const ps = pickle.steps.find((p) => p.id === ts.pickleStepId);
        if (ps) stepText.set(ts.id, ps.text);
      }
    }
    const steps: RunStep[] = pickle.steps.map((ps) => {
      const ts = testCase?.testSteps.find((t) => t.pickleStepId === ps.id);
      const r = ts ? results.get(ts.id) : undefined;
      return {
        keyword: keywords.get(ps.astNodeIds[0]) ?? '*',
        text: ps.text,
        status: (r?.status ?? 'UNKNOWN').toLowerCase() as ScenarioStatus,
        ...(r?.message ? { message: r.message } : {}),
      };
    });
    // A failing hook fails the scenario too: keep its message on the scenario.
    const hookFailure = [...results.entries()].find(([id, r]) => r.status === 'FAILED' && !stepText.has(id));
    if (hookFailure) steps.push({ keyword: 'Hook', text: 'a hook failed', status: 'failed', ...(hookFailure[1].message ? { message: hookFailure[1].message } : {}) });
    const end = attempt ? finished.get(attempt.id) : undefined;
    const node = scenarioNodes.get(pickle.astNodeIds[0]);
    const document = documents.get(pickle.uri);
    return {
      id: pickle.id,
      uri: pickle.uri,
      line: node?.line ?? 0,
      name: pickle.name,
      feature: document?.feature?.name ?? pickle.uri,
      ...(node?.rule ? { rule: node.rule } : {}),
      tags: pickle.tags.map((t) => t.name),
      status: worst.toLowerCase() as ScenarioStatus,
      attempts: testCase ? (attemptsOf.get(testCase.id) ?? 0) : 0,
      durationMs: attempt && end ? toMs(end.timestamp) - toMs(attempt.timestamp) : 0,
      steps,
      attachments: (attempt ? (attachments.get(attempt.id) ?? []) : []).map((a) => ({
        mediaType: a.mediaType,
        ...(a.fileName ? { fileName: a.fileName } : {}),
        body: a.body,
        encoding: a.contentEncoding,
        ...(a.testStepId && stepText.has(a.testStepId) ? { step: stepText.get(a.testStepId) } : {}),
      })),
    };
  });

  const features: RunFeature[] = [];
  for (const scenario of scenarios) {
    let feature = features.find((f) => f.uri === scenario.uri);
    if (!feature) {
      const doc = documents.get(scenario.uri)?.feature;
      feature = { uri: scenario.uri, name: doc?.name ?? scenario.uri, description: dedent(doc?.description ?? ''), tags: (doc?.tags ?? []).map((t) => t.name), scenarios: [] };
      features.push(feature);
    }
    (feature.scenarios as RunScenario[]).push(scenario);
  }
  return { ...run, features, scenarios };
}

/** True for a scenario that counts as failing (strict: undefined, pending and ambiguous steps fail). */
export function isFailing(status: ScenarioStatus): boolean {
  return status === 'failed' || status === 'undefined' || status === 'pending' || status === 'ambiguous';
}

/**
 * How the document counts a scenario: failing, passed, or skipped — a scenario that did not run to its end
 * without failing (e.g. a wire-only journey outside wire mode) proves nothing and is never counted as passed.
 */
export type ScenarioVerdict = 'passed' | 'failed' | 'skipped';

export function verdictOf(status: ScenarioStatus): ScenarioVerdict {
  if (isFailing(status)) return 'failed';
  return status === 'passed' ? 'passed' : 'skipped';
}
