import { beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { ChannelShuffle, ChannelSplit, withZeroInit } from '@zoo/core-blocks';
import { expectOneFitStep, expectReferenceFigures, referenceNames } from '@zoo/test-support';
import {
  catalog,
  SHUFFLENET_V1_SPECS,
  SHUFFLENET_V2_SPECS,
  shufflenet_v1_g1_x1_0,
  shufflenet_v1_g3_x0_5,
  shufflenet_v1_g8_x1_0,
  shufflenet_v2_x0_5,
  shufflenet_v2_x1_0,
} from '../src/index.js';
import { expectWasmMatchesCpu } from './support.js';

const v1 = catalog.filter((e) => e.name in SHUFFLENET_V1_SPECS);
const v2 = catalog.filter((e) => e.name in SHUFFLENET_V2_SPECS);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('ShuffleNet against the reference figures', () => {
  it('covers every ShuffleNetV1 and ShuffleNetV2 of the reference data', () => {
    expect(v1.map((e) => e.name).sort()).toEqual(referenceNames('ShuffleNetV1'));
    expect(v2.map((e) => e.name).sort()).toEqual(referenceNames('ShuffleNetV2'));
  });

  it.each([...v1, ...v2].map((e) => [e.name, e] as const))('%s: params, MACs and output shape equal the reference', (_name, entry) => {
    expectReferenceFigures(entry);
  });
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

  it('runs on wasm as on cpu', async () => {
    expect(await expectWasmMatchesCpu(shufflenet_v1_g3_x0_5, 64)).toEqual([2, 1000]);
  });

  it('trains: one fit step gives a finite loss and changes the weights', async () => {
    await expectOneFitStep(shufflenet_v1_g3_x0_5, { watch: ['features.1.branch_main_1.0'] });
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
