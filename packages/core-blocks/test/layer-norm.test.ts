import { describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { apply, layerNorm } from '../src/family.js';

describe('layerNorm', () => {
  it.each([1e-6, 1e-5])("normalises over the channels with PyTorch's formula at eps %p", (eps) => {
    const input = tfl.input({ shape: [2, 3, 8] });
    const m = tfl.model({ inputs: input, outputs: apply(layerNorm('norm', eps), input) });
    const [gamma, beta] = [tf.randomNormal([8], 0, 1, 'float32', 1), tf.randomNormal([8], 0, 1, 'float32', 2)];
    m.getLayer('norm').setWeights([gamma, beta]);
    // A tiny spread makes the epsilon matter: a wrong one (tfjs's 1e-3) is far off.
    const x = tf.mul(tf.randomNormal([2, 2, 3, 8], 0, 1, 'float32', 3), 1e-3);
    const mean = tf.mean(x, -1, true);
    const variance = tf.mean(tf.square(tf.sub(x, mean)), -1, true); // biased, as PyTorch
    const want = tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), gamma), beta);
    const got = m.predict(x) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]).toBeLessThan(1e-3);
    expect(m.countParams()).toBe(16);
  });
});
