import path from 'node:path';
import { CaptureRecorder, CaptureRun } from '../src/capture/hook';
import { ladderAttachments } from '../src/reports/ladder-attachment';
import { runPseudonymizer } from '../src/subscribers/run-pseudonymizer';
import { MockNetwork } from '../mocks/network';
import type { SuiteRun } from './suite';
import type { RoamingWorld } from './world';

/** The scenario's embedded elements (built now if the scenario has not reached them yet). */
function embeddedNetwork(world: RoamingWorld): MockNetwork | undefined {
  const plmn = world.config.networks.find((n) => (n.elements ?? 'embedded') === 'embedded')?.plmn;
  const network = plmn === undefined ? undefined : world.simulation.networkFor(plmn);
  return network instanceof MockNetwork ? network : undefined;
}

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
    if (!settings.enabled) return undefined;
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
    // Wire mode: the capture holds the Diameter bytes that crossed the scenario's own sockets.
    const network = suite.mode() === 'wire' ? embeddedNetwork(world) : undefined;
    const wire = network ? suite.elements.diameter.transport(world.config, network).startCapture() : undefined;
    if (wire) recorder.setWire(wire);
    return {
      async finish() {
        // The scenario's peers disconnect first, so the capture ends with their DPR/DPA.
        if (wire && network) await suite.elements.diameter.release(network);
        const result = recorder.finish();
        if (result.pcap) {
          world.attach(result.pcap, { mediaType: 'application/vnd.tcpdump.pcap', fileName: path.basename(result.path ?? 'capture.pcap') });
        }
        // One page carries the drawn ladder (inline SVG, renders offline) and its Mermaid source: rendered in
        // Allure, a link to the page in Cucumber's HTML report (src/reports/ladder-attachment.ts).
        if (result.html) {
          for (const a of ladderAttachments(result.html, result.path, path.dirname(settings.dir))) world.attach(a.body, { mediaType: a.mediaType, ...(a.fileName ? { fileName: a.fileName } : {}) });
        }
        for (const skipped of result.skipped) {
          world.log(`capture skipped event ${skipped.event}: ${skipped.reason}`);
        }
      },
    };
  });
}
