/**
 * Readable views of a scenario's attachments: the ladder's drawn SVG taken out of its HTML page, the billing
 * reconciliation and the metric deltas as tables. Each returns HTML fragments; every value is escaped.
 */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** The `<svg>…</svg>` of a ladder page (src/capture/ladder.ts renderHtml), or undefined when it drew none. */
export function ladderSvg(html: string): string | undefined {
  const start = html.indexOf('<svg');
  const end = html.lastIndexOf('</svg>');
  if (start < 0 || end < start) return undefined;
  const svg = html.slice(start, end + '</svg>'.length);
  // Only the drawing: a page that carried a script would not be a ladder.
  return /<script|\son[a-z]+=/i.test(svg) ? undefined : svg;
}

interface Verdict {
  readonly verdict?: string;
  readonly type?: string;
  readonly expectedCharge?: string;
  readonly emittedCharge?: string;
}
interface Trigger {
  readonly type?: string;
  readonly visitedTadig?: string;
  readonly homeTadig?: string;
  readonly service?: string;
  readonly quantity?: number;
  readonly unit?: string;
  readonly charge?: string;
  readonly wholesale?: string;
  readonly agreement?: string;
}
interface Reconciliation {
  readonly summary?: Readonly<Record<string, number>>;
  readonly verdicts?: readonly Verdict[];
  readonly triggers?: readonly Trigger[];
  readonly refusals?: ReadonlyArray<Readonly<Record<string, unknown>>>;
  readonly errors?: ReadonlyArray<{ readonly message?: string; readonly asserted?: boolean }>;
}

const VERDICT_TEXT: Record<string, string> = {
  match: 'as expected',
  diverge: 'different charge',
  'only-expected': 'expected, not emitted',
  'only-emitted': 'emitted, not claimed by a step',
};

const cell = (v: unknown) => `<td>${escapeHtml(v === undefined || v === null ? '' : String(v))}</td>`;

/** The billing reconciliation (support/billing-hook.ts) as two tables: verdicts, then the triggers emitted. */
export function billingTables(json: string): string {
  let r: Reconciliation;
  try {
    r = JSON.parse(json) as Reconciliation;
  } catch {
    return '<p class="warn">The billing reconciliation attachment is not JSON.</p>';
  }
  const parts: string[] = [];
  const verdicts = r.verdicts ?? [];
  if (verdicts.length > 0) {
    parts.push(
      '<table class="billing verdicts"><caption>Billing reconciliation: what the steps expected against what was emitted</caption>',
      '<thead><tr><th>trigger</th><th>expected</th><th>emitted</th><th>verdict</th></tr></thead><tbody>',
      ...verdicts.map(
        (v) =>
          `<tr class="v-${escapeHtml(v.verdict ?? '')}">${cell(v.type)}${cell(v.expectedCharge ?? '')}${cell(v.emittedCharge ?? '')}${cell(VERDICT_TEXT[v.verdict ?? ''] ?? v.verdict)}</tr>`,
      ),
      '</tbody></table>',
    );
  }
  const triggers = r.triggers ?? [];
  if (triggers.length > 0) {
    parts.push(
      '<table class="billing triggers"><caption>Billing triggers emitted</caption>',
      '<thead><tr><th>#</th><th>trigger</th><th>home → visited (TADIG)</th><th>usage</th><th>retail charge</th><th>wholesale</th><th>agreement</th></tr></thead><tbody>',
      ...triggers.map(
        (t, i) =>
          `<tr>${cell(i + 1)}${cell(t.type)}${cell(`${t.homeTadig ?? ''} → ${t.visitedTadig ?? ''}`)}${cell(t.service ? `${t.quantity ?? ''} ${t.unit ?? ''} ${t.service}`.trim() : '')}${cell(t.charge)}${cell(t.wholesale)}${cell(t.agreement)}</tr>`,
      ),
      '</tbody></table>',
    );
  }
  for (const refusal of r.refusals ?? []) parts.push(`<p class="note">Usage refused: ${escapeHtml(Object.entries(refusal).map(([k, v]) => `${k} ${String(v)}`).join(', '))}</p>`);
  for (const error of r.errors ?? []) parts.push(`<p class="note">Billing error${error.asserted ? ' (asserted by a step)' : ''}: ${escapeHtml(error.message ?? '')}</p>`);
  return parts.length > 0 ? parts.join('\n') : '<p class="note">Billing: nothing was emitted or expected.</p>';
}

/** `name{a="1",b="2"}` → name and labels. */
function splitSeries(series: string): { name: string; labels: string } {
  const at = series.indexOf('{');
  return at < 0 ? { name: series, labels: '' } : { name: series.slice(0, at), labels: series.slice(at + 1, series.lastIndexOf('}')).replace(/"/g, '').replace(/,/g, ', ') };
}

/**
 * The metric deltas of a scenario (support/telemetry-hook.ts: series → change) as a table. Histogram buckets
 * are left out: their _count and _sum say how many and how long.
 */
export function metricsTable(json: string): string {
  let deltas: Record<string, number>;
  try {
    deltas = JSON.parse(json) as Record<string, number>;
  } catch {
    return '<p class="warn">The metric deltas attachment is not JSON.</p>';
  }
  const rows = Object.entries(deltas).filter(([series, value]) => !splitSeries(series).name.endsWith('_bucket') && typeof value === 'number' && value !== 0);
  if (rows.length === 0) return '<p class="note">Metrics: no change.</p>';
  return [
    '<table class="metrics"><caption>Metric deltas over the scenario</caption><thead><tr><th>metric</th><th>labels</th><th>change</th></tr></thead><tbody>',
    ...rows.map(([series, value]) => {
      const { name, labels } = splitSeries(series);
      const shown = Number.isInteger(value) ? String(value) : value.toFixed(4);
      return `<tr>${cell(name)}${cell(labels)}<td class="num">${value > 0 ? '+' : ''}${escapeHtml(shown)}</td></tr>`;
    }),
    '</tbody></table>',
  ].join('\n');
}
