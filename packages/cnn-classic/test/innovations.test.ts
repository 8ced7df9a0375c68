import { beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { type InnovationComparison, withZeroInit } from '@zoo/core-blocks';
import { type ModelProfile, profileModel } from '@zoo/profiler';
import { catalog, innovations } from '../src/catalog.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function profileVariants(c: InnovationComparison): ModelProfile[] {
  return c.variants.map((v) => {
    const m = withZeroInit(() => {
      const x = tfl.input({ shape: [...c.input] });
      return tfl.model({ inputs: x, outputs: v.build(x) });
    });
    try {
      return profileModel(m);
    } finally {
      m.dispose();
    }
  });
}

const byId = (id: string) => {
  const i = innovations.find((x) => x.id === id);
  if (!i) throw new Error(`no innovation ${id}`);
  return i;
};

describe('innovations of @zoo/cnn-classic (the docs site profiles them)', () => {
  it('have unique ids and name only families this package has', () => {
    expect(new Set(innovations.map((i) => i.id)).size).toBe(innovations.length);
    const families = new Set(catalog.map((e) => e.family));
    for (const i of innovations) for (const f of i.families) expect(families.has(f)).toBe(true);
  });

  it.each(innovations.flatMap((i) => (i.comparisons ?? []).map((c) => [i.id, c.title, c] as const)))(
    '%s / %s: every variant is fully counted and keeps the output shape',
    (_id, _title, c) => {
      const profiles = profileVariants(c);
      for (const p of profiles) expect(p.uncounted).toEqual([]);
      expect(new Set(profiles.map((p) => p.outputShape.join('x'))).size).toBe(1);
    },
  );

  it('an identity shortcut adds no parameters and no MACs', () => {
    const [plain, residual] = profileVariants(byId('residual-learning').comparisons![0]);
    expect(residual.params.trainable).toBe(plain.params.trainable);
    expect(residual.macs).toEqual(plain.macs);
  });

  it('32 groups divide the weights and MACs of a 3x3 convolution by 32', () => {
    const c = byId('group-convolution-cardinality').comparisons![0];
    const [dense, grouped] = profileVariants(c);
    const [h, w, ch] = c.input;
    expect(dense.macs.convLinear).toBe(h * w * ch * ch * 9);
    expect(grouped.macs.convLinear * 32).toBe(dense.macs.convLinear);
    expect(grouped.params.trainable * 32).toBe(dense.params.trainable);
  });
});
