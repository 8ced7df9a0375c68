import { describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { type InvertedResidualArgs, invertedResidual } from '../src/family.js';

function build(inChannels: number, args: Omit<InvertedResidualArgs, 'name'>) {
  const input = tfl.input({ shape: [8, 8, inChannels] });
  return tfl.model({ inputs: input, outputs: invertedResidual(input, { name: 'f.1', ...args }) });
}
const names = (m: tfl.LayersModel) => m.layers.map((l) => l.name);
const trainable = (m: tfl.LayersModel) => m.trainableWeights.reduce((n, w) => n + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);

describe('invertedResidual', () => {
  it('lays out an EfficientNet MBConv as block.0..3 with SE, stochastic depth and the shortcut', () => {
    const [c, e, s] = [16, 96, 4];
    const m = build(c, {
      outChannels: c,
      expandedChannels: e,
      kernelSize: 5,
      stride: 1,
      activation: 'silu',
      se: { squeezeChannels: s, activation: 'silu' },
      dropPath: 0.1,
    });
    for (const n of [
      'f.1.block.0.0',
      'f.1.block.0.1',
      'f.1.block.1.0',
      'f.1.block.2.fc1',
      'f.1.block.2.fc2',
      'f.1.block.3.0',
      'f.1.block.3.1',
      'f.1.stochastic_depth',
      'f.1.add',
    ]) {
      expect(names(m)).toContain(n);
    }
    expect(m.getLayer('f.1.block.1.0').getWeights()[0].shape).toEqual([5, 5, 1, e]);
    const bn = (ch: number) => 2 * ch;
    expect(trainable(m)).toBe(c * e + bn(e) + 25 * e + bn(e) + (e * s + s + s * e + e) + e * c + bn(c));
    expect(m.outputs[0].shape).toEqual([null, 8, 8, c]);
  });

  it('leaves out the expansion when the ratio is 1, and the shortcut when the shape changes', () => {
    const m = build(16, {
      outChannels: 24,
      expandedChannels: 16,
      kernelSize: 3,
      stride: 2,
      activation: 'relu',
      se: { squeezeChannels: 8, gate: 'hardsigmoid' },
    });
    expect(names(m)).toContain('f.1.block.0.0');
    expect(m.getLayer('f.1.block.0.0').getWeights()[0].shape).toEqual([3, 3, 1, 16]);
    expect(names(m)).toContain('f.1.block.1.fc1');
    expect(names(m)).toContain('f.1.block.2.0');
    expect(names(m).some((n) => n.endsWith('.add'))).toBe(false);
    expect(m.outputs[0].shape).toEqual([null, 4, 4, 24]);
  });

  it("follows MobileNetV2's conv.N layout with a split projection", () => {
    const m = build(16, { outChannels: 16, expandedChannels: 96, kernelSize: 3, stride: 1, activation: 'relu6', layout: 'conv' });
    for (const n of ['f.1.conv.0.0', 'f.1.conv.0.1', 'f.1.conv.0.2', 'f.1.conv.1.0', 'f.1.conv.2', 'f.1.conv.3', 'f.1.add'])
      expect(names(m)).toContain(n);
  });

  it('computes the branch plus the input, with dilation keeping the size', () => {
    const m = build(8, { outChannels: 8, expandedChannels: 8, kernelSize: 3, stride: 1, dilation: 2, activation: 'relu' });
    expect(m.outputs[0].shape).toEqual([null, 8, 8, 8]);
    // With the projection's BN scale at zero the branch vanishes and the block is the identity.
    const bn = m.getLayer('f.1.block.1.1');
    bn.setWeights(bn.getWeights().map((w, i) => (i === 0 ? tf.zerosLike(w) : w)));
    const x = tf.randomNormal([1, 8, 8, 8], 0, 1, 'float32', 4);
    expect(tf.max(tf.abs(tf.sub(m.predict(x) as tf.Tensor, x))).dataSync()[0]).toBeLessThan(1e-6);
  });
});
