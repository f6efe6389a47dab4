import path from 'node:path';
import { CaptureRecorder } from '../src/capture/hook';
import { runPseudonymizer } from '../src/subscribers/run-pseudonymizer';
import { wireSuite } from '../mocks/diameter/wire';
import { onScenario, runMode } from './world';

/** Capture failures in this process; the telemetry hook reports them as roamsim_capture_failures_total. */
export const captureFailures = { count: 0, listeners: [] as Array<() => void> };

/**
 * `ROAMSIM_PCAP=off` switches captures off. `ROAMSIM_PCAP_SCRUB=false` writes raw identities and vectors:
 * local debugging only, never in a shared report.
 */
function captureSettings() {
  const enabled = (process.env.ROAMSIM_PCAP ?? 'on').toLowerCase() !== 'off';
  const scrub = (process.env.ROAMSIM_PCAP_SCRUB ?? 'true').toLowerCase() !== 'false';
  const dir = path.join(process.env.ROAMSIM_REPORTS_DIR ?? 'reports', 'pcap');
  return { enabled, scrub, dir };
}

onScenario((world) => {
  const settings = captureSettings();
  if (!settings.enabled) return undefined;
  const recorder = new CaptureRecorder({
    dir: settings.dir,
    scrub: settings.scrub,
    pseudonymizer: runPseudonymizer(world.config),
    warn: (message) => process.stderr.write(`roamsim capture: ${message}\n`),
    onFailure: () => {
      captureFailures.count++;
      for (const listener of captureFailures.listeners) listener();
    },
  });
  recorder.start(world.bus, world.featureName, world.scenarioName);
  // Wire mode: the capture holds the Diameter bytes that crossed the scenario's sockets.
  const wire = runMode() === 'wire' ? wireSuite.transports.get(world.network)?.startCapture() : undefined;
  if (wire) recorder.setWire(wire);
  return {
    async finish() {
      // The scenario's peers disconnect first, so the capture ends with their DPR/DPA.
      if (wire) await wireSuite.transports.get(world.network)?.close();
      const result = recorder.finish();
      if (result.pcap) {
        world.attach(result.pcap, { mediaType: 'application/vnd.tcpdump.pcap', fileName: path.basename(result.path ?? 'capture.pcap') });
      }
      // One page carries the drawn ladder (inline SVG, renders offline) and its Mermaid source.
      if (result.html) world.attach(result.html, { mediaType: 'text/html', fileName: 'ladder.html' });
      for (const skipped of result.skipped) {
        world.log(`capture skipped event ${skipped.event}: ${skipped.reason}`);
      }
    },
  };
});
