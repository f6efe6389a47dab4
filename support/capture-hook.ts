import path from 'node:path';
import { CaptureRecorder, CaptureRun } from '../src/capture/hook';
import { runPseudonymizer } from '../src/subscribers/run-pseudonymizer';
import type { SuiteRun } from './suite';

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

/** A pcap capture and a drawn ladder per scenario, attached to the report. */
export function installCapture(suite: SuiteRun): void {
  const run = new CaptureRun();
  suite.onScenario((world) => {
    const settings = captureSettings();
    if (!settings.enabled || !suite.sinkOn('captures')) return undefined;
    const recorder = new CaptureRecorder({
      dir: settings.dir,
      scrub: settings.scrub,
      run,
      pseudonymizer: runPseudonymizer(world.config),
      warn: (message) => process.stderr.write(`roamsim capture: ${message}\n`),
      // On the bus: the telemetry counts it as roamsim_capture_failures_total.
      onFailure: () => world.bus.emitSinkFailure({ sink: 'capture', scenario: world.scenarioName }),
    });
    recorder.start(world.bus, world.featureName, world.scenarioName);
    return {
      finish() {
        const result = recorder.finish();
        if (result.pcap) {
          world.attach(result.pcap, { mediaType: 'application/vnd.tcpdump.pcap', fileName: path.basename(result.path ?? 'capture.pcap') });
        }
        // One page carries the drawn ladder (inline SVG, renders offline) and its Mermaid source.
        if (result.html && suite.sinkOn('ladders')) world.attach(result.html, { mediaType: 'text/html', fileName: 'ladder.html' });
        for (const skipped of result.skipped) {
          world.log(`capture skipped event ${skipped.event}: ${skipped.reason}`);
        }
      },
    };
  });
}
