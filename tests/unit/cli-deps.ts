import type { CliDeps } from '../../src/cli/main';
import { EMBEDDED_SOURCE, elementProviders } from '../../mocks/embedded';

/** What bin/roamsim.js injects into the CLI, for tests that run the commands in process. */
export const CLI_DEPS: CliDeps = { elements: elementProviders, elementSource: EMBEDDED_SOURCE };
