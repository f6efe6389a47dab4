/**
 * The one entry of support/: cucumber.js loads this file (and steps/), which creates the run's SuiteRun and
 * installs every adapter in this order. Their Before and BeforeAll hooks run in this order, their After and
 * AfterAll hooks in the reverse, and the per-scenario sinks finish in this order.
 */
import { setWorldConstructor, type IWorldOptions } from '@cucumber/cucumber';
import { installAllure } from './allure-hook';
import { installBilling } from './billing-hook';
import { installCapture } from './capture-hook';
import { installDeadLetters } from './dead-letter-hook';
import { installEvidence } from './evidence-hook';
import { installScenarioLifecycle } from './hooks';
import { installLive } from './live-hook';
import { installParameters } from './parameters';
import { installStateCoverage } from './state-coverage-hook';
import { SuiteRun } from './suite';
import { installTelemetry } from './telemetry-hook';
import { installWire } from './wire-hook';
import { RoamingWorld } from './world';

function installSupport(): void {
  const suite = new SuiteRun();
  setWorldConstructor(
    class extends RoamingWorld {
      constructor(options: IWorldOptions) {
        super(options, suite);
      }
    },
  );
  installAllure(suite);
  installBilling(suite);
  installCapture(suite);
  installDeadLetters(suite);
  // After billing: its sink has stopped the scenario's billing by the time the evidence is written.
  installEvidence(suite);
  installScenarioLifecycle(suite);
  installLive(suite);
  installParameters();
  installStateCoverage(suite);
  installTelemetry(suite);
  installWire(suite);
}

installSupport();
