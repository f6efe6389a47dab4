import { Then } from '@cucumber/cucumber';
import { scenarioTelemetry } from '../support/telemetry-hook';
import type { RoamingWorld } from '../support/world';

// Deltas are measured within the scenario; a gauge can be asserted the same way ("increased by 0", "by -1").
Then('the metric {string} with labels {string} increased by {int}', async function (this: RoamingWorld, name: string, labels: string, expected: number) {
  await scenarioTelemetry(this).expectIncrease(name, labels, expected);
});
