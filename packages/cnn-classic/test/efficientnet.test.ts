import { beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { StochasticDepth, withZeroInit, ZooOptionError } from '@zoo/core-blocks/family';
import { expectOneFitStep } from '@zoo/test-support';
import { EFFICIENTNET_SPECS, efficientNetStages, efficientnet_b0, efficientnet_b3, efficientnet_b5 } from '../src/index.js';
import { forwardShape, itPoolsFeatures, layerNames } from './family-checks.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('EfficientNet layout', () => {
  it("names layers after torchvision's module paths", () => {
    const names = layerNames(efficientnet_b0);
    for (const n of [
      'features.0.0',
      'features.0.1',
      'features.1.0.block.0.0', // B0's first stage has no expansion: block.0 is the depthwise conv
      'features.1.0.block.1.fc1',
      'features.1.0.block.2.0',
      'features.2.0.block.0.0',
      'features.2.0.block.2.fc2',
      'features.2.1.stochastic_depth',
      'features.7.0.block.3.1',
      'features.8.0',
      'classifier.0',
      'classifier.1',
    ]) {
      expect(names.has(n)).toBe(true);
    }
  });

  it('derives every variant from the B0 table by the width and depth coefficients', () => {
    const b3 = efficientNetStages(EFFICIENTNET_SPECS.efficientnet_b3);
    const m = withZeroInit(() => efficientnet_b3.create());
    const stages = b3.length;
    b3.forEach((s, i) => {
      expect(m.getLayer(`features.${i + 1}.${s.blocks - 1}.block.${s.expand === 1 ? 2 : 3}.0`).getWeights()[0].shape[3]).toBe(
        s.outChannels,
      );
      expect(() => m.getLayer(`features.${i + 1}.${s.blocks}.add`)).toThrow();
    });
    expect(m.getLayer(`features.${stages + 1}.0`).getWeights()[0].shape[3]).toBe(4 * b3[stages - 1].outChannels);
    m.dispose();
  });

  it('uses BatchNorm eps 1e-5 up to B4 and TF-trained eps 1e-3 / momentum 0.01 from B5', () => {
    const b0 = withZeroInit(() => efficientnet_b0.create());
    const b5 = withZeroInit(() => efficientnet_b5.create({ inputShape: [64, 64, 3] }));
    expect(b0.getLayer('features.0.1').getConfig()).toMatchObject({ epsilon: 1e-5, momentum: 0.9 });
    expect(b5.getLayer('features.3.1.block.1.1').getConfig()).toMatchObject({ epsilon: 1e-3, momentum: 0.99 });
    b0.dispose();
    b5.dispose();
  });

  it('grows stochastic depth linearly with the block index, and validates dropPathRate', () => {
    const m = withZeroInit(() => efficientnet_b0.create({ dropPathRate: 0.32 }));
    const blocks = efficientNetStages(EFFICIENTNET_SPECS.efficientnet_b0).flatMap((s, i) =>
      Array.from({ length: s.blocks }, (_, j) => `features.${i + 1}.${j}`),
    );
    const layers = m.layers.filter((l) => l instanceof StochasticDepth) as StochasticDepth[];
    // Only residual blocks (stride 1, same channels) have one; block i drops with 0.32 * i / blocks.
    expect(layers.length).toBeGreaterThan(blocks.length / 2);
    for (const l of layers) {
      const index = blocks.indexOf(l.name.replace(/\.stochastic_depth$/, ''));
      expect(index).toBeGreaterThan(0);
      expect(l.rate).toBeCloseTo((0.32 * index) / blocks.length, 10);
    }
    m.dispose();
    expect(() => efficientnet_b0.create({ dropPathRate: 1 })).toThrow(ZooOptionError);
  });

  itPoolsFeatures(efficientnet_b0, 1280, [7, 7]);

  it('runs at an odd size, and is deterministic at inference whatever dropPathRate', async () => {
    expect(await forwardShape(efficientnet_b0, 97, 61, 2)).toEqual([2, 1000]);
    const m = efficientnet_b0.create({ inputShape: [40, 40, 3], dropPathRate: 0.5, dropRate: 0.5 });
    const x = tf.randomNormal([2, 40, 40, 3], 0, 1, 'float32', 9);
    const [a, b] = [m.predict(x) as tf.Tensor, m.predict(x) as tf.Tensor];
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBe(0);
    m.dispose();
  });

  it('trains with stochastic depth: one fit step gives a finite loss and changes the weights', async () => {
    await expectOneFitStep(efficientnet_b0, { size: 16, watch: ['features.2.0.block.1.0'], createOptions: { dropPathRate: 0.5 } });
  });
});
