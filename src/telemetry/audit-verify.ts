import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AuditMac, DIGEST_FILE, openLine } from './audit-chain';

const FILE_NAME = /^audit-(\d{4})-(\d{2})-(\d{2})\.jsonl$/;
const LOOKS_LIKE_AUDIT = /^audit-.*\.jsonl/;

export type AuditVerification =
  | { ok: true; files: number; lines: number; digests: number; keyed: boolean; lastDigest: string }
  | { ok: false; file: string; line: number; reason: string };

interface FileRead {
  readonly macs: string[];
}

interface DigestEntry {
  file: string;
  lines: number;
  first_mac: string;
  last_mac: string;
}

/**
 * Checks an audit directory: every line of every audit-YYYY-MM-DD.jsonl (its mac, its seq, its link to the
 * line before, the first line's link to the file's name, its date against the file's day), the digest chain
 * in audit-digests.jsonl, every file and line count each digest recorded (a file may only be missing if a
 * digest lists it as deleted by retention), and that the last digest covers every line present. `key` is
 * ROAMSIM_AUDIT_KEY (undefined: unkeyed). The first problem found is returned.
 */
export function verifyAudit(dir: string, key?: string): AuditVerification {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return broken(dir, 0, 'no such directory');
  const mac = new AuditMac(key);
  const names = readdirSync(dir).sort();
  const stray = names.find((name) => LOOKS_LIKE_AUDIT.test(name) && name !== DIGEST_FILE && !validName(name));
  if (stray) return broken(join(dir, stray), 0, 'not an audit file name (audit-YYYY-MM-DD.jsonl with a real date): renamed?');
  const auditNames = names.filter(validName);
  const digestFile = join(dir, DIGEST_FILE);
  const hasDigests = names.includes(DIGEST_FILE);
  if (auditNames.length === 0 && !hasDigests) return broken(dir, 0, 'no audit trail here (no audit-*.jsonl and no audit-digests.jsonl): nothing to vouch for');

  // Digests first: they say whether the trail is keyed, which decides how to read a failing mac.
  const digests: Array<{ record: Record<string, unknown>; number: number }> = [];
  if (hasDigests) {
    const data = readFileSync(digestFile);
    let prev = mac.digestGenesis();
    let offset = 0;
    for (let number = 1; offset < data.length; number++) {
      const end = data.indexOf(0x0a, offset);
      if (end < 0) return broken(digestFile, number, 'digest has no terminating newline (interrupted write?)');
      const text = data.subarray(offset, end).toString('utf8');
      offset = end + 1;
      const opened = openLine(mac, text);
      if ('problem' in opened) {
        if (!mac.keyed && /"keyed":true/.test(text)) return broken(digestFile, number, 'the trail is keyed: set ROAMSIM_AUDIT_KEY (in .env or the environment) to verify it');
        if (mac.keyed && /"keyed":false/.test(text)) return broken(digestFile, number, 'digest was written without ROAMSIM_AUDIT_KEY (unkeyed) but a key is set: the trail may have been rewritten without the key');
        return broken(digestFile, number, `digest: ${opened.problem}`);
      }
      if (opened.record.prev_mac !== prev) return broken(digestFile, number, number === 1 ? 'first digest does not start the chain (digests before it were removed?)' : `prev_mac does not match digest ${number - 1} (a digest was removed, reordered or replaced)`);
      if (opened.record.seq !== number) return broken(digestFile, number, `digest seq ${String(opened.record.seq)} where ${number} was expected`);
      prev = opened.mac;
      digests.push({ record: opened.record, number });
    }
  }

  const files = new Map<string, FileRead>();
  let lines = 0;
  for (const name of auditNames) {
    const file = join(dir, name);
    const data = readFileSync(file);
    const macs: string[] = [];
    let prev = mac.genesis(name);
    const day = name.slice('audit-'.length, 'audit-'.length + 10);
    let offset = 0;
    for (let number = 1; offset < data.length; number++) {
      const end = data.indexOf(0x0a, offset);
      if (end < 0) return broken(file, number, 'line has no terminating newline (interrupted write?)');
      const opened = openLine(mac, data.subarray(offset, end).toString('utf8'));
      offset = end + 1;
      if ('problem' in opened) return broken(file, number, opened.problem);
      const { record } = opened;
      if (record.prev_mac !== prev) {
        return broken(file, number, number === 1 ? 'first line does not start this file\'s chain (file renamed, or lines removed from its start)' : `prev_mac does not match line ${number - 1} (a line was removed, inserted or moved)`);
      }
      if (record.seq !== number) return broken(file, number, `seq ${String(record.seq)} where ${number} was expected`);
      if (typeof record.when !== 'string' || record.when.slice(0, 10) !== day) return broken(file, number, `dated ${String(record.when)}, in the file of ${day} (back-dated?)`);
      prev = opened.mac;
      macs.push(opened.mac);
      lines++;
    }
    files.set(name, { macs });
  }

  if (digests.length === 0) {
    return broken(digestFile, 0, 'no digest: nothing shows the trail is complete (a run that has not ended, or audit-digests.jsonl was removed or emptied)');
  }

  const deletedBy = new Map<string, number>();
  for (const { record, number } of digests) {
    for (const entry of entries(record.deleted)) deletedBy.set(entry.file, number);
  }
  for (const { record, number } of digests) {
    for (const entry of entries(record.files)) {
      const read = files.get(entry.file);
      if (!read) {
        const deletion = deletedBy.get(entry.file);
        if (deletion !== undefined && deletion >= number) continue;
        return broken(join(dir, entry.file), 0, `missing: digest ${number} recorded ${entry.lines} lines in it and no later digest records its deletion by retention (deleted or renamed)`);
      }
      if (read.macs.length < entry.lines) {
        return broken(join(dir, entry.file), read.macs.length, `has ${read.macs.length} lines, digest ${number} recorded ${entry.lines} (lines removed from its end, or the file was emptied)`);
      }
      if (read.macs[0] !== entry.first_mac || read.macs[entry.lines - 1] !== entry.last_mac) {
        return broken(join(dir, entry.file), entry.lines, `does not match digest ${number} (the file was rewritten)`);
      }
    }
  }
  const last = digests[digests.length - 1];
  const covered = new Map(entries(last.record.files).map((entry) => [entry.file, entry.lines]));
  for (const [name, read] of files) {
    const upTo = covered.get(name) ?? 0;
    if (read.macs.length > upTo) {
      return broken(join(dir, name), upTo + 1, `lines ${upTo + 1}-${read.macs.length} are covered by no digest (written by a run that has not ended or was killed, or the last digests were removed)`);
    }
  }
  return { ok: true, files: files.size, lines, digests: digests.length, keyed: mac.keyed, lastDigest: String(last.record.mac ?? '') };
}

function validName(name: string): boolean {
  const match = FILE_NAME.exec(name);
  if (!match) return false;
  const time = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return new Date(time).toISOString().slice(0, 10) === `${match[1]}-${match[2]}-${match[3]}`;
}

function entries(value: unknown): DigestEntry[] {
  return Array.isArray(value) ? (value.filter((item) => item && typeof item === 'object' && typeof item.file === 'string') as DigestEntry[]) : [];
}

function broken(file: string, line: number, reason: string): AuditVerification {
  return { ok: false, file, line, reason };
}
