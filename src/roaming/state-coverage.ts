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
  /** Up to MAX_EXAMPLES scenario names that exercised it: the first ones in feature order. */
  readonly scenarios: readonly string[];
  /** The feature-order key of each example (`order[i]` belongs to `scenarios[i]`), so merges keep the first. */
  readonly order?: readonly string[];
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

/** Scenarios without a key sort after every keyed one, in arrival order. */
const UNKEYED = '\uffff';

interface Examples {
  names: string[];
  keys: string[];
}

/** Adds an example, keeping the MAX_EXAMPLES first by key (ties and unkeyed: first come). */
function addExample(examples: Examples, name: string, key: string): void {
  if (examples.names.includes(name)) return;
  let at = examples.keys.findIndex((k) => k > key);
  if (at < 0) at = examples.keys.length;
  if (at >= MAX_EXAMPLES) return;
  examples.names.splice(at, 0, name);
  examples.keys.splice(at, 0, key);
  examples.names.length = Math.min(examples.names.length, MAX_EXAMPLES);
  examples.keys.length = Math.min(examples.keys.length, MAX_EXAMPLES);
}

function snapshotOf(key: TransitionKey, count: number, examples: Examples): RecordedTransition {
  const keyed = examples.keys.some((k) => k !== UNKEYED);
  return { ...key, count, scenarios: [...examples.names], ...(keyed ? { order: [...examples.keys] } : {}) };
}

/** Collects the transitions of the scenarios one process ran (one per worker under --parallel). */
export class StateCoverageRecorder {
  private readonly seen = new Map<string, { key: TransitionKey; count: number; examples: Examples }>();
  private scenarioCount = 0;

  /**
   * Adds one scenario's transitions (`world.transitions`); `order` is its place in feature order
   * (src/reports/feature-order.ts), which makes the examples the first scenarios in that order.
   */
  record(transitions: readonly TransitionKey[], scenario?: string, order?: string): void {
    this.scenarioCount++;
    for (const t of transitions) {
      const id = transitionKey(t);
      let entry = this.seen.get(id);
      if (!entry) {
        entry = { key: { from: t.from, event: t.event, to: t.to }, count: 0, examples: { names: [], keys: [] } };
        this.seen.set(id, entry);
      }
      entry.count++;
      if (scenario !== undefined) addExample(entry.examples, scenario, order ?? UNKEYED);
    }
  }

  snapshot(): RecorderSnapshot {
    return { scenarios: this.scenarioCount, transitions: [...this.seen.values()].map(({ key, count, examples }) => snapshotOf(key, count, examples)) };
  }
}

/** Sums per-process snapshots (the per-worker files of a --parallel run). */
export function mergeSnapshots(parts: readonly RecorderSnapshot[]): RecorderSnapshot {
  const merged = new Map<string, { key: TransitionKey; count: number; examples: Examples }>();
  let scenarios = 0;
  for (const part of parts) {
    scenarios += part.scenarios;
    for (const t of part.transitions) {
      const id = transitionKey(t);
      let entry = merged.get(id);
      if (!entry) {
        entry = { key: { from: t.from, event: t.event, to: t.to }, count: 0, examples: { names: [], keys: [] } };
        merged.set(id, entry);
      }
      entry.count += t.count;
      t.scenarios.forEach((name, i) => addExample(entry.examples, name, t.order?.[i] ?? UNKEYED));
    }
  }
  return { scenarios, transitions: [...merged.values()].map(({ key, count, examples }) => snapshotOf(key, count, examples)) };
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

/** The reading order of the roaming machine's life cycle, left to right; other top-level states go below. */
export const LIFE_CYCLE = ['idle', 'attaching', 'registered', 'moving', 'detaching', 'detached'] as const;

interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

const SVG_FONT = 11;
/** Roughly 6 px per character at 11 px sans-serif: enough to keep labels apart. */
const labelWidth = (text: string): number => text.length * 6.2 + 10;

/**
 * A self-contained SVG drawn for people: the life cycle left to right on one row (idle → attaching →
 * registered → moving → detaching → detached, compound states as frames around their steps), error states
 * on a row below. Transitions are right-angled paths; each label sits on its path's horizontal segment, and
 * segments are packed into levels so that no two labels overlap (labels carry a white halo, so a line passing
 * behind one never hides it). Numbers match the transition table; green: exercised, red dashed: not exercised.
 */
export function renderSvg(report: StateCoverageReport): string {
  const m = report.machine;
  const shortOf = (id: string) => shortId(m, id);
  const children = new Map<string | undefined, CoveredState[]>();
  for (const s of report.states) children.set(s.parent, [...(children.get(s.parent) ?? []), s]);
  const top = children.get(undefined) ?? [];
  const rank = (s: CoveredState) => (LIFE_CYCLE as readonly string[]).indexOf(shortOf(s.id));
  const main = top.filter((s) => rank(s) >= 0).sort((a, b) => rank(a) - rank(b));
  const below = top.filter((s) => rank(s) < 0);

  const COL = 150;
  const BOX_W = 126;
  const BOX_H = 34;
  const HEADER = 22;
  const LANE = 17;
  const LEFT = 40;
  const leaves = (s: CoveredState): CoveredState[] => {
    const kids = children.get(s.id) ?? [];
    return kids.length === 0 ? [s] : kids.flatMap(leaves);
  };
  // Columns: each leaf of the life cycle takes one; compound states frame their leaves.
  const column = new Map<string, number>();
  let next = 0;
  for (const s of main) for (const leaf of leaves(s)) column.set(leaf.id, next++);
  const columns = Math.max(next, below.length, 1);

  type Edge = { t: CoveredTransition; index: number; from: string; to: string; text: string; lane: 'above' | 'between' | 'under'; level: number; sx: number; tx: number };
  const rowOf = (id: string): 'main' | 'below' => {
    let s = report.states.find((x) => x.id === id);
    while (s?.parent) s = report.states.find((x) => x.id === s?.parent);
    return s && rank(s) >= 0 ? 'main' : 'below';
  };
  const edges: Edge[] = report.transitions.map((t, index) => {
    const guard = t.guards.length > 0 ? ` if ${t.guards.join(' or ')}` : '';
    const text = `#${index + 1} ${t.label}${guard} ${t.covered ? `×${t.count}` : '(not exercised)'}`;
    const rows = [rowOf(t.from), rowOf(t.to)];
    const lane = rows[0] === 'main' && rows[1] === 'main' ? 'above' : rows[0] === 'below' && rows[1] === 'below' ? 'under' : 'between';
    return { t, index, from: t.from, to: t.to, text, lane, level: 0, sx: 0, tx: 0 };
  });

  // Boxes before levels are known use a provisional y; x positions are final.
  const boxX = new Map<string, { x: number; w: number }>();
  for (const s of main) {
    const ls = leaves(s);
    for (const leaf of ls) boxX.set(leaf.id, { x: LEFT + (column.get(leaf.id) as number) * COL, w: BOX_W });
    if (ls.length > 1 || ls[0].id !== s.id) {
      const first = boxX.get(ls[0].id) as { x: number };
      const last = boxX.get(ls[ls.length - 1].id) as { x: number; w: number };
      boxX.set(s.id, { x: first.x - 8, w: last.x + last.w - first.x + 16 });
    }
  }
  below.forEach((s, i) => boxX.set(s.id, { x: LEFT + Math.round(((i + 1) * columns) / (below.length + 1) - 0.5) * COL, w: BOX_W }));
  for (const s of report.states) if (!boxX.has(s.id)) boxX.set(s.id, { x: LEFT, w: BOX_W });

  // Ports: each side of a box spreads its edge ends evenly, ordered by where the other end is.
  const side = (e: Edge, end: 'from' | 'to'): string => {
    const id = e[end];
    const row = rowOf(id);
    const face = e.lane === 'above' ? 'top' : e.lane === 'under' ? 'bottom' : row === 'main' ? 'bottom' : 'top';
    return `${id}|${face}`;
  };
  const centre = (id: string) => {
    const b = boxX.get(id) as { x: number; w: number };
    return b.x + b.w / 2;
  };
  const ports = new Map<string, Array<{ e: Edge; end: 'from' | 'to'; other: number }>>();
  for (const e of edges) {
    for (const end of ['from', 'to'] as const) {
      const key = side(e, end);
      ports.set(key, [...(ports.get(key) ?? []), { e, end, other: centre(end === 'from' ? e.to : e.from) }]);
    }
  }
  for (const [key, list] of ports) {
    const id = key.split('|')[0];
    const b = boxX.get(id) as { x: number; w: number };
    list.sort((a, c) => a.other - c.other || a.e.index - c.e.index);
    list.forEach((p, i) => {
      const x = b.x + 10 + ((b.w - 20) * (i + 0.5)) / list.length;
      if (p.end === 'from') p.e.sx = x;
      else p.e.tx = x;
    });
  }

  // Levels: shortest spans nearest their row; a level holds segments whose spans (labels included) are apart.
  const levels = { above: [] as Array<Array<[number, number]>>, between: [] as Array<Array<[number, number]>>, under: [] as Array<Array<[number, number]>> };
  const byLane = [...edges].sort((a, b) => Math.abs(a.tx - a.sx) - Math.abs(b.tx - b.sx) || a.index - b.index);
  for (const e of byLane) {
    const mid = (e.sx + e.tx) / 2;
    const half = labelWidth(e.text) / 2;
    const span: [number, number] = [Math.min(e.sx, e.tx, mid - half) - 6, Math.max(e.sx, e.tx, mid + half) + 6];
    const lane = levels[e.lane];
    let level = lane.findIndex((taken) => taken.every(([a, b]) => span[1] < a || span[0] > b));
    if (level < 0) {
      level = lane.length;
      lane.push([]);
    }
    lane[level].push(span);
    e.level = level;
  }

  const mainY = 20 + levels.above.length * LANE + HEADER + 14;
  const belowY = mainY + BOX_H + 8 + 14 + levels.between.length * LANE + 14;
  const height = belowY + BOX_H + 14 + levels.under.length * LANE + 20;
  const rightmost = Math.max(...[...boxX.values()].map((b) => b.x + b.w), ...edges.map((e) => (e.sx + e.tx) / 2 + labelWidth(e.text) / 2));
  const width = Math.ceil(rightmost + 30);
  const boxOf = (id: string): Box => {
    const b = boxX.get(id) as { x: number; w: number };
    const compound = (children.get(id) ?? []).length > 0;
    if (rowOf(id) === 'below') return { x: b.x, y: belowY, w: b.w, h: BOX_H };
    return compound ? { x: b.x, y: mainY - HEADER, w: b.w, h: BOX_H + HEADER + 8 } : { x: b.x, y: mainY, w: b.w, h: BOX_H };
  };

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="100%" style="max-width:${width}px" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="${SVG_FONT}">`,
    '<defs><marker id="sc-ok" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#2e7d32"/></marker>',
    '<marker id="sc-no" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#c62828"/></marker></defs>',
  ];
  // Frames and boxes first, so paths and labels draw over them.
  const drawState = (s: CoveredState) => {
    const b = boxOf(s.id);
    const compound = (children.get(s.id) ?? []).length > 0;
    const stroke = s.visited ? '#2e7d32' : '#c62828';
    const fill = compound ? '#f7faf7' : s.visited ? '#e8f5e9' : '#fdecea';
    const name = compound ? shortOf(s.id) : (s.id.split('.').pop() as string);
    parts.push(
      `<g class="state"><title>${escapeHtml(s.id)} (${s.type}${s.visited ? '' : ', never reached'})</title>`,
      `<rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="10" fill="${fill}" stroke="${stroke}"${compound ? ' stroke-dasharray="6 3"' : ''}/>`,
      compound
        ? `<text x="${b.x + 10}" y="${b.y + 15}" font-weight="bold" stroke="#fff" stroke-width="3" paint-order="stroke">${escapeHtml(name)}</text>`
        : `<text x="${b.x + b.w / 2}" y="${b.y + b.h / 2 + 4}" text-anchor="middle" font-size="12">${escapeHtml(name)}</text>`,
      '</g>',
    );
    for (const kid of children.get(s.id) ?? []) drawState(kid);
    if (compound && s.initial) {
      const first = boxOf(s.initial);
      parts.push(`<circle cx="${first.x - 4}" cy="${first.y + first.h / 2}" r="3" fill="#333"><title>initial step of ${escapeHtml(name)}</title></circle>`);
    }
  };
  for (const s of [...main, ...below]) drawState(s);
  if (report.initial) {
    const b = boxOf(report.initial);
    parts.push(`<circle cx="${b.x - 14}" cy="${b.y + b.h / 2}" r="6" fill="#333"><title>initial state</title></circle>`);
  }

  const labels: string[] = [];
  for (const e of edges) {
    const from = boxOf(e.from);
    const to = boxOf(e.to);
    let sy: number;
    let ty: number;
    let ly: number;
    if (e.lane === 'above') {
      sy = from.y;
      ty = to.y;
      ly = mainY - HEADER - 14 - e.level * LANE;
    } else if (e.lane === 'under') {
      sy = from.y + from.h;
      ty = to.y + to.h;
      ly = belowY + BOX_H + 14 + e.level * LANE;
    } else {
      sy = rowOf(e.from) === 'main' ? from.y + from.h : from.y;
      ty = rowOf(e.to) === 'main' ? to.y + to.h : to.y;
      ly = mainY + BOX_H + 8 + 14 + e.level * LANE;
    }
    const ok = e.t.covered;
    const color = ok ? '#2e7d32' : '#c62828';
    parts.push(
      `<path class="transition" d="M${e.sx.toFixed(1)},${sy} V${ly} H${e.tx.toFixed(1)} V${ty}" fill="none" stroke="${color}" stroke-width="1.3"${ok ? '' : ' stroke-dasharray="5 4"'} marker-end="url(#sc-${ok ? 'ok' : 'no'})"><title>${escapeHtml(`${shortOf(e.from)} -> ${shortOf(e.to)}: ${transitionText(e.t)}`)}</title></path>`,
    );
    labels.push(
      `<text class="transition-label" x="${((e.sx + e.tx) / 2).toFixed(1)}" y="${ly - 3}" text-anchor="middle" fill="${color}" stroke="#fff" stroke-width="4" paint-order="stroke">${escapeHtml(e.text)}</text>`,
    );
  }
  // Labels last: above every line.
  parts.push(...labels, '</svg>');
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
