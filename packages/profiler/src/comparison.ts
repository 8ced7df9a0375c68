import { type InnovationComparison, variantModel } from '@zoo/core-blocks/docs';
import { type ModelProfile, profileModel } from './profile.js';

/** The profile of every variant of an innovation's comparison, in order (zero weights). */
export function profileComparison(comparison: InnovationComparison): ModelProfile[] {
  return comparison.variants.map((v) => {
    const m = variantModel(comparison, v);
    try {
      return profileModel(m);
    } finally {
      m.dispose();
    }
  });
}
