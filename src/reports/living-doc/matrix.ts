/**
 * The coverage matrices of the living document, computed from what the scenarios did (their journey
 * evidence) and how they ended, never from tags: rows are procedures and outcomes, columns are RATs (one
 * matrix) or the home → visited pairs of the configuration (the other). Every row of the catalogue is shown
 * even when no scenario reached it, so an empty cell is a visible gap; `gaps()` lists them.
 */
import { type Rat, RATS } from '../../protocol/rat';
import type { EvidenceError, ScenarioEvidence } from './evidence';
import { type RunScenario, isFailing } from './run';

export type RowGroup = 'Registration' | 'Refusal' | 'Failure' | 'Mobility' | 'Billing';

export interface OutcomeRow {
  readonly key: string;
  readonly group: RowGroup;
  readonly label: string;
  /** The protocol the row belongs to: MAP rows apply to GSM and UMTS, Diameter rows to LTE. */
  readonly protocol?: 'MAP' | 'Diameter';
  /** A row that cannot apply to a visited-network pair (registration at home). */
  readonly homeOnly?: boolean;
}

/** The outcomes the harness can show, in reading order; rows seen in a run but not listed here are appended. */
export const OUTCOME_ROWS: readonly OutcomeRow[] = [
  { key: 'registration:accepted', group: 'Registration', label: 'Registration abroad accepted' },
  { key: 'registration:home', group: 'Registration', label: 'Registration at home accepted', homeOnly: true },
  { key: 'move:accepted', group: 'Mobility', label: 'Move to another network accepted' },
  { key: 'refusal:MAP:unknownSubscriber', group: 'Refusal', label: 'Refused: MAP unknownSubscriber (1)', protocol: 'MAP' },
  { key: 'refusal:MAP:roamingNotAllowed/plmnRoamingNotAllowed', group: 'Refusal', label: 'Refused: MAP roamingNotAllowed (8), plmnRoamingNotAllowed', protocol: 'MAP' },
  { key: 'refusal:MAP:roamingNotAllowed/supportedRAT-TypesNotAllowed', group: 'Refusal', label: 'Refused: MAP roamingNotAllowed (8), supportedRAT-TypesNotAllowed', protocol: 'MAP' },
  { key: 'refusal:MAP:roamingNotAllowed/operatorDeterminedBarring', group: 'Refusal', label: 'Refused: MAP roamingNotAllowed (8), operatorDeterminedBarring', protocol: 'MAP' },
  { key: 'refusal:Diameter:DIAMETER_ERROR_USER_UNKNOWN', group: 'Refusal', label: 'Refused: Diameter 5001 DIAMETER_ERROR_USER_UNKNOWN', protocol: 'Diameter' },
  { key: 'refusal:Diameter:DIAMETER_ERROR_ROAMING_NOT_ALLOWED', group: 'Refusal', label: 'Refused: Diameter 5004 DIAMETER_ERROR_ROAMING_NOT_ALLOWED', protocol: 'Diameter' },
  { key: 'refusal:Diameter:DIAMETER_ERROR_RAT_NOT_ALLOWED', group: 'Refusal', label: 'Refused: Diameter 5421 DIAMETER_ERROR_RAT_NOT_ALLOWED', protocol: 'Diameter' },
  { key: 'failure:authentication', group: 'Failure', label: 'Authentication failure (SIM key mismatch)' },
  { key: 'failure:dead-letter-timeout', group: 'Failure', label: 'Timeout: dead-lettered after no answer' },
  { key: 'failure:dead-letter-transient', group: 'Failure', label: 'Dead-lettered after transient errors' },
  { key: 'mobility:cancel-on-move', group: 'Mobility', label: 'Cancel location on move (old network told to forget)' },
  { key: 'mobility:purge-on-detach', group: 'Mobility', label: 'Purge on detach' },
  ...['registration', 'data', 'voice', 'sms', 'deregistration'].map((type): OutcomeRow => ({ key: `billing:${type}`, group: 'Billing', label: `Billing trigger: ${type}` })),
];

/** One place a scenario showed an outcome: the row, the RAT and the networks. */
export interface Observation {
  readonly row: OutcomeRow;
  readonly rat?: Rat;
  readonly home?: string;
  readonly visited?: string;
}

function refusalRow(error: EvidenceError): OutcomeRow {
  const known = OUTCOME_ROWS.find((r) => r.key === refusalKey(error));
  if (known) return known;
  const label =
    error.protocol === 'MAP'
      ? `Refused: MAP ${error.name}${error.code !== undefined ? ` (${error.code})` : ''}${error.cause ? `, ${error.cause}` : ''}`
      : `Refused: Diameter ${error.code ?? ''} ${error.name}`.replace(/\s+/g, ' ');
  return { key: refusalKey(error), group: 'Refusal', label, ...(error.protocol === 'local' ? {} : { protocol: error.protocol }) };
}

function refusalKey(error: EvidenceError): string {
  return error.protocol === 'MAP' ? `refusal:MAP:${error.name}${error.cause ? `/${error.cause}` : ''}` : `refusal:${error.protocol}:${error.name}`;
}

const rowByKey = (key: string): OutcomeRow => OUTCOME_ROWS.find((r) => r.key === key) as OutcomeRow;

/** What one scenario's evidence shows, as matrix observations. */
export function observe(evidence: ScenarioEvidence): Observation[] {
  const out: Observation[] = [];
  for (const j of evidence.journeys) {
    const where = { ...(j.rat ? { rat: j.rat } : {}), home: j.home, ...(j.visited ? { visited: j.visited } : {}) };
    if (j.type === 'registration') {
      if (j.outcome === 'accepted') out.push({ row: rowByKey(j.visited === j.home ? 'registration:home' : 'registration:accepted'), ...where });
      else if (j.outcome === 'rejected' && j.error) {
        if (j.error.protocol === 'local' && j.error.name === 'authenticationFailure') out.push({ row: rowByKey('failure:authentication'), ...where });
        else if (j.error.protocol === 'local') out.push({ row: { key: `failure:${j.error.name}`, group: 'Failure', label: `Rejected: ${j.error.name}` }, ...where });
        else out.push({ row: refusalRow(j.error), ...where });
      }
    } else if (j.type === 'dead-letter') {
      const timeout = j.error?.protocol === 'local' && j.error.name === 'timeout';
      out.push({ row: rowByKey(timeout ? 'failure:dead-letter-timeout' : 'failure:dead-letter-transient'), ...where });
    } else if (j.type === 'move' && j.outcome === 'accepted') {
      out.push({ row: rowByKey('move:accepted'), ...where });
    }
  }
  for (const p of evidence.procedures) {
    if (!p.ok) continue;
    const where = { rat: p.rat, home: p.home, visited: p.visited };
    if (p.procedure === 'CancelLocation' || p.procedure === 'Cancel-Location') out.push({ row: rowByKey('mobility:cancel-on-move'), ...where });
    if (p.procedure === 'PurgeMS' || p.procedure === 'Purge-UE') out.push({ row: rowByKey('mobility:purge-on-detach'), ...where });
  }
  for (const b of evidence.billing) {
    const row = OUTCOME_ROWS.find((r) => r.key === `billing:${b.type}`) ?? { key: `billing:${b.type}`, group: 'Billing' as const, label: `Billing trigger: ${b.type}` };
    out.push({ row, ...(b.rat ? { rat: b.rat } : {}), home: b.home, visited: b.visited });
  }
  return out;
}

export interface CellScenario {
  readonly id: string;
  readonly name: string;
  readonly failing: boolean;
}

export interface Cell {
  /** False when the row cannot apply to the column (a MAP cause on LTE): shown greyed, never a gap. */
  readonly applicable: boolean;
  readonly scenarios: readonly CellScenario[];
}

export interface Column {
  readonly key: string;
  readonly label: string;
  readonly title?: string;
}

export interface Matrix {
  readonly id: string;
  readonly title: string;
  readonly columns: readonly Column[];
  readonly rows: readonly OutcomeRow[];
  /** cells[rowKey][columnKey] */
  readonly cells: Readonly<Record<string, Readonly<Record<string, Cell>>>>;
}

export interface Pair {
  readonly home: string;
  readonly visited: string;
  readonly rats: readonly Rat[];
  readonly label?: string;
}

export interface ScenarioObservations {
  readonly scenario: RunScenario;
  readonly observations: readonly Observation[];
}

function ratApplies(row: OutcomeRow, rat: Rat): boolean {
  if (row.protocol === 'MAP') return rat !== 'LTE';
  if (row.protocol === 'Diameter') return rat === 'LTE';
  return true;
}

function build(
  id: string,
  title: string,
  columns: readonly Column[],
  seen: readonly ScenarioObservations[],
  columnOf: (o: Observation) => string | undefined,
  applies: (row: OutcomeRow, column: string) => boolean,
): Matrix {
  const rows = [...OUTCOME_ROWS];
  for (const s of seen) for (const o of s.observations) if (!rows.some((r) => r.key === o.row.key)) rows.push(o.row);
  const groupOrder: RowGroup[] = ['Registration', 'Refusal', 'Failure', 'Mobility', 'Billing'];
  rows.sort((a, b) => groupOrder.indexOf(a.group) - groupOrder.indexOf(b.group));
  const cells: Record<string, Record<string, { applicable: boolean; scenarios: CellScenario[] }>> = {};
  for (const row of rows) {
    cells[row.key] = {};
    for (const c of columns) cells[row.key][c.key] = { applicable: applies(row, c.key), scenarios: [] };
  }
  for (const { scenario, observations } of seen) {
    for (const o of observations) {
      const column = columnOf(o);
      const cell = column === undefined ? undefined : cells[o.row.key]?.[column];
      if (!cell || cell.scenarios.some((s) => s.id === scenario.id)) continue;
      // Something a scenario showed is never hidden, even where the catalogue thought it could not apply.
      cell.applicable = true;
      cell.scenarios.push({ id: scenario.id, name: scenario.name, failing: isFailing(scenario.status) });
    }
  }
  return { id, title, columns, rows, cells };
}

export function ratMatrix(seen: readonly ScenarioObservations[]): Matrix {
  return build(
    'matrix-rat',
    'Procedures and outcomes by radio technology',
    RATS.map((rat) => ({ key: rat, label: rat })),
    seen,
    (o) => o.rat,
    (row, column) => ratApplies(row, column as Rat),
  );
}

export const pairKey = (home: string, visited: string): string => `${home}>${visited}`;

/** Columns are the configured agreements; journeys between other networks (scenario agreements) are not columns. */
export function pairMatrix(seen: readonly ScenarioObservations[], pairs: readonly Pair[]): Matrix {
  const byKey = new Map(pairs.map((p) => [pairKey(p.home, p.visited), p]));
  return build(
    'matrix-pairs',
    'Procedures and outcomes by home → visited network (configured agreements)',
    pairs.map((p) => ({ key: pairKey(p.home, p.visited), label: `${p.home} → ${p.visited}`, title: `${p.label ?? ''} (${p.rats.join(', ')})`.trim() })),
    seen,
    (o) => (o.home && o.visited ? pairKey(o.home, o.visited) : undefined),
    (row, column) => {
      const pair = byKey.get(column);
      if (!pair || row.homeOnly) return false;
      return pair.rats.some((rat) => ratApplies(row, rat));
    },
  );
}

export interface Gap {
  readonly matrix: string;
  readonly row: OutcomeRow;
  readonly column: Column;
}

/** The applicable cells no scenario reached (the "not covered" list). */
export function gaps(matrix: Matrix): Gap[] {
  const out: Gap[] = [];
  for (const row of matrix.rows) {
    for (const column of matrix.columns) {
      const cell = matrix.cells[row.key][column.key];
      if (cell.applicable && cell.scenarios.length === 0) out.push({ matrix: matrix.id, row, column });
    }
  }
  return out;
}

/** `matrix|row|column` ids of the cells a scenario reached: what the history compares run to run. */
export function coveredCells(matrix: Matrix): string[] {
  const out: string[] = [];
  for (const row of matrix.rows) for (const column of matrix.columns) if (matrix.cells[row.key][column.key].scenarios.length > 0) out.push(`${matrix.id}|${row.key}|${column.key}`);
  return out;
}
