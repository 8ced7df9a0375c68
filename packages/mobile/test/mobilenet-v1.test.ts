import { beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { makeDivisible, withZeroInit, ZooOptionError } from '@zoo/core-blocks/family';
import { expectOneFitStep } from '@zoo/test-support';
import { mobilenet_v1_025, mobilenet_v1_100 } from '../src/index.js';
import { expectWasmMatchesCpu } from './support.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('MobileNetV1 width multiplier', () => {
  it('defaults to the named variant and can be set on any of them', () => {
    const width = (m: tfl.LayersModel) => m.getLayer('classifier').getWeights()[0].shape[0];
    expect(width(withZeroInit(() => mobilenet_v1_025.create()))).toBe(makeDivisible(1024 * 0.25));
    expect(width(withZeroInit(() => mobilenet_v1_100.create({ widthMultiplier: 0.25 })))).toBe(makeDivisible(1024 * 0.25));
    const wide = withZeroInit(() => mobilenet_v1_100.create({ widthMultiplier: 1.3, includeTop: false, pooling: 'avg' }));
    expect(wide.outputs[0].shape).toEqual([null, makeDivisible(1024 * 1.3)]);
    expect(wide.getLayer('conv_stem').getWeights()[0].shape).toEqual([3, 3, 3, makeDivisible(32 * 1.3)]);
  });

  it.each([0, -0.5, 5, Number.NaN, Number.POSITIVE_INFINITY, '1.0'])('rejects widthMultiplier %p with a typed error', (bad) => {
    expect(() => mobilenet_v1_100.create({ widthMultiplier: bad as number })).toThrow(ZooOptionError);
    expect(() => mobilenet_v1_100.create({ widthMultiplier: bad as number })).toThrow(/widthMultiplier/);
  });
});

describe('MobileNetV1 layout', () => {
  it("names layers after timm's module paths, the depthwise conv with one group per channel", () => {
    const m = withZeroInit(() => mobilenet_v1_100.create());
    expect(m.getLayer('blocks.3.5.conv_dw').getWeights()[0].shape).toEqual([3, 3, 1, 512]);
    expect(m.getLayer('blocks.4.1.conv_pw').getWeights()[0].shape).toEqual([1, 1, 1024, 1024]);
    expect(m.getLayer('blocks.4.1.bn2.act').getConfig().maxValue).toBe(6);
    m.dispose();
  });

  it('runs on wasm as on cpu', async () => {
    expect(await expectWasmMatchesCpu(mobilenet_v1_025, 64)).toEqual([2, 1000]);
  });

  it('trains: one fit step gives a finite loss and changes the weights', async () => {
    await expectOneFitStep(mobilenet_v1_025, { watch: ['blocks.1.0.conv_dw'] });
  });
});
