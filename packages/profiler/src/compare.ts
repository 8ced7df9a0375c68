import { type ModelEntry, withZeroInit } from '@zoo/core-blocks/family';
import { getReference } from '@zoo/reference';
import { type ModelProfile, profileModel } from './profile.js';

export interface CompareRow {
  name: string;
  family: string;
  package: string;
  params: { trainable: number; total: number };
  macs: { convLinear: number; total: number };
  outputShape: number[];
  /** The reference figures, when the reference data covers the model. */
  reference: { params: number; macs: { convLinear: number; total: number }; implementation: string } | null;
  /** Zoo minus reference, per figure (null without a reference). */
  diff: { params: number; convLinear: number; total: number } | null;
  /** True when every figure equals the reference; null without a reference. */
  matches: boolean | null;
  uncounted: ModelProfile['uncounted'];
}

/**
 * Profiles one catalog entry at its default input and sets the figures beside the reference's.
 * The model is built with zero-filled weights: counts do not depend on values, and random
 * initialisation of the largest models would cost most of the time.
 */
export function compareEntry(entry: ModelEntry): CompareRow {
  const model = withZeroInit(() => entry.create());
  try {
    const p = profileModel(model);
    const ref = getReference(entry.name);
    const diff = ref && {
      params: p.params.trainable - ref.params,
      convLinear: p.macs.convLinear - ref.macs.convLinear,
      total: p.macs.total - ref.macs.total,
    };
    return {
      name: entry.name,
      family: entry.family,
      package: entry.package,
      params: { trainable: p.params.trainable, total: p.params.total },
      macs: p.macs,
      outputShape: p.outputShape,
      reference: ref ? { params: ref.params, macs: ref.macs, implementation: ref.reference.implementation ?? ref.reference.kind } : null,
      diff: diff ?? null,
      matches: diff ? diff.params === 0 && diff.convLinear === 0 && diff.total === 0 && p.uncounted.length === 0 : null,
      uncounted: p.uncounted,
    };
  } finally {
    model.dispose();
  }
}
