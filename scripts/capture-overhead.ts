import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Wall time of the whole feature suite (every report format, as `make simulate` runs it) with captures on
 * and with ROAMSIM_PCAP=off, alternating A B A B so drift hits both; the overhead is the ratio of medians.
 */
export function measureCaptureOverhead(runs = 5): { on_ms: number; off_ms: number; overhead_pct: number; runs: number } {
  const root = path.join(__dirname, '..');
  const time = (pcap: 'on' | 'off'): number => {
    const reports = mkdtempSync(path.join(tmpdir(), `roamsim-bench-${pcap}-`));
    const started = process.hrtime.bigint();
    const run = spawnSync('npx', ['cucumber-js', '--format', `junit:${reports}/junit.xml`, '--format', `html:${reports}/cucumber.html`], {
      cwd: root,
      env: { ...process.env, ROAMSIM_PCAP: pcap, ROAMSIM_REPORTS_DIR: reports },
      encoding: 'utf8',
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    rmSync(reports, { recursive: true, force: true });
    if (run.status !== 0) throw new Error(`feature run with ROAMSIM_PCAP=${pcap} failed:\n${run.stdout.slice(-2000)}`);
    return ms;
  };
  time('on');
  const on: number[] = [];
  const off: number[] = [];
  for (let i = 0; i < runs; i++) {
    on.push(time('on'));
    off.push(time('off'));
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const onMs = median(on);
  const offMs = median(off);
  return { on_ms: Math.round(onMs), off_ms: Math.round(offMs), overhead_pct: Math.round(((onMs - offMs) / offMs) * 1000) / 10, runs };
}

if (require.main === module) {
  const runs = Number(process.argv[2] ?? 5);
  process.stdout.write(`${JSON.stringify({ capture_overhead: measureCaptureOverhead(runs) })}\n`);
}
