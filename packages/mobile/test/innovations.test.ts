import { beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { type InnovationComparison, withZeroInit } from '@zoo/core-blocks';
import { type ModelProfile, profileModel } from '@zoo/profiler';
import { innovations } from '../src/catalog.js';

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

describe('innovations of @zoo/mobile (the docs site profiles them)', () => {
  it.each(innovations.flatMap((i) => (i.comparisons ?? []).map((c) => [i.id, c.title, c] as const)))(
    '%s / %s: every variant is fully counted and keeps the output shape',
    (_id, _title, c) => {
      const profiles = profileVariants(c);
      for (const p of profiles) expect(p.uncounted).toEqual([]);
      expect(new Set(profiles.map((p) => p.outputShape.join('x'))).size).toBe(1);
    },
  );

  it('a depthwise separable pair costs k²·C + C·C per position against k²·C·C', () => {
    const c = innovations.find((i) => i.id === 'depthwise-separable-convolution')!.comparisons![0];
    const [standard, separable] = profileVariants(c);
    const [h, w, ch] = c.input;
    expect(standard.macs.convLinear).toBe(h * w * 9 * ch * ch);
    expect(separable.macs.convLinear).toBe(h * w * (9 * ch + ch * ch));
    expect(separable.params.trainable).toBe(9 * ch + ch * ch);
  });
});
