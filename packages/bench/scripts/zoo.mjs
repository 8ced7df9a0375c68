// What the bench scripts share: finding a model of the zoo's family packages by name, and the
// median of a list of times.
import { getModel } from '@zoo/core-blocks/family';
import { discoverFamilies } from '@zoo/profiler/node';

/** The catalog entry of a zoo model, through the front door (a typo gets the nearest names). */
export async function zooEntry(name) {
  // Every family package of the workspace is found by its manifest and registered with the front door.
  await discoverFamilies(import.meta.dirname);
  return getModel(name);
}

export { median } from './time-each.mjs';
