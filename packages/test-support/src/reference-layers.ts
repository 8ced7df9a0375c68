import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { expect } from '@jest/globals';
import type { ModelProfile } from '@zoo/profiler';

/** One module of a reference model, as `@zoo/reference/arch/<model>.json` lists it. */
export interface ReferenceLayer {
  name: string;
  type: string;
  params?: number;
  macs?: number;
  /** A transposed conv's MACs as the zoo counts them (input elements x out/groups x kernel area); `macs` is thop's formula. */
  macs_convT_true?: number;
  bias?: boolean;
  in?: number[];
  out?: number[];
}

const ARCH = join(dirname(createRequire(import.meta.url).resolve('@zoo/reference/package.json')), 'data', 'arch');

/** Whether the reference data has a per-layer listing of this model. */
export function hasReferenceLayers(model: string): boolean {
  return existsSync(join(ARCH, `${model}.json`));
}

/** The reference's per-layer listing (`@zoo/reference/arch/<model>.json`). */
export function referenceLayers(model: string): ReferenceLayer[] {
  const path = createRequire(import.meta.url).resolve(`@zoo/reference/arch/${model}.json`);
  return (JSON.parse(readFileSync(path, 'utf8')) as { layers: ReferenceLayer[] }).layers;
}

/**
 * Every reference module with parameters or MACs has a zoo layer of the same name with the same
 * parameters and MACs (a module called twice, like CBAM's shared MLP, summed over its calls),
 * and no zoo layer holds parameters the reference does not have. Functional operations the
 * listing names `<module>#<op>` (attention's `#matmul`) belong to no module: the model's total
 * MACs account for them. A transposed conv is compared at the listing's `macs_convT_true`, the
 * count the zoo and the reference's model figures use.
 */
export function expectLayersMatchReference(model: string, profile: ModelProfile): void {
  const ref = new Map<string, { params: number; macs: number }>();
  for (const l of referenceLayers(model)) {
    if (l.name.includes('#')) continue;
    const r = ref.get(l.name) ?? { params: l.params ?? 0, macs: 0 };
    r.macs += l.macs_convT_true ?? l.macs ?? 0;
    ref.set(l.name, r);
  }
  const zoo = new Map(profile.layers.map((l) => [l.name, { params: l.trainableParams, macs: l.macs.convLinear }]));
  const weighted = [...ref].filter(([, r]) => r.params > 0 || r.macs > 0);
  expect(weighted.length).toBeGreaterThan(0);
  for (const [name, r] of weighted) expect([name, zoo.get(name)]).toEqual([name, r]);
  const extra = profile.layers.filter((l) => l.trainableParams > 0 && !ref.has(l.name)).map((l) => l.name);
  expect(extra).toEqual([]);
}

/**
 * The state-dict keys of the reference model, sorted, from the types of its parameterised
 * modules: a norm has weight and bias (BatchNorm its running statistics too), any other module
 * a weight, and a bias unless the listing says `bias: false`.
 */
export function referenceStateDictKeys(model: string): string[] {
  const keys = new Set<string>();
  for (const l of referenceLayers(model)) {
    if (!l.params) continue;
    const batchNorm = l.type.startsWith('BatchNorm');
    if (l.type === 'LayerNorm' || batchNorm) keys.add(`${l.name}.weight`).add(`${l.name}.bias`);
    else {
      keys.add(`${l.name}.weight`);
      if (l.bias !== false) keys.add(`${l.name}.bias`);
    }
    if (batchNorm) keys.add(`${l.name}.running_mean`).add(`${l.name}.running_var`);
  }
  return [...keys].sort();
}
