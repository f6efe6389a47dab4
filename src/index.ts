/**
 * `roamsim`: the engine, usable without Cucumber. Build a simulation from a config with element providers
 * (the embedded mocks are `roamsim/embedded`'s `elementProviders()`), generate synthetic subscribers, run
 * Milenage, encode MAP/Diameter. `roamsim/cucumber` is the Cucumber plugin.
 */
export { buildSimulation, Simulation, type SimulationOptions, type SinkAttach } from './simulation/root';
export { loadConfig, parseSeed, DEFAULT_SECRETS, type RoamingConfig, type NetworkConfig, type AgreementConfig } from './config/load';
export { SimulatedClock, RealClock, type Clock } from './roaming/clock';
export { EventBus, type SignallingEvent, type JourneyEvent } from './roaming/events';
export type { RegistrationOutcome, RoamingEngine } from './roaming/engine';
export { TRANSPORT_MODES, parseTransportMode, type TransportMode } from './roaming/transport';
export type { ElementProvider, ElementNetwork } from './elements/seam';
export { SubscriberGenerator, type SubscriberIdentity, type KeyMaterial } from './subscribers/generator';
export { MapSubscriberStore, type SubscriberStore } from './subscribers/store';
export { milenage, computeOpc, buildAutn, verifyAutn, deriveKasme, gsmFromUmts, type MilenageInput, type MilenageOutput } from './protocol/milenage';
export { parsePlmn, formatPlmn, type Plmn } from './protocol/plmn';
export { RATS, parseRat, parseRats, type Rat } from './protocol/rat';
export { parseErrorName, describeError, type ProtocolError } from './protocol/codes';
export * as diameter from './protocol/diameter';
export * as tcapMap from './protocol/tcap-map';
export { RoamingAssertionError } from './expectations/assertion';
