/**
 * State-machine transition coverage: which of the roaming machine's transitions the feature suite exercised.
 *
 * The model comes from the machine definition itself (walking `machine.root` and each state node's
 * `transitions`; for a machine with invoked actors these include `xstate.done.actor.<id>` and
 * `xstate.error.actor.<id>`; the roaming machine's steps report back as STEP_* events), so a transition added
 * to the machine shows up as "not exercised" until a scenario drives it. A recorder collects what scenarios
 * did (`world.transitions`: source state id, event type, target state id, as the interpreter reports them on
 * the bus as `transition` events); per-process snapshots are merged
 * (one per worker under `--parallel`) and rendered as JSON, a Mermaid `stateDiagram-v2` text and an HTML page
 * with an offline SVG drawing and tables.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnyStateMachine } from 'xstate';
import { roamingMachine } from './machine';

/** One transition as the engine reports it and as the model lists it. */
export interface TransitionKey {
  /** Id of the state node that defines the transition, e.g. `roaming.attaching.authenticating`. */
  readonly from: string;
  /** Event type, e.g. `ATTACH` or `xstate.done.actor.0.roaming.attaching.authenticating`. */
  readonly event: string;
  /** Id of the target state node, e.g. `roaming.rejected`. */
  readonly to: string;
}

export type TransitionKind = 'event' | 'done' | 'error' | 'after' | 'always';

export interface MachineTransition extends TransitionKey {
  readonly kind: TransitionKind;
  /** A readable event name: `ATTACH`, `done: authenticate`, `error: detach`. */
  readonly label: string;
  /** Guards of the definitions behind this (from, event, to); empty when unguarded. */
  readonly guards: readonly string[];
}

export interface MachineState {
  readonly id: string;
  readonly type: string;
  readonly parent?: string;
  /** For a compound state: the id of its initial child. */
  readonly initial?: string;
}

export interface MachineModel {
  readonly machine: string;
  /** Id of the state the machine starts in. */
  readonly initial?: string;
  readonly states: readonly MachineState[];
  readonly transitions: readonly MachineTransition[];
}

/** What one or more scenarios did with one transition. */
export interface RecordedTransition extends TransitionKey {
  readonly count: number;
  /** Up to MAX_EXAMPLES scenario names that exercised it. */
  readonly scenarios: readonly string[];
}

export interface RecorderSnapshot {
  readonly scenarios: number;
  readonly transitions: readonly RecordedTransition[];
}

export interface CoveredTransition extends MachineTransition {
  readonly count: number;
  readonly covered: boolean;
  readonly scenarios: readonly string[];
}

export interface CoveredState extends MachineState {
  readonly visited: boolean;
}

export interface Ratio {
  readonly covered: number;
  readonly total: number;
  readonly percent: number;
}

export interface StateCoverageReport {
  readonly machine: string;
  readonly initial?: string;
  readonly generatedAt: string;
  readonly scenarios: number;
  readonly summary: { readonly transitions: Ratio; readonly states: Ratio };
  readonly states: readonly CoveredState[];
  readonly transitions: readonly CoveredTransition[];
  /** Transitions a scenario took that the model does not list (the machine changed under the recorder). */
  readonly unknown: readonly RecordedTransition[];
}

const MAX_EXAMPLES = 3;

/** The parts of an xstate v5 StateNode this module reads. */
interface NodeLike {
  readonly id: string;
  readonly type: string;
  readonly states: Readonly<Record<string, NodeLike>>;
  readonly transitions: ReadonlyMap<string, ReadonlyArray<TransitionLike>>;
  readonly always?: ReadonlyArray<TransitionLike>;
  readonly invoke: ReadonlyArray<{ readonly id: string; readonly src: unknown }>;
  readonly initial?: { readonly target: ReadonlyArray<{ readonly id: string }> };
}

interface TransitionLike {
  readonly target?: ReadonlyArray<{ readonly id: string }>;
  readonly guard?: unknown;
}

export function transitionKey(t: TransitionKey): string {
  return `${t.from}\u0000${t.event}\u0000${t.to}`;
}

function guardName(guard: unknown): string | undefined {
  if (guard === undefined || guard === null) return undefined;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') return guard.name || 'inline guard';
  if (typeof guard === 'object' && typeof (guard as { type?: unknown }).type === 'string') return (guard as { type: string }).type;
  return 'guard';
}

function srcName(src: unknown): string {
  if (typeof src === 'string') return src;
  if (src && typeof src === 'object' && typeof (src as { id?: unknown }).id === 'string') return (src as { id: string }).id;
  return 'actor';
}

/**
 * Every state and every transition of a machine (the roaming machine by default). Targetless transitions
 * (actions only, no state change) are left out: the engine reports transitions by target, so they could
 * never count as exercised. Eventless (`always`) transitions are listed with the event `xstate.always`.
 */
export function describeMachine(machine: AnyStateMachine = roamingMachine): MachineModel {
  const root = machine.root as unknown as NodeLike;
  const states: MachineState[] = [];
  const transitions = new Map<string, { t: Omit<MachineTransition, 'guards'>; guards: string[] }>();
  const invokeNames = new Map<string, string>();

  const visit = (node: NodeLike, parent: NodeLike | undefined): void => {
    if (parent) {
      const initial = node.initial?.target[0]?.id;
      states.push({ id: node.id, type: node.type, parent: parent === root ? undefined : parent.id, ...(initial ? { initial } : {}) });
    }
    for (const invoke of node.invoke) invokeNames.set(invoke.id, srcName(invoke.src));
    const add = (event: string, definition: TransitionLike): void => {
      for (const target of definition.target ?? []) {
        const key = transitionKey({ from: node.id, event, to: target.id });
        let entry = transitions.get(key);
        if (!entry) {
          entry = { t: { from: node.id, event, to: target.id, ...classify(event, invokeNames) }, guards: [] };
          transitions.set(key, entry);
        }
        const guard = guardName(definition.guard);
        if (guard && !entry.guards.includes(guard)) entry.guards.push(guard);
      }
    };
    for (const [event, definitions] of node.transitions) for (const definition of definitions) add(event, definition);
    for (const definition of node.always ?? []) add('xstate.always', definition);
    for (const child of Object.values(node.states)) visit(child, node);
  };
  visit(root, undefined);

  const initial = root.initial?.target[0]?.id;
  return {
    machine: root.id,
    ...(initial ? { initial } : {}),
    states,
    transitions: [...transitions.values()].map(({ t, guards }) => ({ ...t, guards })),
  };
}

function classify(event: string, invokeNames: ReadonlyMap<string, string>): { kind: TransitionKind; label: string } {
  const actor = (prefix: string) => {
    const id = event.slice(prefix.length);
    return invokeNames.get(id) ?? id;
  };
  if (event.startsWith('xstate.done.actor.')) return { kind: 'done', label: `done: ${actor('xstate.done.actor.')}` };
  if (event.startsWith('xstate.error.actor.')) return { kind: 'error', label: `error: ${actor('xstate.error.actor.')}` };
  if (event.startsWith('xstate.after.')) return { kind: 'after', label: `after ${event.slice('xstate.after.'.length).split('.')[0]} ms` };
  if (event === 'xstate.always') return { kind: 'always', label: 'always' };
  return { kind: 'event', label: event };
}

/** Collects the transitions of the scenarios one process ran (one per worker under --parallel). */
export class StateCoverageRecorder {
  private readonly seen = new Map<string, { key: TransitionKey; count: number; scenarios: string[] }>();
  private scenarioCount = 0;

  /** Adds one scenario's transitions (`world.transitions`). */
  record(transitions: readonly TransitionKey[], scenario?: string): void {
    this.scenarioCount++;
    for (const t of transitions) {
      const id = transitionKey(t);
      let entry = this.seen.get(id);
      if (!entry) {
        entry = { key: { from: t.from, event: t.event, to: t.to }, count: 0, scenarios: [] };
        this.seen.set(id, entry);
      }
      entry.count++;
      if (scenario !== undefined && entry.scenarios.length < MAX_EXAMPLES && !entry.scenarios.includes(scenario)) entry.scenarios.push(scenario);
    }
  }

  snapshot(): RecorderSnapshot {
    return {
      scenarios: this.scenarioCount,
      transitions: [...this.seen.values()].map(({ key, count, scenarios }) => ({ ...key, count, scenarios: [...scenarios] })),
    };
  }
}

/** Sums per-process snapshots (the per-worker files of a --parallel run). */
export function mergeSnapshots(parts: readonly RecorderSnapshot[]): RecorderSnapshot {
  const merged = new Map<string, { key: TransitionKey; count: number; scenarios: string[] }>();
  let scenarios = 0;
  for (const part of parts) {
    scenarios += part.scenarios;
    for (const t of part.transitions) {
      const id = transitionKey(t);
      let entry = merged.get(id);
      if (!entry) {
        entry = { key: { from: t.from, event: t.event, to: t.to }, count: 0, scenarios: [] };
        merged.set(id, entry);
      }
      entry.count += t.count;
      for (const s of t.scenarios) if (entry.scenarios.length < MAX_EXAMPLES && !entry.scenarios.includes(s)) entry.scenarios.push(s);
    }
  }
  return { scenarios, transitions: [...merged.values()].map(({ key, count, scenarios: names }) => ({ ...key, count, scenarios: names })) };
}

function ratio(covered: number, total: number): Ratio {
  return { covered, total, percent: total === 0 ? 100 : Math.round((covered / total) * 1000) / 10 };
}

/** Lays the recorded transitions over the model. */
export function computeCoverage(model: MachineModel, recorded: RecorderSnapshot, generatedAt = new Date()): StateCoverageReport {
  const byKey = new Map(recorded.transitions.map((t) => [transitionKey(t), t]));
  const modelKeys = new Set(model.transitions.map(transitionKey));
  const transitions: CoveredTransition[] = model.transitions.map((t) => {
    const seen = byKey.get(transitionKey(t));
    return { ...t, count: seen?.count ?? 0, covered: (seen?.count ?? 0) > 0, scenarios: seen?.scenarios ?? [] };
  });

  // A state counts as visited when a transition left it or entered it; entering a compound state enters
  // its initial child, and being in a child means being in each ancestor.
  const stateById = new Map(model.states.map((s) => [s.id, s]));
  const visited = new Set<string>();
  const enter = (id: string): void => {
    let state = stateById.get(id);
    if (!state || visited.has(id)) return;
    visited.add(id);
    if (state.initial) enter(state.initial);
    while (state?.parent) {
      visited.add(state.parent);
      state = stateById.get(state.parent);
    }
  };
  for (const t of recorded.transitions) {
    if (t.count <= 0) continue;
    enter(t.from);
    enter(t.to);
  }
  const states = model.states.map((s) => ({ ...s, visited: visited.has(s.id) }));
  const coveredTransitions = transitions.filter((t) => t.covered).length;
  return {
    machine: model.machine,
    ...(model.initial ? { initial: model.initial } : {}),
    generatedAt: generatedAt.toISOString(),
    scenarios: recorded.scenarios,
    summary: {
      transitions: ratio(coveredTransitions, transitions.length),
      states: ratio(states.filter((s) => s.visited).length, states.length),
    },
    states,
    transitions,
    unknown: recorded.transitions.filter((t) => !modelKeys.has(transitionKey(t))),
  };
}

/** `state coverage: 23/29 transitions (79.3%), 12/12 states` */
export function summaryLine(report: StateCoverageReport): string {
  const { transitions: t, states: s } = report.summary;
  const unknown = report.unknown.length > 0 ? `, ${report.unknown.length} taken but not in the machine` : '';
  return `state coverage: ${t.covered}/${t.total} transitions (${t.percent}%), ${s.covered}/${s.total} states${unknown}`;
}

/** A state id relative to the machine (`attaching.authenticating`). */
function shortId(machine: string, id: string): string {
  return id.startsWith(`${machine}.`) ? id.slice(machine.length + 1) : id;
}

function mermaidId(machine: string, id: string): string {
  return shortId(machine, id).replace(/[^A-Za-z0-9_]/g, '_');
}

function transitionText(t: MachineTransition): string {
  const guard = t.guards.length > 0 ? ` if ${t.guards.join(' or ')}` : '';
  return `${t.label}${guard}`;
}

/**
 * Mermaid `stateDiagram-v2` text: compound states as composite blocks, each transition labelled with its
 * event (and guard); transitions no scenario took end with "(not exercised)", and states no scenario reached
 * get the `unexercised` class.
 */
export function renderMermaid(report: StateCoverageReport): string {
  const m = report.machine;
  const lines = ['stateDiagram-v2'];
  const children = new Map<string | undefined, CoveredState[]>();
  for (const s of report.states) children.set(s.parent, [...(children.get(s.parent) ?? []), s]);
  const declare = (parent: string | undefined, indent: string): void => {
    for (const s of children.get(parent) ?? []) {
      const id = mermaidId(m, s.id);
      const kids = children.get(s.id);
      if (kids && kids.length > 0) {
        lines.push(`${indent}state "${s.id.split('.').pop()}" as ${id} {`);
        if (s.initial) lines.push(`${indent}  [*] --> ${mermaidId(m, s.initial)}`);
        declare(s.id, `${indent}  `);
        lines.push(`${indent}}`);
      } else {
        lines.push(`${indent}state "${s.id.split('.').pop()}" as ${id}`);
      }
    }
  };
  if (report.initial) lines.push(`  [*] --> ${mermaidId(m, report.initial)}`);
  declare(undefined, '  ');
  for (const t of report.transitions) {
    // Mermaid reads ':' ';' and '#' in a label as syntax.
    const text = transitionText(t).replace(/:\s*/g, ' ').replace(/[;#]/g, ' ');
    lines.push(`  ${mermaidId(m, t.from)} --> ${mermaidId(m, t.to)} : ${text}${t.covered ? ` (${t.count}x)` : ' (not exercised)'}`);
  }
  const unvisited = report.states.filter((s) => !s.visited).map((s) => mermaidId(m, s.id));
  lines.push('  classDef unexercised fill:#fdecea,stroke:#c62828,stroke-dasharray:4 3');
  if (unvisited.length > 0) lines.push(`  class ${unvisited.join(',')} unexercised`);
  return `${lines.join('\n')}\n`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/**
 * A self-contained SVG: the machine's atomic and compound states in columns by distance from the initial
 * state, transitions as curves numbered like the table rows (green: exercised, red dashed: not exercised).
 */
export function renderSvg(report: StateCoverageReport): string {
  const m = report.machine;
  const byId = new Map(report.states.map((s) => [s.id, s]));
  const rootInitial = report.initial;
  // Columns: breadth-first distance from the initial state over the transitions (compound -> initial child).
  const edges = new Map<string, string[]>();
  const link = (a: string, b: string) => edges.set(a, [...(edges.get(a) ?? []), b]);
  for (const t of report.transitions) link(t.from, t.to);
  for (const s of report.states) if (s.initial) link(s.id, s.initial);
  const depth = new Map<string, number>();
  const queue: string[] = [];
  if (rootInitial) {
    depth.set(rootInitial, 0);
    queue.push(rootInitial);
  }
  while (queue.length > 0) {
    const id = queue.shift() as string;
    for (const next of edges.get(id) ?? []) {
      if (!depth.has(next)) {
        depth.set(next, (depth.get(id) ?? 0) + 1);
        queue.push(next);
      }
    }
  }
  const maxDepth = Math.max(0, ...depth.values());
  for (const s of report.states) if (!depth.has(s.id)) depth.set(s.id, maxDepth + 1);
  const columns = new Map<number, CoveredState[]>();
  for (const s of report.states) columns.set(depth.get(s.id) as number, [...(columns.get(depth.get(s.id) as number) ?? []), s]);
  const colWidth = 230;
  const rowHeight = 90;
  const boxW = 170;
  const boxH = 36;
  // Order each column by the mean position of its neighbours (a few barycentre sweeps), fewer crossings.
  const neighbours = new Map<string, string[]>();
  for (const [a, targets] of edges) {
    for (const b of targets) {
      neighbours.set(a, [...(neighbours.get(a) ?? []), b]);
      neighbours.set(b, [...(neighbours.get(b) ?? []), a]);
    }
  }
  const order = [...columns.keys()].sort((a, b) => a - b);
  const rank = new Map<string, number>();
  const rerank = () => {
    for (const col of order) (columns.get(col) as CoveredState[]).forEach((s, i) => rank.set(s.id, i));
  };
  rerank();
  for (let sweep = 0; sweep < 4; sweep++) {
    const cols = sweep % 2 === 0 ? order : [...order].reverse();
    for (const col of cols) {
      const states = columns.get(col) as CoveredState[];
      const score = (s: CoveredState) => {
        const near = (neighbours.get(s.id) ?? []).filter((n) => (sweep % 2 === 0 ? (depth.get(n) as number) < col : (depth.get(n) as number) > col));
        return near.length === 0 ? (rank.get(s.id) as number) : near.reduce((sum, n) => sum + (rank.get(n) as number), 0) / near.length;
      };
      const scores = new Map(states.map((s) => [s.id, score(s)]));
      states.sort((a, b) => (scores.get(a.id) as number) - (scores.get(b.id) as number));
      rerank();
    }
  }
  const pos = new Map<string, { x: number; y: number }>();
  const rows = Math.max(...[...columns.values()].map((c) => c.length));
  for (const [col, states] of columns) {
    const top = ((rows - states.length) * rowHeight) / 2;
    states.forEach((s, row) => pos.set(s.id, { x: 30 + col * colWidth, y: 40 + top + row * rowHeight }));
  }
  const width = 60 + (Math.max(...columns.keys()) + 1) * colWidth;
  const height = 80 + rows * rowHeight;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="100%" style="max-width:${width}px" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    '<defs><marker id="arrow-ok" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#2e7d32"/></marker>',
    '<marker id="arrow-no" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#c62828"/></marker>',
    '<marker id="arrow-init" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#888"/></marker></defs>',
  );
  const anchor = (id: string) => {
    const p = pos.get(id) as { x: number; y: number };
    return { cx: p.x + boxW / 2, cy: p.y + boxH / 2, p };
  };
  // Parallel curves between the same two states fan out.
  const pairCount = new Map<string, number>();
  const pairIndex = new Map<string, number>();
  const pairOf = (a: string, b: string) => [a, b].sort().join('|');
  for (const t of report.transitions) pairCount.set(pairOf(t.from, t.to), (pairCount.get(pairOf(t.from, t.to)) ?? 0) + 1);
  const curve = (from: string, to: string, bend: number) => {
    const a = anchor(from);
    const b = anchor(to);
    const start = { x: b.cx >= a.cx ? a.p.x + boxW : a.p.x, y: a.cy };
    const end = { x: b.cx > a.cx ? b.p.x : b.cx < a.cx ? b.p.x + boxW : b.p.x + boxW, y: b.cy };
    if (b.cx === a.cx) start.x = a.p.x + boxW;
    const mx = (start.x + end.x) / 2;
    const my = (start.y + end.y) / 2;
    const dx = end.x - start.x;
    const dy = end.y - start.y;
    const len = Math.max(1, Math.hypot(dx, dy));
    const back = depth.get(to) !== undefined && (depth.get(to) as number) <= (depth.get(from) as number);
    const offset = bend + (back ? 50 : 0) + (b.cx === a.cx ? 60 : 0);
    const c = { x: mx - (dy / len) * offset, y: my + (dx / len) * offset };
    return { d: `M${start.x},${start.y} Q${c.x},${c.y} ${end.x},${end.y}`, label: { x: (start.x + 2 * c.x + end.x) / 4, y: (start.y + 2 * c.y + end.y) / 4 } };
  };
  for (const s of report.states) {
    if (!s.initial) continue;
    const { d } = curve(s.id, s.initial, 0);
    parts.push(`<path d="${d}" fill="none" stroke="#888" stroke-dasharray="2 3" marker-end="url(#arrow-init)"/>`);
  }
  report.transitions.forEach((t, i) => {
    const pair = pairOf(t.from, t.to);
    const n = pairCount.get(pair) ?? 1;
    const k = pairIndex.get(pair) ?? 0;
    pairIndex.set(pair, k + 1);
    const { d, label } = curve(t.from, t.to, (k - (n - 1) / 2) * 28);
    const color = t.covered ? '#2e7d32' : '#c62828';
    parts.push(
      `<g><title>${escapeHtml(`#${i + 1} ${shortId(m, t.from)} -> ${shortId(m, t.to)}: ${transitionText(t)} (${t.covered ? `${t.count}x` : 'not exercised'})`)}</title>`,
      `<path d="${d}" fill="none" stroke="${color}" stroke-width="1.4"${t.covered ? '' : ' stroke-dasharray="5 4"'} marker-end="url(#arrow-${t.covered ? 'ok' : 'no'})"/>`,
      `<circle cx="${label.x.toFixed(1)}" cy="${label.y.toFixed(1)}" r="9" fill="#fff" stroke="${color}"/>`,
      `<text x="${label.x.toFixed(1)}" y="${(label.y + 4).toFixed(1)}" text-anchor="middle" font-size="10" fill="${color}">${i + 1}</text></g>`,
    );
  });
  for (const s of report.states) {
    const p = pos.get(s.id) as { x: number; y: number };
    const compound = byId.get(s.id)?.initial !== undefined;
    const fill = s.visited ? '#e8f5e9' : '#fdecea';
    const stroke = s.visited ? '#2e7d32' : '#c62828';
    parts.push(
      `<g><title>${escapeHtml(s.id)} (${s.type}${s.visited ? '' : ', never reached'})</title>`,
      `<rect x="${p.x}" y="${p.y}" width="${boxW}" height="${boxH}" rx="10" fill="${fill}" stroke="${stroke}"${compound ? ' stroke-dasharray="6 3"' : ''}/>`,
      `<text x="${p.x + boxW / 2}" y="${p.y + boxH / 2 + 4}" text-anchor="middle">${escapeHtml(shortId(m, s.id))}</text></g>`,
    );
  }
  if (rootInitial) {
    const p = pos.get(rootInitial) as { x: number; y: number };
    parts.push(`<circle cx="${p.x - 14}" cy="${p.y + boxH / 2}" r="6" fill="#333"/>`);
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/** The HTML page: summary, drawing, transition and state tables, and the Mermaid text to paste elsewhere. */
export function renderHtml(report: StateCoverageReport): string {
  const m = report.machine;
  const rows = report.transitions
    .map(
      (t, i) =>
        `<tr class="${t.covered ? 'ok' : 'no'}"><td>${i + 1}</td><td>${escapeHtml(shortId(m, t.from))}</td><td title="${escapeHtml(t.event)}">${escapeHtml(t.label)}</td><td>${escapeHtml(t.guards.join(', '))}</td><td>${escapeHtml(shortId(m, t.to))}</td><td>${t.count}</td><td>${t.covered ? 'exercised' : '<b>not exercised</b>'}</td><td>${escapeHtml(t.scenarios.join(' · '))}</td></tr>`,
    )
    .join('\n');
  const stateRows = report.states
    .map((s) => `<tr class="${s.visited ? 'ok' : 'no'}"><td>${escapeHtml(shortId(m, s.id))}</td><td>${s.type}</td><td>${s.visited ? 'reached' : '<b>never reached</b>'}</td></tr>`)
    .join('\n');
  const unknown =
    report.unknown.length === 0
      ? ''
      : `<h2>Taken but not in the machine</h2><p>The scenarios took these transitions, which the machine definition does not list.</p><ul>${report.unknown
          .map((t) => `<li>${escapeHtml(`${t.from} --${t.event}--> ${t.to}`)} (${t.count}x)</li>`)
          .join('')}</ul>`;
  const { transitions: tr, states: st } = report.summary;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>State coverage: ${escapeHtml(m)}</title>
<style>
body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #ccc;padding:4px 8px;font-size:13px;text-align:left;vertical-align:top}
tr.ok td:nth-child(7),tr.ok td:nth-child(3){color:#2e7d32}tr.no{background:#fdecea}.svg{overflow:auto;border:1px solid #ddd;padding:8px}pre{background:#f6f8fa;padding:12px;overflow:auto;font-size:12px}
</style></head><body>
<h1>State coverage: ${escapeHtml(m)} machine</h1>
<p id="summary"><b>${tr.covered}/${tr.total}</b> transitions exercised (${tr.percent}%), <b>${st.covered}/${st.total}</b> states reached, over ${report.scenarios} scenarios. Generated ${escapeHtml(report.generatedAt)}.</p>
<div class="svg">${renderSvg(report)}</div>
<h2>Transitions</h2>
<table id="transitions"><thead><tr><th>#</th><th>from</th><th>event</th><th>guard</th><th>to</th><th>times</th><th>status</th><th>example scenarios</th></tr></thead><tbody>
${rows}
</tbody></table>
<h2>States</h2>
<table id="states"><thead><tr><th>state</th><th>type</th><th>status</th></tr></thead><tbody>
${stateRows}
</tbody></table>
${unknown}
<h2>Mermaid</h2>
<p>The same diagram as Mermaid <code>stateDiagram-v2</code> text (render it with any Mermaid viewer).</p>
<pre class="mermaid-source">${escapeHtml(renderMermaid(report))}</pre>
</body></html>
`;
}

/** Writes `state-coverage.json` and `state-coverage.html` into `dir`; returns their paths. */
export function writeCoverageReports(dir: string, report: StateCoverageReport): { json: string; html: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'state-coverage.json');
  const html = join(dir, 'state-coverage.html');
  writeFileSync(json, `${JSON.stringify({ ...report, mermaid: renderMermaid(report) }, null, 2)}\n`);
  writeFileSync(html, renderHtml(report));
  return { json, html };
}
