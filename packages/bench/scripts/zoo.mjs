// What the bench scripts share: finding a model of the zoo's family packages by name, and the
// median of a list of times.
import { getModel } from '@zoo/core-blocks';

/** The catalog entry of a zoo model, through the front door (a typo gets the nearest names). */
export async function zooEntry(name) {
  // Importing a family package registers it with the front door.
  await Promise.all([import('@zoo/cnn-classic'), import('@zoo/mobile'), import('@zoo/transformers')]);
  return getModel(name);
}

/** The middle value (the mean of the two middle values for an even count). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
