import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { MockNetwork } from '../../mocks/network';
import { CaptureRecorder, type CaptureResult } from '../../src/capture/hook';
import { encodePcap } from '../../src/capture/pcap-writer';
import { mccMncLength } from '../../src/capture/scrub';
import { loadConfig } from '../../src/config/load';
import { SimulatedClock } from '../../src/roaming/clock';
import { RoamingEngine } from '../../src/roaming/engine';
import { EventBus } from '../../src/roaming/events';
import { runPseudonymizer } from '../../src/subscribers/run-pseudonymizer';

// Journeys captured to a scrubbed pcap and read back with Wireshark's dissectors: what the capture-field tests share.

export const TSHARK = '/usr/bin/tshark';

/** The `skip` option of a test that needs tshark. */
export const tsharkSkip = existsSync(TSHARK) ? false : 'tshark is not installed (make test installs it: scripts/setup-system.sh)';

const config = loadConfig({ announce: () => undefined });
const pseudonymizer = runPseudonymizer(config);
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

export interface CapturedJourney {
  readonly file: string;
  /** The IMSI as the (pseudonymised) capture shows it. */
  readonly imsi: string;
  readonly realImsi: string;
  readonly skipped: CaptureResult['skipped'];
}

/**
 * Runs `drive` for one subscriber (234-15, the given profile) on a fresh embedded network, writes the scenario's
 * scrubbed capture and checks that tshark finds no expert or malformed frame in it.
 */
export async function captureJourney(
  name: string,
  profile: string,
  drive: (engine: RoamingEngine, imsi: string) => Promise<void>,
  prepare?: (network: MockNetwork, imsi: string) => void,
): Promise<CapturedJourney> {
  const bus = new EventBus();
  const clock = new SimulatedClock(Date.UTC(2026, 11, 7, 12));
  const network = new MockNetwork({ config, seed: 16, clock, bus, scenario: name });
  const engine = new RoamingEngine({ link: network.link, store: network.store, bus, clock });
  const identity = network.generator('234-15').identity(7, profile);
  network.store.add(identity);
  prepare?.(network, identity.imsi);
  const dir = mkdtempSync(path.join(tmpdir(), 'roamsim-capture-'));
  dirs.push(dir);
  const recorder = new CaptureRecorder({ dir, scrub: true, pseudonymizer, warn: (m) => assert.fail(m) });
  recorder.start(bus, 'engine', name);
  await drive(engine, identity.imsi);
  const result = recorder.finish();
  const file = result.path;
  assert.ok(file, 'a capture was written');
  assert.deepEqual(tsharkFields(file, '_ws.expert || _ws.malformed', ['frame.number']), [], `${file} has expert or malformed frames`);
  return { file, imsi: pseudonymizer.imsi(identity.imsi, mccMncLength('234-15')), realImsi: identity.imsi, skipped: result.skipped };
}

/** One row per matching frame; occurrences of a field within a frame joined by commas. */
export function tsharkFields(file: string, filter: string, names: string[]): string[][] {
  const run = spawnSync(TSHARK, ['-r', file, '-Y', filter, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=,', ...names.flatMap((f) => ['-e', f])], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.split('\n').filter(Boolean).map((line) => line.split('\t'));
}

/** Writes frames built by hand (`buildFrames`) as `<name>.pcap` in a temporary folder removed after the tests. */
export function writeFramesPcap(name: string, frames: readonly { readonly time: number; readonly data: Buffer }[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'roamsim-capture-'));
  dirs.push(dir);
  const file = path.join(dir, `${name}.pcap`);
  writeFileSync(file, encodePcap(frames.map((f) => ({ time: f.time, data: f.data }))));
  return file;
}
