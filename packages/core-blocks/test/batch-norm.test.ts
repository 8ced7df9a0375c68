import { describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { batchNorm2d, ZooShapeError } from '../src/family.js';

// PyTorch's BatchNorm2d in train mode: y = (x - mean) / sqrt(var_biased + eps) * gamma + beta,
// running_mean += m * (mean - running_mean), running_var += m * (var_unbiased - running_var).
// (The whole-model check against a PyTorch step is packages/mobile/test/train-step.test.ts.)

describe('batchNorm2d trains as PyTorch BatchNorm2d', () => {
  const x = tf.randomNormal([3, 2, 2, 4], 1, 2, 'float32', 7); // n = 12 values per channel

  it('normalises with the biased batch variance and moves running_var to the unbiased one', async () => {
    await tf.setBackend('cpu');
    const bn = batchNorm2d('bn', { eps: 1e-5, momentum: 0.1 });
    const y = bn.apply(x, { training: true }) as tf.Tensor;
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    const expected = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5)));
    expect(tf.max(tf.abs(tf.sub(y, expected))).dataSync()[0]).toBeLessThan(1e-5);
    const [, , movingMean, movingVar] = bn.getWeights();
    const want = (v: tf.Tensor) => tf.mul(v, 0.1); // from 0 (mean) / 1 (var): 0.9 * old + 0.1 * batch
    expect(tf.max(tf.abs(tf.sub(movingMean, want(mean)))).dataSync()[0]).toBeLessThan(1e-6);
    const unbiased = tf.add(0.9, want(tf.mul(variance, 12 / 11)));
    expect(tf.max(tf.abs(tf.sub(movingVar, unbiased))).dataSync()[0]).toBeLessThan(1e-6);
  });

  it('is the stock layer at inference, keeps its class name, and still updates statistics when frozen', () => {
    const bn = batchNorm2d('bn');
    const stock = tfl.layers.batchNormalization({ axis: -1, epsilon: 1e-5, momentum: 0.9, name: 'bn' });
    stock.apply(x);
    bn.apply(x);
    const weights = [tf.tensor1d([1, 2, 3, 4]), tf.tensor1d([0, 1, 0, 1]), tf.tensor1d([1, 0, 1, 0]), tf.tensor1d([2, 3, 4, 5])];
    bn.setWeights(weights);
    stock.setWeights(weights);
    const diff = tf.sub(bn.apply(x) as tf.Tensor, stock.apply(x) as tf.Tensor);
    expect(tf.max(tf.abs(diff)).dataSync()[0]).toBe(0);
    expect(bn.getClassName()).toBe('BatchNormalization');
    bn.trainable = false;
    const before = bn.getWeights()[3].dataSync().slice();
    bn.apply(x, { training: true });
    expect(Array.from(bn.getWeights()[3].dataSync())).not.toEqual(Array.from(before));
  });

  it('refuses a training batch with one value per channel, as PyTorch does', () => {
    const bn = batchNorm2d('bn');
    expect(() => bn.apply(tf.ones([1, 1, 1, 4]), { training: true })).toThrow(ZooShapeError);
    expect(() => bn.apply(tf.ones([1, 1, 1, 4]))).not.toThrow();
  });
});
