import { orExitOnConfigError } from '../src/config/fatal';
import { type RoamingConfig, loadConfig } from '../src/config/load';
import { type TransportMode, parseTransportMode } from '../src/roaming/transport';
import { WriteLedger } from '../src/telemetry/durable-write';
import { elementProviders } from '../mocks/embedded';
import type { RoamingWorld } from './world';

/** Something that follows one scenario (capture, metrics delta, audit excerpt, billing reconciliation). */
export interface ScenarioSink {
  /** Called after the scenario's steps, before the world is torn down; may attach to the report. */
  finish?(result: { status: string; failed: boolean }): void | Promise<void>;
}
export type ScenarioSinkFactory = (world: RoamingWorld) => ScenarioSink | undefined;

/**
 * What one feature run (one process, or one worker under --parallel) owns: its configuration, its transport
 * mode, the embedded element implementation (with its MSW server and live suite) and the per-scenario sinks
 * the adapters of support/ registered, in the order support/index.ts installed them. Created once by
 * support/index.ts and handed to every adapter and to each scenario's World: nothing of it is module state.
 */
export class SuiteRun {
  /** The element implementations scenarios may use, by the name `networks[].elements` gives (`embedded`). */
  readonly providers = elementProviders();
  readonly elements = this.providers.embedded;
  /** Records the run could not write (audit, dead letters, billing, logs, reports): summarised at the end. */
  readonly ledger = new WriteLedger();
  private readonly sinkFactories: ScenarioSinkFactory[] = [];
  private loaded?: RoamingConfig;

  /** The run's configuration, loaded once. A config error ends the run with its message and status 2, not a stack trace in every hook. */
  config(): RoamingConfig {
    return (this.loaded ??= orExitOnConfigError(() => loadConfig()));
  }

  mode(): TransportMode {
    return parseTransportMode((process.env.ROAMSIM_MODE ?? 'intercept').trim(), 'ROAMSIM_MODE');
  }

  /** Adds a per-scenario sink; `finish` calls run in registration order. */
  onScenario(factory: ScenarioSinkFactory): void {
    this.sinkFactories.push(factory);
  }

  sinksFor(world: RoamingWorld): ScenarioSink[] {
    return this.sinkFactories.map((factory) => factory(world)).filter((sink): sink is ScenarioSink => sink !== undefined);
  }

  close(): void {
    this.elements.close();
  }
}
