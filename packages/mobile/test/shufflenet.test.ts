import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ChannelShuffle, ChannelSplit, withZeroInit, ZooOptionError, ZooShapeError } from '@zoo/core-blocks/family';
import { fillWeights } from '@zoo/parity';
import { expectOneFitStep } from '@zoo/test-support';
import {
  shufflenet_v1_g1_x1_0,
  shufflenet_v1_g3_x0_5,
  shufflenet_v1_g8_x1_0,
  shufflenet_v2_x0_5,
  shufflenet_v2_x1_0,
} from '../src/index.js';
import { expectWasmMatchesCpu } from './support.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('ShuffleNetV1 layout', () => {
  it("groups the 1x1 convolutions and shuffles in megvii's order, except in the first unit's first conv", () => {
    const m = withZeroInit(() => shufflenet_v1_g8_x1_0.create());
    expect(m.getLayer('features.0.branch_main_1.0').getWeights()[0].shape).toEqual([1, 1, 24, 96]);
    expect(m.getLayer('features.1.branch_main_1.0').getWeights()[0].shape).toEqual([1, 1, 384 / 8, 96]);
    expect(m.getLayer('features.1.branch_main_2.0').getWeights()[0].shape).toEqual([1, 1, 96 / 8, 384]);
    const shuffle = m.getLayer('features.1.channel_shuffle') as ChannelShuffle;
    expect([shuffle.groups, shuffle.inverse]).toEqual([8, true]);
    expect(m.getLayer('features.0.branch_proj').getClassName()).toBe('AvgPool2d');
    expect(m.getLayer('classifier.0').getWeights()).toHaveLength(1);
    m.dispose();
    const g1 = withZeroInit(() => shufflenet_v1_g1_x1_0.create());
    expect(g1.layers.some((l) => l instanceof ChannelShuffle)).toBe(false);
    g1.dispose();
  });

  // At 64 px the final map is 2x2, too small for the authors' 7x7 head window: a global average instead.
  it('runs on wasm as on cpu', async () => {
    expect(await expectWasmMatchesCpu(shufflenet_v1_g3_x0_5, 64, 2, { headPool: 'adaptive' })).toEqual([2, 1000]);
  });

  it('trains: one fit step gives a finite loss and changes the weights', async () => {
    await expectOneFitStep(shufflenet_v1_g3_x0_5, { watch: ['features.1.branch_main_1.0'], createOptions: { headPool: 'adaptive' } });
  });
});

describe('ShuffleNetV1 head pooling', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  /** The model's logits, and the bias-free classifier applied to the mean of the final map's top-left `window` pixels. */
  function headOf(options: { inputShape: [number, number, 3]; headPool?: 'fixed' | 'adaptive' }, window: number) {
    const m = withZeroInit(() => shufflenet_v1_g3_x0_5.create(options));
    fillWeights(m, 7);
    const [side] = options.inputShape;
    const x = tf.randomNormal([2, side, side, 3], 0, 1, 'float32', 5);
    const probe = tfl.model({ inputs: m.inputs, outputs: [m.outputs[0], m.getLayer('features.15.relu').output as tfl.SymbolicTensor] });
    const [logits, map] = probe.predict(x) as tf.Tensor[];
    const w = m.getLayer('classifier.0').getWeights()[0];
    const want = tf.matMul(tf.mean(tf.slice(map, [0, 0, 0, 0], [-1, window, window, -1]), [1, 2]), w);
    const diff = tf.max(tf.abs(tf.sub(logits, want))).dataSync()[0];
    const scale = tf.max(tf.abs(want)).dataSync()[0];
    const out = { map: map.shape, layer: m.getLayer('globalpool').getClassName(), relative: diff / scale };
    tf.dispose([x, logits, map, want]);
    m.dispose();
    return out;
  }

  it("defaults to the authors' AvgPool2d(7): at 227 px, the mean of the 8x8 final map's top-left 7x7", () => {
    expect(shufflenet_v1_g3_x0_5.extraOptions.headPool.default).toBe('fixed');
    const fixed = headOf({ inputShape: [227, 227, 3] }, 7);
    expect(fixed.map).toEqual([2, 8, 8, 480]);
    expect(fixed.layer).toBe('AvgPool2d');
    expect(fixed.relative).toBeLessThan(1e-5);
    // The global average is another function there, and the same one at 224 (a 7x7 map).
    const adaptive = headOf({ inputShape: [227, 227, 3], headPool: 'adaptive' }, 8);
    expect(adaptive.layer).toBe('GlobalAveragePooling2D');
    expect(adaptive.relative).toBeLessThan(1e-5);
    expect(headOf({ inputShape: [227, 227, 3], headPool: 'adaptive' }, 7).relative).toBeGreaterThan(1e-3);
    expect(headOf({ inputShape: [224, 224, 3] }, 7).relative).toBeLessThan(1e-5);
  });

  it("refuses a final map the authors' head cannot take, naming the sizes that work and the option", () => {
    for (const side of [192, 417]) {
      expect(() => shufflenet_v1_g3_x0_5.create({ inputShape: [side, side, 3] })).toThrow(ZooShapeError);
      expect(() => shufflenet_v1_g3_x0_5.create({ inputShape: [side, side, 3] })).toThrow(/193 to 416 pixels, or headPool: 'adaptive'/);
    }
    for (const side of [193, 416]) shufflenet_v1_g3_x0_5.create({ inputShape: [side, side, 3] }).dispose();
    const small = shufflenet_v1_g3_x0_5.create({ inputShape: [64, 64, 3], headPool: 'adaptive' });
    expect(small.outputs[0].shape).toEqual([null, 1000]);
    small.dispose();
    // Features alone never reach the head.
    shufflenet_v1_g3_x0_5.create({ inputShape: [64, 64, 3], featuresOnly: true }).dispose();
    expect(() => shufflenet_v1_g3_x0_5.create({ headPool: 'global' as 'fixed' })).toThrow(ZooOptionError);
  });
});

describe('ShuffleNetV2 layout', () => {
  it("splits, shuffles in torchvision's order and names layers after its module paths", () => {
    const m = withZeroInit(() => shufflenet_v2_x1_0.create());
    expect(m.getLayer('stage2.0.branch1.0').getWeights()[0].shape).toEqual([3, 3, 1, 24]);
    expect(m.getLayer('stage2.0.branch2.0').getWeights()[0].shape).toEqual([1, 1, 24, 58]);
    expect(m.getLayer('stage2.1.branch2.0').getWeights()[0].shape).toEqual([1, 1, 58, 58]);
    expect(m.getLayer('stage2.1.split')).toBeInstanceOf(ChannelSplit);
    const shuffle = m.getLayer('stage4.3.channel_shuffle') as ChannelShuffle;
    expect([shuffle.groups, shuffle.inverse]).toEqual([2, false]);
    expect(m.getLayer('fc').getWeights()[0].shape).toEqual([1024, 1000]);
    m.dispose();
  });

  it('runs on wasm as on cpu, at an odd input size', async () => {
    expect(await expectWasmMatchesCpu(shufflenet_v2_x0_5, 75)).toEqual([2, 1000]);
  });

  it('trains: one fit step gives a finite loss and changes the weights', async () => {
    await expectOneFitStep(shufflenet_v2_x0_5, { watch: ['stage2.1.branch2.0'] });
  });
});
