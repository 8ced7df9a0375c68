import { beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { StochasticDepth, withZeroInit, ZooShapeError } from '@zoo/core-blocks/family';
import { expectOneFitStep } from '@zoo/test-support';
import { CONVNEXT_SPECS, convnext_small, convnext_tiny } from '../src/index.js';
import { forwardShape, itPoolsFeatures, layerNames } from './family-checks.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('ConvNeXt layout', () => {
  it("names layers after torchvision's module paths", () => {
    const names = layerNames(convnext_tiny);
    for (const n of [
      'features.0.0',
      'features.0.1',
      'features.1.0.block.0',
      'features.1.0.block.2',
      'features.1.0.block.3',
      'features.1.0.block.5',
      'features.1.0.layer_scale',
      'features.2.0',
      'features.2.1',
      'features.5.8.block.5',
      'features.7.2.layer_scale',
      'classifier.0',
      'classifier.2',
    ]) {
      expect(names.has(n)).toBe(true);
    }
    expect(names.has('features.8.0')).toBe(false);
  });

  it('uses LayerNorm eps 1e-6, a 7x7 depthwise conv and layer scale starting at 1e-6', () => {
    // Zero weights: drawing ConvNeXt's truncated-normal weights takes minutes on a busy machine.
    const m = withZeroInit(() => convnext_tiny.create({ inputShape: [32, 32, 3] }));
    for (const n of ['features.0.1', 'features.1.0.block.2', 'features.4.0', 'classifier.0'])
      expect(m.getLayer(n).getConfig().epsilon).toBe(1e-6);
    expect(m.getLayer('features.3.1.block.0').getWeights()[0].shape).toEqual([7, 7, 1, 192]);
    const scale = m.getLayer('features.3.1.layer_scale');
    expect(scale.getWeights()[0].shape).toEqual([192]);
    // The constant itself is LayerScale's to draw (tested in core-blocks); ConvNeXt asks for 1e-6.
    expect(scale.getConfig()).toMatchObject({ initValue: 1e-6, stateDictKey: 'parameter' });
    m.dispose();
  });

  it("spreads torchvision's default stochastic depth from 0 to the variant's rate", () => {
    const m = withZeroInit(() => convnext_small.create());
    const rates = m.layers.filter((l) => l instanceof StochasticDepth).map((l) => (l as StochasticDepth).rate);
    // The first block's rate is 0 and has no layer; the last block's is the variant's rate.
    expect(rates.length).toBe(CONVNEXT_SPECS.convnext_small.depths.reduce((a, b) => a + b, 0) - 1);
    expect(rates[rates.length - 1]).toBeCloseTo(CONVNEXT_SPECS.convnext_small.dropPathRate, 10);
    m.dispose();
  });

  itPoolsFeatures(convnext_tiny, 768, [7, 7]);

  it('runs at an odd size the downsampling allows, and says so for one too small', async () => {
    expect(await forwardShape(convnext_tiny, 99, 67, 2)).toEqual([2, 1000]);
    expect(() => withZeroInit(() => convnext_tiny.create({ inputShape: [16, 16, 3] }))).toThrow(ZooShapeError);
  });

  it('trains with stochastic depth: one fit step gives a finite loss and changes the weights', async () => {
    await expectOneFitStep(convnext_tiny, { size: 32, watch: ['features.1.0.block.3'] });
  });
});
