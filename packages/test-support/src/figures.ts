import { expect } from '@jest/globals';
import { type ModelEntry, withZeroInit } from '@zoo/core-blocks/family';
import { type ModelProfile, profileModel } from '@zoo/profiler';
import { getReference, referenceModels } from '@zoo/reference';

/** Names of the required reference models of these families, sorted. */
export function referenceNames(...families: string[]): string[] {
  return Object.entries(referenceModels)
    .filter(([, m]) => m.required && families.includes(m.family ?? ''))
    .map(([n]) => n)
    .sort();
}

/**
 * Builds the entry at its default input (zero weights: only structure matters) and checks its
 * family, trainable parameters, both MAC conventions and output shape against the reference
 * data, and that the profiler has a rule for every layer. Returns the profile.
 */
export function expectReferenceFigures(entry: ModelEntry): ModelProfile {
  const ref = getReference(entry.name);
  if (!ref) throw new Error(`no reference figures for ${entry.name}: add it to the reference data first`);
  const model = withZeroInit(() => entry.create());
  const p = profileModel(model);
  model.dispose();
  expect(entry.family).toBe(ref.family);
  expect(p.uncounted).toEqual([]);
  expect(p.params.trainable).toBe(ref.params);
  expect(p.macs.convLinear).toBe(ref.macs.convLinear);
  expect(p.macs.total).toBe(ref.macs.total);
  expect(p.outputShape).toEqual(ref.outputShape);
  return p;
}
