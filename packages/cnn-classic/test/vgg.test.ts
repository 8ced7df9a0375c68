import { beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { withZeroInit } from '@zoo/core-blocks/family';
import { expectOneFitStep } from '@zoo/test-support';
import { vgg11, vgg11_bn, vgg16_bn, vgg19 } from '../src/index.js';
import { forwardShape, itPoolsFeatures, layerNames } from './family-checks.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('VGG layout', () => {
  it("numbers features as torchvision's Sequential, with BatchNorm taking an index in the _bn variants", () => {
    const plain = layerNames(vgg11);
    const bn = layerNames(vgg11_bn);
    // vgg11: conv 0, relu 1, pool 2, conv 3; vgg11_bn: conv 0, bn 1, relu 2, pool 3, conv 4.
    for (const n of ['features.0', 'features.2', 'features.3', 'features.20', 'classifier.0', 'classifier.3', 'classifier.6'])
      expect(plain.has(n)).toBe(true);
    for (const n of ['features.0', 'features.1', 'features.4', 'features.28', 'classifier.6']) expect(bn.has(n)).toBe(true);
    expect(plain.has('features.21')).toBe(false);
    const m = withZeroInit(() => vgg16_bn.create());
    expect(m.getLayer('features.1').getClassName()).toBe('BatchNormalization');
    expect(m.getLayer('features.43').getClassName()).toBe('MaxPool2d');
    m.dispose();
  });

  it('pools to 7x7 before the classifier whatever the input size', () => {
    const m = withZeroInit(() => vgg19.create({ inputShape: [100, 76, 3] }));
    expect(m.getLayer('avgpool').outputShape).toEqual([null, 7, 7, 512]);
    expect(m.getLayer('classifier.0').getWeights()[0].shape).toEqual([25088, 4096]);
    m.dispose();
  });

  itPoolsFeatures(vgg16_bn, 512, [7, 7]);

  it('runs at an odd size', async () => {
    expect(await forwardShape(vgg11_bn, 67, 45, 2, { numClasses: 5 })).toEqual([2, 5]);
  });

  it('trains: one fit step gives a finite loss and changes the weights', async () => {
    // The two 4096-wide layers stay frozen (they still pass gradients back): their 120 M weight
    // updates would dominate a step on tfjs's cpu backend. 32x32 keeps a 1-pixel map after the
    // fifth pool, which the adaptive pool repeats to 7x7.
    await expectOneFitStep(vgg11_bn, { size: 32, watch: ['features.0', 'classifier.6'], frozen: ['classifier.0', 'classifier.3'] });
  });
});
