import { describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { apply, Conv2d } from '@zoo/core-blocks/family';
import { profileModel, registerMacRule } from '../src/index.js';

describe('profileModel on plain tfjs-layers models', () => {
  const input = tfl.input({ shape: [16, 16, 3] });
  let x = apply(tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', name: 'conv' }), input);
  x = apply(tfl.layers.batchNormalization({ name: 'bn' }), x);
  x = apply(tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same', name: 'dw' }), x);
  x = apply(tfl.layers.separableConv2d({ filters: 12, kernelSize: 3, padding: 'valid', name: 'sep' }), x);
  x = apply(tfl.layers.conv2dTranspose({ filters: 5, kernelSize: 2, strides: 2, name: 'up' }), x);
  x = apply(tfl.layers.globalAveragePooling2d({ name: 'gap' }), x);
  const out = apply(tfl.layers.dense({ units: 10, name: 'fc' }), x);
  const model = tfl.model({ inputs: input, outputs: out });
  const p = profileModel(model);
  const row = (name: string) => p.layers.find((l) => l.name === name)!;

  it('counts each layer by the reference rule, computed here from the shapes', () => {
    expect(row('conv').macs.convLinear).toBe(16 * 16 * 8 * 3 * 3 * 3);
    expect(row('bn').macs.convLinear).toBe(0);
    expect(row('dw').macs.convLinear).toBe(8 * 8 * 16 * 3 * 3);
    expect(row('sep').macs.convLinear).toBe(6 * 6 * 16 * 3 * 3 + 6 * 6 * 16 * 12);
    expect(row('up').macs.convLinear).toBe(6 * 6 * 12 * 5 * 2 * 2);
    expect(row('fc').macs.convLinear).toBe(5 * 10);
    expect(p.macs.convLinear).toBe(p.layers.reduce((s, l) => s + l.macs.convLinear, 0));
    expect(p.macs.total).toBe(p.macs.convLinear);
    expect(p.uncounted).toEqual([]);
  });

  it('splits trainable and non-trainable parameters as tfjs does', () => {
    expect(row('bn').trainableParams).toBe(16);
    expect(row('bn').nonTrainableParams).toBe(16);
    expect(p.params.trainable + p.params.nonTrainable).toBe(model.countParams());
    expect(p.outputShape).toEqual([1, 10]);
  });
});

class Mystery extends tfl.layers.Layer {
  static className = 'Mystery';
  override call(inputs: tf.Tensor | tf.Tensor[]) {
    return Array.isArray(inputs) ? inputs[0] : inputs;
  }
}

class SelfCounting extends Mystery {
  static override className = 'SelfCounting';
  countMacs() {
    return { convLinear: 7, attention: 5 };
  }
}

describe('layers the profiler has no rule for', () => {
  it('reports them by name instead of counting zero, until a rule is registered', () => {
    const input = tfl.input({ shape: [4] });
    const model = tfl.model({ inputs: input, outputs: apply(new Mystery({ name: 'm' }), input) });
    expect(profileModel(model).uncounted).toEqual([{ name: 'm', className: 'Mystery' }]);
    registerMacRule('Mystery', () => ({ convLinear: 3, attention: 0 }));
    const p = profileModel(model);
    expect(p.uncounted).toEqual([]);
    expect(p.macs.convLinear).toBe(3);
  });

  it("uses a layer's own countMacs, and adds attention MACs to total only", () => {
    const input = tfl.input({ shape: [4] });
    const model = tfl.model({ inputs: input, outputs: apply(new SelfCounting({ name: 's' }), input) });
    expect(profileModel(model).macs).toEqual({ convLinear: 7, total: 12 });
  });

  it('profiles nested models layer by layer', () => {
    const innerIn = tfl.input({ shape: [8, 8, 2] });
    const inner = tfl.model({
      inputs: innerIn,
      outputs: apply(new Conv2d({ name: 'c', filters: 4, kernelSize: 3, padding: 1, groups: 2 }), innerIn),
      name: 'inner',
    });
    const outerIn = tfl.input({ shape: [8, 8, 2] });
    const outer = tfl.model({ inputs: outerIn, outputs: apply(inner as unknown as tfl.layers.Layer, outerIn) });
    const p = profileModel(outer);
    expect(p.layers.map((l) => l.name)).toContain('inner/c');
    expect(p.macs.convLinear).toBe(8 * 8 * 4 * 1 * 9);
  });
});
