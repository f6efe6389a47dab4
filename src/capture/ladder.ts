/**
 * Sequence diagrams of a scenario's signalling, UE (NAS) exchanges included: Mermaid text for Markdown
 * reports and a self-contained HTML page whose SVG is drawn here, so it renders offline with no script.
 * Identities are printed as the events carry them: pass scrubbed events when scrubbing is on.
 */
import type { NodeRef, SignallingEvent } from '../roaming/events';
import type { ProtocolError } from '../protocol/codes';
import { nasMessages } from '../protocol/nas';
import { sgsapMessages } from '../protocol/sgsap';

interface Participant {
  readonly id: string;
  readonly label: string;
}

type RowKind = 'request' | 'answer' | 'error' | 'lost' | 'note';

interface Row {
  readonly kind: RowKind;
  readonly from: number;
  readonly to: number;
  readonly text: string;
  readonly time: number;
  readonly retry: boolean;
}

export interface Ladder {
  readonly participants: readonly Participant[];
  readonly rows: readonly Row[];
  readonly start: number;
}

const nodeKey = (node: NodeRef): string => (node.kind === 'UE' ? 'UE' : `${node.kind}|${node.plmn}|${node.address ?? ''}`);

/** Shorter than describeError, so a label fits between two lifelines. */
function errorText(error: ProtocolError): string {
  switch (error.kind) {
    case 'map':
      return `${error.name} (${error.code})${error.cause ? ` ${error.cause}` : ''}`;
    case 'diameter-experimental':
      return `Experimental-Result ${error.code} ${error.name}`;
    case 'diameter-result':
      return `Result-Code ${error.code} ${error.name}`;
    case 'local':
      return error.name;
  }
}

/** NAS exchanges are named as 3GPP writes them (Attach Request … Authentication Request …), see protocol/nas.ts. */
function nas(event: SignallingEvent): { request: string; answer: string } {
  return nasMessages(event.procedure, event.rat, event.request, event.outcome.status === 'error' ? event.outcome.error : undefined);
}

/** SGsAP exchanges are named by their messages (SGsAP-LOCATION-UPDATE-REQUEST … ACCEPT), see protocol/sgsap.ts. */
function sgs(event: SignallingEvent): { request: string; answer: string } {
  const failed = event.outcome.status === 'error';
  const cause = event.outcome.status === 'error' ? event.outcome.detail?.rejectCause : undefined;
  return sgsapMessages(event.procedure, failed, typeof cause === 'number' ? cause : undefined);
}

function requestText(event: SignallingEvent): string {
  if (event.protocol === 'SGsAP') return sgs(event).request;
  return event.protocol === 'NAS' ? nas(event).request : event.procedure;
}

function answerText(event: SignallingEvent): string {
  if (event.protocol === 'NAS') return nas(event).answer;
  if (event.protocol === 'SGsAP' && (event.outcome.status === 'ok' || event.outcome.error.kind !== 'local')) return sgs(event).answer;
  if (event.outcome.status === 'error') return `${event.procedure} failed: ${errorText(event.outcome.error)}`;
  if (event.protocol === 'S6a') return `${event.procedure}-Answer 2001`;
  if (event.protocol === 'MAP') return `${event.procedure} result`;
  return `${event.procedure} done`;
}

/** The rows of a ladder in time order (requests at start, answers at end; ties by bus tick). */
export function buildLadder(events: readonly SignallingEvent[]): Ladder {
  const participants: Participant[] = [];
  const index = new Map<string, number>();
  const labels = new Map<string, number>();
  const participant = (node: NodeRef): number => {
    const key = nodeKey(node);
    const known = index.get(key);
    if (known !== undefined) return known;
    const base = node.kind === 'UE' ? 'UE' : `${node.kind} ${node.plmn}`;
    const seen = (labels.get(base) ?? 0) + 1;
    labels.set(base, seen);
    participants.push({ id: `p${participants.length}`, label: seen > 1 ? `${base} #${seen}` : base });
    index.set(key, participants.length - 1);
    return participants.length - 1;
  };

  const sorted = [...events].sort((a, b) => a.startedAt - b.startedAt || a.startTick - b.startTick || a.id - b.id);
  for (const event of sorted) {
    participant(event.from);
    participant(event.to);
  }

  const items: Array<Row & { tick: number; seq: number }> = [];
  let seq = 0;
  for (const event of sorted) {
    const from = participant(event.from);
    const to = participant(event.to);
    const retry = event.attempt > 1;
    const attempt = retry ? ` [attempt ${event.attempt}]` : '';
    items.push({ kind: 'request', from, to, text: `${requestText(event)}${attempt}`, time: event.startedAt, tick: event.startTick, seq: seq++, retry });
    const latency = ` (${Math.round(event.latencyMs)} ms)`;
    if (event.outcome.status === 'error' && event.outcome.error.kind === 'local' && event.outcome.error.name !== 'authenticationFailure') {
      items.push({ kind: 'lost', from, to, text: `no answer to ${requestText(event)}: ${errorText(event.outcome.error)}${latency}`, time: event.endedAt, tick: event.endTick, seq: seq++, retry });
    } else {
      const kind: RowKind = event.outcome.status === 'error' ? 'error' : 'answer';
      items.push({ kind, from: to, to: from, text: `${answerText(event)}${latency}`, time: event.endedAt, tick: event.endTick, seq: seq++, retry });
    }
  }
  items.sort((a, b) => a.time - b.time || a.tick - b.tick || a.seq - b.seq);

  const subscribers = new Map<string, string>();
  for (const event of sorted) {
    const key = event.subscriber.imsi;
    if (!subscribers.has(key)) subscribers.set(key, `IMSI ${event.subscriber.imsi}${event.subscriber.msisdn ? `, MSISDN ${event.subscriber.msisdn}` : ''}`);
  }
  const notes: Row[] =
    participants.length > 0 ? [...subscribers.values()].map((text) => ({ kind: 'note' as const, from: 0, to: 0, text, time: sorted[0].startedAt, retry: false })) : [];
  return { participants, rows: [...notes, ...items], start: sorted.length > 0 ? sorted[0].startedAt : 0 };
}

// ---- Mermaid ----

/** Mermaid reads `;` as a statement break and `#` as an entity start; entity codes keep them literal. */
function mermaidText(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/#/g, '#35;').replace(/;/g, '#59;');
}

export function renderMermaid(ladder: Ladder): string {
  const lines = ['sequenceDiagram'];
  for (const p of ladder.participants) lines.push(`    participant ${p.id} as ${mermaidText(p.label)}`);
  const id = (i: number) => ladder.participants[i].id;
  for (const row of ladder.rows) {
    const text = mermaidText(row.text);
    switch (row.kind) {
      case 'note':
        lines.push(`    Note over ${id(row.from)}: ${text}`);
        break;
      case 'request':
        lines.push(`    ${id(row.from)}->>${id(row.to)}: ${text}`);
        break;
      case 'answer':
        lines.push(`    ${id(row.from)}-->>${id(row.to)}: ${text}`);
        break;
      case 'error':
        lines.push(`    ${id(row.from)}--x${id(row.to)}: ${text}`);
        break;
      case 'lost':
        lines.push(row.from === row.to ? `    Note over ${id(row.from)}: ${text}` : `    Note over ${id(row.from)},${id(row.to)}: ${text}`);
        break;
    }
  }
  return `${lines.join('\n')}\n`;
}

// ---- HTML with an inline SVG ----

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string);
}

/** About 6.6 px per character at 12 px sans-serif: enough to size boxes and the canvas. */
const textWidth = (text: string): number => text.length * 6.6;

const COLUMN = 230;
const LEFT = 90;
const TOP = 70;
const ROW = 34;
const COLORS: Record<RowKind, string> = { request: '#1f4e79', answer: '#2e7d32', error: '#c62828', lost: '#c62828', note: '#555555' };

export function renderSvg(ladder: Ladder): string {
  const count = Math.max(ladder.participants.length, 1);
  const x = (i: number) => LEFT + COLUMN * i + COLUMN / 2;
  // Labels are centred on their arrow or note; the canvas grows to the widest one.
  const rightEdge = Math.max(0, ...ladder.rows.map((r) => (x(r.from) + x(r.to)) / 2 + textWidth(r.text) / 2 + 12));
  const width = Math.ceil(Math.max(LEFT + COLUMN * count + 20, rightEdge + 20));
  const height = TOP + ROW * (ladder.rows.length + 1) + 20;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    '<defs>',
    ...(['request', 'answer'] as const).map(
      (kind) => `<marker id="head-${kind}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${COLORS[kind]}"/></marker>`,
    ),
    // A cross at the arrow end, as Mermaid draws `--x`.
    `<marker id="head-error" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="10" markerHeight="10" orient="auto"><path d="M1,1 L9,9 M1,9 L9,1" stroke="${COLORS.error}" stroke-width="2"/></marker>`,
    '</defs>',
  );
  ladder.participants.forEach((p, i) => {
    parts.push(
      `<rect x="${x(i) - 90}" y="12" width="180" height="30" rx="4" fill="#eef3f8" stroke="#1f4e79"/>`,
      `<text x="${x(i)}" y="32" text-anchor="middle" font-weight="bold">${escapeXml(p.label)}</text>`,
      `<line x1="${x(i)}" y1="42" x2="${x(i)}" y2="${height - 10}" stroke="#999" stroke-dasharray="4 4"/>`,
    );
  });
  ladder.rows.forEach((row, i) => {
    const y = TOP + ROW * i + ROW / 2;
    const color = COLORS[row.kind];
    if (row.kind !== 'note') {
      parts.push(`<text x="8" y="${y + 4}" fill="#666">+${Math.round(row.time - ladder.start)} ms</text>`);
    }
    if (row.kind === 'note' || row.kind === 'lost') {
      const span = Math.max(Math.abs(x(row.to) - x(row.from)) + 200, textWidth(row.text) + 24);
      const left = Math.max(LEFT - 20, (x(row.from) + x(row.to)) / 2 - span / 2);
      parts.push(
        `<rect x="${left}" y="${y - 11}" width="${span}" height="20" fill="${row.kind === 'lost' ? '#fdecea' : '#fff8dc'}" stroke="${color}"${row.kind === 'lost' ? ' stroke-dasharray="3 3"' : ''}/>`,
        `<text x="${left + span / 2}" y="${y + 3}" text-anchor="middle" fill="${color}">${escapeXml(row.text)}</text>`,
      );
      return;
    }
    const x1 = x(row.from);
    const x2 = row.from === row.to ? x1 + 40 : x(row.to);
    const dash = row.kind === 'request' ? '' : ' stroke-dasharray="6 3"';
    parts.push(
      `<line x1="${x1}" y1="${y + 6}" x2="${x2}" y2="${y + 6}" stroke="${color}" stroke-width="1.5"${dash} marker-end="url(#head-${row.kind})"/>`,
      `<text x="${(x1 + x2) / 2}" y="${y}" text-anchor="middle" fill="${row.retry ? '#e65100' : color}" stroke="#fff" stroke-width="3" paint-order="stroke">${escapeXml(row.text)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

export function renderHtml(ladder: Ladder, title: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeXml(title)}</title>`,
    '<style>body{font-family:sans-serif;margin:16px;color:#222}h1{font-size:18px}.legend span{margin-right:16px}</style>',
    '</head><body>',
    `<h1>${escapeXml(title)}</h1>`,
    `<p class="legend"><span style="color:${COLORS.request}">→ request</span><span style="color:${COLORS.answer}">⇢ answer</span><span style="color:${COLORS.error}">⇢✕ error / no answer</span><span style="color:#e65100">retry</span></p>`,
    ladder.rows.length > 0 ? renderSvg(ladder) : '<p>No signalling was recorded.</p>',
    // The Mermaid source of the same ladder, for pasting into docs or a Mermaid renderer.
    `<details><summary>Mermaid source</summary><pre>${escapeXml(renderMermaid(ladder))}</pre></details>`,
    '</body></html>',
    '',
  ].join('\n');
}
