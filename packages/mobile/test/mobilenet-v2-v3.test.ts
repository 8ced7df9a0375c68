import { beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type Activation, makeDivisible, withZeroInit, ZooOptionError } from '@zoo/core-blocks/family';
import { expectOneFitStep } from '@zoo/test-support';
import { mobilenet_v2, mobilenet_v3_large, mobilenet_v3_small } from '../src/index.js';
import { expectWasmMatchesCpu } from './support.js';

const kernelShape = (m: tfl.LayersModel, layer: string) => m.getLayer(layer).getWeights()[0].shape;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('MobileNetV2', () => {
  it("names layers after torchvision's module paths, with and without the expansion", () => {
    const m = withZeroInit(() => mobilenet_v2.create());
    expect(kernelShape(m, 'features.1.conv.0.0')).toEqual([3, 3, 1, 32]);
    expect(kernelShape(m, 'features.1.conv.1')).toEqual([1, 1, 32, 16]);
    expect(kernelShape(m, 'features.2.conv.0.0')).toEqual([1, 1, 16, 96]);
    expect(kernelShape(m, 'features.2.conv.2')).toEqual([1, 1, 96, 24]);
    expect(m.getLayer('features.3.add').getClassName()).toBe('Add');
    expect(kernelShape(m, 'features.18.0')).toEqual([1, 1, 320, 1280]);
    expect(kernelShape(m, 'classifier.1')).toEqual([1280, 1000]);
    m.dispose();
  });

  it.each([0.35, 0.5, 1.4])('widthMultiplier %p rounds every width by the divisor rule, the last conv never below 1280', (w) => {
    const m = withZeroInit(() => mobilenet_v2.create({ widthMultiplier: w }));
    expect(kernelShape(m, 'features.0.0')[3]).toBe(makeDivisible(32 * w));
    expect(kernelShape(m, 'features.17.conv.2')[3]).toBe(makeDivisible(320 * w));
    expect(kernelShape(m, 'features.18.0')[3]).toBe(makeDivisible(1280 * Math.max(1, w)));
    m.dispose();
  });

  it.each([0, -1, 4.5, Number.NaN, '0.5'])('rejects widthMultiplier %p with a typed error', (bad) => {
    expect(() => mobilenet_v2.create({ widthMultiplier: bad as number })).toThrow(ZooOptionError);
  });

  it('runs on wasm as on cpu', async () => {
    expect(await expectWasmMatchesCpu(mobilenet_v2, 64)).toEqual([2, 1000]);
  });

  it('trains: one fit step gives a finite loss and changes the weights', async () => {
    // The narrowest width keeps tfjs's slow cpu gradients to seconds; the structure is the same.
    await expectOneFitStep(mobilenet_v2, { size: 16, watch: ['features.2.conv.1.0'], createOptions: { widthMultiplier: 0.35 } });
  });
});

describe('MobileNetV3', () => {
  it("names layers after torchvision's module paths, with PyTorch's activations and BatchNorm settings", () => {
    const m = withZeroInit(() => mobilenet_v3_small.create());
    // The first block of the small model has squeeze-excite and no expansion.
    expect(kernelShape(m, 'features.1.block.0.0')).toEqual([3, 3, 1, 16]);
    expect(kernelShape(m, 'features.1.block.1.fc1')).toEqual([1, 1, 16, 8]);
    expect(kernelShape(m, 'features.1.block.1.fc2')).toEqual([1, 1, 8, 16]);
    expect((m.getLayer('features.1.block.1.scale_activation') as Activation).kind).toBe('hardsigmoid');
    expect((m.getLayer('features.0.2') as Activation).kind).toBe('hardswish');
    expect(m.getLayer('features.0.1').getConfig()).toMatchObject({ epsilon: 0.001, momentum: 0.99 });
    expect(kernelShape(m, 'features.12.0')).toEqual([1, 1, 96, 576]);
    expect(kernelShape(m, 'classifier.0')).toEqual([576, 1024]);
    expect(kernelShape(m, 'classifier.3')).toEqual([1024, 1000]);
    m.dispose();
    const large = withZeroInit(() => mobilenet_v3_large.create());
    expect(kernelShape(large, 'features.4.block.2.fc1')).toEqual([1, 1, 72, makeDivisible(72 / 4)]);
    expect(large.getLayer('features.1.block.0.2').getClassName()).toBe('ReLU');
    large.dispose();
  });

  it('has the same options as the other MobileNets', () => {
    const m = withZeroInit(() => mobilenet_v3_large.create({ widthMultiplier: 0.75, includeTop: false, pooling: 'avg' }));
    expect(m.outputs[0].shape).toEqual([null, 6 * makeDivisible(160 * 0.75)]);
    expect(() => mobilenet_v3_small.create({ widthMultiplier: 0 })).toThrow(ZooOptionError);
  });

  it('runs on wasm as on cpu', async () => {
    expect(await expectWasmMatchesCpu(mobilenet_v3_small, 64)).toEqual([2, 1000]);
  });

  it('trains: one fit step gives a finite loss and changes the weights', async () => {
    await expectOneFitStep(mobilenet_v3_small, { size: 16, watch: ['features.1.block.1.fc1'] });
  });
});
