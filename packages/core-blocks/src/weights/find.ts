import { distance } from 'fastest-levenshtein';
import type { ModelEntry } from '../model/model.js';
import type { WeightSet } from '../model/weight-set.js';
import { ZooUnknownWeightsError } from './errors.js';

/** The set a load asks for: by name, else the default, else the first the zoo loads. */
export function findWeightSet(entry: Pick<ModelEntry, 'name' | 'weights'>, name: string | undefined): WeightSet | undefined {
  const sets = entry.weights;
  if (name === undefined) return sets.find((s) => s.isDefault) ?? sets.find((s) => !s.unsupported);
  const exact = sets.find((s) => s.name === name) ?? sets.find((s) => s.name === `timm/${name}`);
  if (exact) return exact;
  const names = sets.map((s) => s.name);
  const near = names
    .map((n) => ({ n, d: distance(n.toLowerCase(), name.toLowerCase()) }))
    .filter(({ n, d }) => d <= Math.max(2, Math.floor(name.length / 3)) || n.toLowerCase().includes(name.toLowerCase()))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map(({ n }) => n);
  throw new ZooUnknownWeightsError(entry.name, name, names, near);
}
