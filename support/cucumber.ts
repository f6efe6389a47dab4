/**
 * `roamsim/cucumber`: everything a Cucumber run needs — the World, parameter types {plmn} {rat} {rats}, the
 * hooks and sinks, and every step of the vocabulary. A QA repository's cucumber.js loads it with one line
 * (`requireModule: ['roamsim/cucumber']`, or `require: [require.resolve('roamsim/cucumber')]`) next to its own
 * `paths` and step files; custom steps type `this` as `RoamingWorld` and use `this.roaming`.
 */
import { checkCucumberVersion } from './cucumber-version';

checkCucumberVersion();

/* eslint-disable @typescript-eslint/no-require-imports */
require('./index');
require('../steps/subscriber');
require('../steps/network');
require('../steps/fault');
require('../steps/billing');
require('../steps/telemetry');
require('../steps/gsup');
require('../steps/charging');

export { RoamingWorld, partKey, type PartKey } from './world';
export { RoamingApi } from './roaming-api';
export type { SuiteRun, ScenarioSink } from './suite';
export type { Rat } from '../src/protocol/rat';
export type { SubscriberIdentity } from '../src/subscribers/generator';
export type { RegistrationOutcome } from '../src/roaming/engine';
export { RoamingAssertionError } from '../src/expectations/assertion';
