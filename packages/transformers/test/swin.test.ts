import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { featureInfoOf, withZeroInit, ZooOptionError, ZooShapeError } from '@zoo/core-blocks/family';
import { expectOneFitStep } from '@zoo/test-support';
import { swin_t } from '../src/index.js';

// Building and training models of 28-632 M parameters on tfjs's cpu backend takes seconds on
// an idle machine and minutes on a loaded 2-core one.
jest.setTimeout(600_000);

// Importing the wasm backend makes it the default; it is chosen per test where it is wanted.
beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('Swin layout and options', () => {
  let m: tfl.LayersModel;
  beforeAll(() => {
    m = withZeroInit(() => swin_t.create());
  });

  it("names layers after torchvision's module paths", () => {
    const shapes = (name: string) =>
      m
        .getLayer(name)
        .getWeights()
        .map((w) => w.shape);
    expect(shapes('features.0.0')).toEqual([[4, 4, 3, 96], [96]]);
    expect(shapes('features.0.2')).toEqual([[96], [96]]);
    expect(shapes('features.1.0.norm1')).toEqual([[96], [96]]);
    expect(shapes('features.1.0.attn.qkv')).toEqual([[96, 288], [288]]);
    expect(shapes('features.1.0.attn')).toEqual([[169, 3]]);
    expect(shapes('features.1.1.attn.proj')).toEqual([[96, 96], [96]]);
    expect(shapes('features.1.1.mlp.0')).toEqual([[96, 384], [384]]);
    expect(shapes('features.1.1.mlp.3')).toEqual([[384, 96], [96]]);
    expect(shapes('features.2.norm')).toEqual([[384], [384]]);
    expect(shapes('features.2.reduction')).toEqual([[384, 192]]);
    expect(shapes('features.7.1.attn')).toEqual([[169, 24]]);
    expect(shapes('norm')).toEqual([[768], [768]]);
    expect(shapes('head')).toEqual([[768, 1000], [1000]]);
    expect(m.getLayer('features.1.1.attn').getConfig().shiftSize).toBe(3);
    expect(m.getLayer('features.1.0.attn').getConfig().shiftSize).toBe(0);
  });

  it("puts torchvision's stochastic depth on both branches, rising linearly to dropPathRate", () => {
    const names = new Set(m.layers.map((l) => l.name));
    expect(names.has('features.1.0.stochastic_depth')).toBe(false); // block 0: rate 0
    expect(m.getLayer('features.1.1.stochastic_depth').getConfig().rate).toBeCloseTo(0.2 / 11, 10);
    expect(m.getLayer('features.7.1.stochastic_depth').getConfig().rate).toBeCloseTo(0.2, 10);
    expect(m.getLayer('features.7.1.stochastic_depth').inboundNodes).toHaveLength(2);
    expect(() => swin_t.create({ dropPathRate: 1.5 } as never)).toThrow(ZooOptionError);
  });

  it.each([
    [null, [null, 7, 7, 768]],
    ['avg', [null, 768]],
  ] as const)('includeTop false with pooling %p gives %p', (pooling, shape) => {
    const f = withZeroInit(() => swin_t.create({ includeTop: false, pooling }));
    expect(f.outputs[0].shape).toEqual(shape);
    f.dispose();
  });

  it("featuresOnly gives the four stage maps, NHWC, each stage's last block before norm", () => {
    const f = withZeroInit(() => swin_t.create({ featuresOnly: true }));
    expect(f.outputs.map((o) => o.shape)).toEqual([
      [null, 56, 56, 96],
      [null, 28, 28, 192],
      [null, 14, 14, 384],
      [null, 7, 7, 768],
    ]);
    expect(featureInfoOf(f)!.map((i) => [i.module, i.layer])).toEqual([
      ['features.1', 'features.1.1.add_2'],
      ['features.3', 'features.3.1.add_2'],
      ['features.5', 'features.5.5.add_2'],
      ['features.7', 'features.7.1.add_2'],
    ]);
    expect(f.layers.some((l) => l.name === 'norm')).toBe(false);
    f.dispose();
  });

  it('rejects sizes that are not multiples of 32, naming the sizes that work', () => {
    expect(() => swin_t.create({ inputShape: [200, 224, 3] })).toThrow(ZooShapeError);
    expect(() => swin_t.create({ inputShape: [200, 224, 3] })).toThrow(
      /swin_t cannot take a 200x224 input.*multiples of 32.*192 or 224 by 224/,
    );
  });

  it('runs on wasm at a size that needs window padding', async () => {
    // 64x96: stage maps 16x24, 8x12, 4x6, 2x3, none a whole number of 7x7 windows.
    await tf.setBackend('wasm');
    const model = swin_t.create({ inputShape: [64, 96, 3], numClasses: 5 });
    const y = model.predict(tf.randomNormal([2, 64, 96, 3], 0, 1, 'float32', 5)) as tf.Tensor;
    expect(y.shape).toEqual([2, 5]);
    expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
    await tf.setBackend('cpu');
    model.dispose();
  });

  it('trains: one fit step on cpu gives a finite loss and changes the weights', async () => {
    await expectOneFitStep(swin_t, { size: 32, watch: ['features.1.1.attn', 'features.1.1.attn.qkv', 'features.2.reduction'] });
  });
});
