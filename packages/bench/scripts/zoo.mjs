// What the bench scripts share: finding a model of the zoo's family packages by name, and the
// median of a list of times.
import { getModel } from '@zoo/core-blocks/family';

/** The catalog entry of a zoo model, through the front door (a typo gets the nearest names). */
export async function zooEntry(name) {
  // A family's register entry makes its models reachable by name.
  await Promise.all([import('@zoo/cnn-classic/register'), import('@zoo/mobile/register'), import('@zoo/transformers/register')]);
  return getModel(name);
}

/** The middle value (the mean of the two middle values for an even count). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
