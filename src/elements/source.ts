import type { ElementProviders, ElementSource } from './seam';

/** The providers of an ElementSource's module (loaded in this thread; each call builds new ones). */
export function loadElementProviders(source: ElementSource): ElementProviders {
  // A path the entry point chose at run time, not a module src/ depends on.
  const loaded = require(source.module) as { elementProviders?: () => ElementProviders };
  if (typeof loaded.elementProviders !== 'function') {
    throw new Error(`${source.module} does not export elementProviders(): it cannot provide network elements`);
  }
  return loaded.elementProviders();
}
