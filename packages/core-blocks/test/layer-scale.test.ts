import { describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { apply, LayerScale, withZeroInit, ZooOptionError } from '../src/family.js';

function build(initValue: number) {
  const input = tfl.input({ shape: [3, 3, 5] });
  return tfl.model({ inputs: input, outputs: apply(new LayerScale({ initValue, name: 'blk.layer_scale' }), input) });
}

describe('LayerScale', () => {
  it('holds one gamma per channel, initialised to the given value', () => {
    const m = build(1e-6);
    const [gamma] = m.getLayer('blk.layer_scale').getWeights();
    expect(gamma.shape).toEqual([5]);
    expect(m.getLayer('blk.layer_scale').weights[0].name).toMatch(/blk\.layer_scale\/gamma/);
    for (const v of gamma.dataSync()) expect(v).toBeCloseTo(1e-6, 12);
    expect(m.countParams()).toBe(5);
  });

  it('scales each channel by its gamma', () => {
    const m = build(1);
    const g = tf.tensor1d([1, -2, 0.5, 3, 0]);
    m.getLayer('blk.layer_scale').setWeights([g]);
    const x = tf.randomNormal([2, 3, 3, 5], 0, 1, 'float32', 1);
    const got = m.predict(x) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(got, tf.mul(x, g)))).dataSync()[0]).toBe(0);
  });

  it('is zero under withZeroInit and rejects a non-finite init value', () => {
    const m = withZeroInit(() => build(1e-6));
    expect([...m.getLayer('blk.layer_scale').getWeights()[0].dataSync()]).toEqual([0, 0, 0, 0, 0]);
    expect(() => new LayerScale({ initValue: Number.NaN })).toThrow(ZooOptionError);
  });
});

describe('LayerScale in a PyTorch state dict', () => {
  it("maps timm's `<name>.gamma` [C] and torchvision's `<name>` [C, 1, 1]", () => {
    const timm = new LayerScale({ initValue: 1, name: 'blocks.0.ls1' });
    const tv = new LayerScale({ initValue: 1, name: 'features.1.0.layer_scale', stateDictKey: 'parameter' });
    for (const l of [timm, tv]) l.apply(tfl.input({ shape: [2, 2, 4] }));
    const [a] = timm.stateDictParams().params;
    const [b] = tv.stateDictParams().params;
    expect([a.key, a.shape]).toEqual(['blocks.0.ls1.gamma', [4]]);
    expect([b.key, b.shape]).toEqual(['features.1.0.layer_scale', [4, 1, 1]]);
    const t = tf.tensor3d([1, 2, 3, 4], [4, 1, 1]);
    expect(b.toZoo(t).shape).toEqual([4]);
    expect(b.toTorch(b.toZoo(t)).arraySync()).toEqual(t.arraySync());
    expect(tv.getConfig().stateDictKey).toBe('parameter');
  });
});
