import { beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { withZeroInit } from '@zoo/core-blocks';
import { vgg11, vgg11_bn, vgg16_bn, vgg19 } from '../src/index.js';
import { forwardShape, itMatchesTheReference, itPoolsFeatures, layerNames } from './family-checks.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('VGG against the reference figures', () => {
  itMatchesTheReference('VGG');
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

  it('trains: one fit step on the features gives a finite loss and changes the weights', async () => {
    // The head (adaptive pool, channel-major flatten, classifier.*) is AlexNet's code and trains in
    // its test; VGG's 120M-weight head makes a step on tfjs's cpu backend take many minutes.
    await tf.setBackend('cpu');
    const m = vgg11_bn.create({ inputShape: [32, 32, 3], includeTop: false, pooling: 'avg' });
    m.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    const before = (m.getLayer('features.0').getWeights()[0].dataSync() as Float32Array).slice();
    const x = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 2);
    const y = tf.randomNormal([2, 512], 0, 1, 'float32', 3);
    const h = await m.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
    expect(Number.isFinite(h.history.loss[0] as number)).toBe(true);
    const after = m.getLayer('features.0').getWeights()[0].dataSync() as Float32Array;
    expect(after.some((v, i) => v !== before[i])).toBe(true);
    m.dispose();
  });
});
