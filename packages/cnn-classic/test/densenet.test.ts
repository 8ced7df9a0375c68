import { beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { withZeroInit } from '@zoo/core-blocks/family';
import { expectOneFitStep } from '@zoo/test-support';
import { DENSENET_SPECS, densenet121, densenet161 } from '../src/index.js';
import { forwardShape, itPoolsFeatures, layerNames } from './family-checks.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('DenseNet layout', () => {
  it("names layers after torchvision's module paths", () => {
    const names = layerNames(densenet121);
    for (const n of [
      'features.conv0',
      'features.norm0',
      'features.pool0',
      'features.denseblock1.denselayer1.norm1',
      'features.denseblock1.denselayer6.conv2',
      'features.transition1.conv',
      'features.transition3.pool',
      'features.denseblock4.denselayer16.conv2',
      'features.norm5',
      'classifier',
    ]) {
      expect(names.has(n)).toBe(true);
    }
    expect(names.has('features.transition4.conv')).toBe(false);
  });

  it('concatenates every earlier map: each dense layer sees the block input plus growth x its index', () => {
    const spec = DENSENET_SPECS.densenet161;
    const m = withZeroInit(() => densenet161.create());
    const first = m.getLayer('features.denseblock1.denselayer1.conv1').getWeights()[0].shape[2];
    const fifth = m.getLayer('features.denseblock1.denselayer5.conv1').getWeights()[0].shape[2];
    expect(first).toBe(spec.initFeatures);
    expect(fifth).toBe(spec.initFeatures + 4 * spec.growthRate);
    expect(m.getLayer('features.transition1.pool').outputShape).toEqual([null, 28, 28, (spec.initFeatures + 6 * spec.growthRate) / 2]);
    m.dispose();
  });

  itPoolsFeatures(densenet121, 1024, [7, 7]);

  it('runs at an odd size', async () => {
    expect(await forwardShape(densenet121, 81, 95, 2)).toEqual([2, 1000]);
  });

  it('trains: one fit step gives a finite loss and changes the weights', async () => {
    await expectOneFitStep(densenet121, { size: 32, watch: ['features.denseblock2.denselayer3.conv1'] });
  });
});
