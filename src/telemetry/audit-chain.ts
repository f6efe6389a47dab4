import { createHash, createHmac } from 'node:crypto';

/*
 * The MAC of the audit trail. With ROAMSIM_AUDIT_KEY every line and every digest carries
 * HMAC-SHA-256(key, text): whoever can write the files but does not hold the key cannot rewrite, append to
 * or re-seal the trail unnoticed. Without a key the same fields carry plain SHA-256, which still shows
 * damage, truncation, deletion and renaming, but not a rewrite by someone who recomputes every hash.
 */

export const AUDIT_KEY_VARIABLE = 'ROAMSIM_AUDIT_KEY';
export const DIGEST_FILE = 'audit-digests.jsonl';

export class AuditMac {
  readonly keyed: boolean;
  private readonly key?: Buffer;

  constructor(key?: string) {
    this.keyed = key !== undefined && key !== '';
    if (this.keyed) this.key = Buffer.from(key as string, 'utf8');
  }

  mac(text: string | Buffer): string {
    return this.key ? createHmac('sha256', this.key).update(text).digest('hex') : createHash('sha256').update(text).digest('hex');
  }

  /** The `prev_mac` of a file's first line: bound to the file's name, so a renamed file does not verify. */
  genesis(fileName: string): string {
    return this.mac(`roamsim-audit|genesis|${fileName}`);
  }

  /** The `prev_mac` of the first digest in a directory. */
  digestGenesis(): string {
    return this.mac('roamsim-audit|digest-genesis');
  }

  /** What `roamsim audit verify` and the run say about the key. */
  describe(): string {
    return this.keyed ? 'HMAC-SHA-256 under ROAMSIM_AUDIT_KEY' : `unkeyed (plain SHA-256): set ${AUDIT_KEY_VARIABLE} in .env so a rewrite of the trail is detected too`;
  }
}

/** Seals a record: `{...fields, "prev_mac": prev, "mac": MAC(text up to and including prev_mac + "}")}`. */
export function sealLine(mac: AuditMac, fields: Record<string, unknown>, prev: string): { line: string; mac: string } {
  const body = JSON.stringify({ ...fields, prev_mac: prev });
  const value = mac.mac(body);
  return { line: `${body.slice(0, -1)},"mac":"${value}"}`, mac: value };
}

const SEALED = /^(\{.*),"mac":"([0-9a-f]{64})"\}$/;

/** Checks a line's own MAC; returns the parsed record, or a reason. */
export function openLine(mac: AuditMac, text: string): { record: Record<string, unknown>; mac: string } | { problem: string } {
  if (text.length === 0) return { problem: 'empty line' };
  const sealed = SEALED.exec(text);
  if (!sealed) return { problem: 'no mac field at the end of the line' };
  if (mac.mac(`${sealed[1]}}`) !== sealed[2]) {
    return { problem: mac.keyed ? 'line does not match its mac under ROAMSIM_AUDIT_KEY (line was changed, or written with another key or none)' : 'line does not match its mac (line was changed)' };
  }
  try {
    const record = JSON.parse(text) as unknown;
    if (!record || typeof record !== 'object' || Array.isArray(record)) return { problem: 'not a JSON object' };
    return { record: record as Record<string, unknown>, mac: sealed[2] };
  } catch {
    return { problem: 'not valid JSON' };
  }
}
