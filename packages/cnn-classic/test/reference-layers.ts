import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect } from '@jest/globals';
import type { ModelProfile } from '@zoo/profiler';

interface ArchLayer {
  name: string;
  type: string;
  params?: number;
  macs?: number;
}

/** The reference's per-layer listing (`@zoo/reference/arch/<model>.json`). */
export function referenceLayers(model: string): ArchLayer[] {
  const path = createRequire(import.meta.url).resolve(`@zoo/reference/arch/${model}.json`);
  return (JSON.parse(readFileSync(path, 'utf8')) as { layers: ArchLayer[] }).layers;
}

/**
 * Every reference module with parameters or MACs has a zoo layer of the same name with the same
 * parameters and MACs (a module called twice, like CBAM's shared MLP, summed over its calls),
 * and no zoo layer holds parameters the reference does not have.
 */
export function expectLayersMatchReference(model: string, profile: ModelProfile): void {
  const ref = new Map<string, { params: number; macs: number }>();
  for (const l of referenceLayers(model)) {
    const r = ref.get(l.name) ?? { params: l.params ?? 0, macs: 0 };
    r.macs += l.macs ?? 0;
    ref.set(l.name, r);
  }
  const zoo = new Map(profile.layers.map((l) => [l.name, { params: l.trainableParams, macs: l.macs.convLinear }]));
  const weighted = [...ref].filter(([, r]) => r.params > 0 || r.macs > 0);
  expect(weighted.length).toBeGreaterThan(0);
  for (const [name, r] of weighted) expect([name, zoo.get(name)]).toEqual([name, r]);
  const extra = profile.layers.filter((l) => l.trainableParams > 0 && !ref.has(l.name)).map((l) => l.name);
  expect(extra).toEqual([]);
}
