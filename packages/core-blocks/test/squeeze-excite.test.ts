import { describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { applyActivation, squeezeExcite } from '../src/family.js';

function build(channels: number, squeeze: number, act?: 'relu' | 'silu', gate?: 'sigmoid' | 'hardsigmoid') {
  const input = tfl.input({ shape: [5, 4, channels] });
  const out = squeezeExcite(input, { name: 'se', squeezeChannels: squeeze, activation: act, gate });
  return tfl.model({ inputs: input, outputs: out });
}

describe('squeezeExcite', () => {
  it("has torchvision's fc1/fc2 1x1 convolutions with bias", () => {
    const m = build(12, 3);
    expect(
      m
        .getLayer('se.fc1')
        .getWeights()
        .map((w) => w.shape),
    ).toEqual([[1, 1, 12, 3], [3]]);
    expect(
      m
        .getLayer('se.fc2')
        .getWeights()
        .map((w) => w.shape),
    ).toEqual([[1, 1, 3, 12], [12]]);
    expect(m.countParams()).toBe(12 * 3 + 3 + 3 * 12 + 12);
    expect(m.outputs[0].shape).toEqual([null, 5, 4, 12]);
  });

  it.each([
    ['relu', 'sigmoid'],
    ['silu', 'sigmoid'],
    ['relu', 'hardsigmoid'],
  ] as const)('computes x * gate(fc2(%s(fc1(mean x)))) with gate %s', (act, gate) => {
    const m = build(6, 2, act, gate);
    for (const l of ['se.fc1', 'se.fc2']) {
      const layer = m.getLayer(l);
      layer.setWeights(layer.getWeights().map((w, i) => tf.randomNormal(w.shape, 0, 1, 'float32', i + 7)));
    }
    const x = tf.randomNormal([2, 5, 4, 6], 0, 1, 'float32', 3);
    const got = m.predict(x) as tf.Tensor;
    const [w1, b1] = m.getLayer('se.fc1').getWeights();
    const [w2, b2] = m.getLayer('se.fc2').getWeights();
    const pooled = tf.mean(x, [1, 2]);
    const h = applyActivation(act, tf.add(tf.matMul(pooled, tf.reshape(w1, [6, 2])), b1));
    const s = applyActivation(gate, tf.add(tf.matMul(h, tf.reshape(w2, [2, 6])), b2));
    const want = tf.mul(x, tf.reshape(s, [2, 1, 1, 6]));
    expect(tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]).toBeLessThan(1e-5);
  });
});
