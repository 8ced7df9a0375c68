import type { WeightSet } from './weight-set.js';

const reasons = new WeakMap<readonly WeightSet[], string>();

/**
 * The weight sets of a model that has none, with why (`weights.generated.ts` writes it from the
 * family's sources file): `entry.noWeightsReason` reads it back, for `zoo weights` and the docs.
 */
export function noWeightSets(reason: string): readonly WeightSet[] {
  const none: readonly WeightSet[] = Object.freeze([]);
  reasons.set(none, reason);
  return none;
}

/** Why a model's list of sets is empty, when the list came from `noWeightSets`. */
export function noWeightsReason(sets: readonly WeightSet[] | undefined): string | undefined {
  return sets ? reasons.get(sets) : undefined;
}
