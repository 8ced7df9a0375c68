import { ZooOptionError } from '../base/errors.js';
import type { ModelEntry } from '../model/model.js';

// What a family package's index.js runs when imported: kept apart from the look-ups (and their
// did-you-mean), so that an app that never looks a model up by name ships only this much.

/** How a family package makes its models reachable by name: its catalog, imported on first use. */
export type CatalogLoader = () => Promise<readonly ModelEntry[]> | readonly ModelEntry[];

export interface Registry {
  loaders: Map<string, CatalogLoader>;
  loaded: Map<string, readonly ModelEntry[]>;
}

// One registry per program, even when a bundler or node_modules holds two copies of core-blocks.
const KEY = Symbol.for('@zoo/core-blocks/registry');
export function registry(): Registry {
  const g = globalThis as { [KEY]?: Registry };
  g[KEY] ??= { loaders: new Map(), loaded: new Map() };
  return g[KEY];
}

/**
 * Makes a family package's models reachable by `getModel`, `createModel` and `listModels`. Each
 * family's `register.js` calls it when imported (`import '@zoo/mobile/register'`; the file is
 * listed in its `sideEffects`, so bundlers keep the bare import), with a loader that imports the
 * catalog lazily: a bundle holds the families the app registered and no other, the catalog is a
 * chunk of its own fetched by the first look-up, and an app that imports one model by its export
 * (without `register`) ships that model alone. Registering a package again replaces its loader.
 */
export function registerFamily(packageName: string, catalog: CatalogLoader): void {
  if (typeof packageName !== 'string' || !packageName) throw new ZooOptionError('packageName', packageName, 'an npm package name');
  if (typeof catalog !== 'function') throw new ZooOptionError('catalog', catalog, 'a function returning the catalog (or a promise of it)');
  const r = registry();
  r.loaders.set(packageName, catalog);
  r.loaded.delete(packageName);
}

/** The packages registered so far, in registration order. */
export function registeredFamilies(): string[] {
  return [...registry().loaders.keys()];
}
