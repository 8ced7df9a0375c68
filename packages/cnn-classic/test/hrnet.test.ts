import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { withZeroInit, ZooOptionError, ZooShapeError } from '@zoo/core-blocks/family';
import { expectOneFitStep } from '@zoo/test-support';
import { hrnet_w18_small, hrnet_w32 } from '../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('HRNet layout', () => {
  let m: tfl.LayersModel;
  beforeAll(() => {
    m = withZeroInit(() => hrnet_w32.create());
  });
  afterAll(() => {
    m.dispose();
  });

  it('fuses every branch into every other, upsampling by nearest neighbour', () => {
    const inputs = m.getLayer('stage4.2.fuse_sum.1').inboundNodes[0].inboundLayers.map((l) => l.name);
    expect(inputs).toEqual([
      'stage4.2.fuse_layers.1.0.0.1', // from 56x56: one stride-2 conv + BN
      'stage4.2.branches.1.3.act2', // itself
      'stage4.2.fuse_layers.1.2.2', // from 14x14: 1x1 conv + BN + upsample x2
      'stage4.2.fuse_layers.1.3.2', // from 7x7: upsample x4
    ]);
    const up = m.getLayer('stage4.2.fuse_layers.1.3.2').getConfig();
    expect([up.size, up.interpolation]).toEqual([[4, 4], 'nearest']);
  });

  it("upsamples exactly as PyTorch's nearest mode does at an integer scale: out[i] = in[floor(i / s)]", () => {
    const up = m.getLayer('stage3.0.fuse_layers.0.2.2');
    const x = tf.randomNormal([1, 3, 5, 2], 0, 1, 'float32', 9);
    const got = (up.apply(x) as tf.Tensor).arraySync() as number[][][][];
    const xs = x.arraySync() as number[][][][];
    expect(got[0].length).toBe(12);
    for (let i = 0; i < 12; i++) for (let j = 0; j < 20; j++) expect(got[0][i][j]).toEqual(xs[0][Math.floor(i / 4)][Math.floor(j / 4)]);
  });

  it('builds the classification head as timm does: incre, downsamp with bias, final layer, classifier', () => {
    expect(
      m
        .getLayer('downsamp_modules.2.0')
        .getWeights()
        .map((w) => w.shape),
    ).toEqual([[3, 3, 512, 1024], [1024]]);
    expect(
      m
        .getLayer('final_layer.0')
        .getWeights()
        .map((w) => w.shape),
    ).toEqual([[1, 1, 1024, 2048], [2048]]);
    expect(m.getLayer('incre_modules.3.0.conv3').getWeights()[0].shape).toEqual([1, 1, 256, 1024]);
    expect(m.getLayer('classifier').getWeights()[0].shape).toEqual([2048, 1000]);
  });
});

describe('HRNet feature maps', () => {
  it("gives timm's features_only maps: the stem's first ReLU, then the four branches after incre_modules", () => {
    expect(hrnet_w18_small.featureInfo.map((f) => [f.module, f.layer, f.channels, f.reduction])).toEqual([
      ['stem', 'act1', 64, 2],
      ['stage1', 'incre_modules.0.0.act3', 128, 4],
      ['stage2', 'incre_modules.1.0.act3', 256, 8],
      ['stage3', 'incre_modules.2.0.act3', 512, 16],
      ['stage4', 'incre_modules.3.0.act3', 1024, 32],
    ]);
  });

  it.each([
    [
      undefined,
      null,
      [
        [null, 112, 112, 64],
        [null, 56, 56, 128],
        [null, 28, 28, 256],
        [null, 14, 14, 512],
        [null, 7, 7, 1024],
      ],
    ],
    [
      [4, 1],
      'max',
      [
        [null, 1024],
        [null, 128],
      ],
    ],
  ] as const)('outIndices %j with pooling %j', (outIndices, pooling, shapes) => {
    const m = withZeroInit(() => hrnet_w18_small.create({ featuresOnly: true, outIndices: outIndices && [...outIndices], pooling }));
    expect(m.outputs.map((o) => o.shape)).toEqual(shapes);
    expect(m.name).toBe('hrnet_w18_small');
    // The classification head past the deepest map is not part of it.
    expect(m.layers.some((l) => l.name.startsWith('downsamp_modules') || l.name === 'final_layer.0')).toBe(false);
    m.dispose();
  });

  it('rejects the old featureMaps option, and inputs its fusion cannot resample, with typed errors', () => {
    expect(() => hrnet_w18_small.create({ featureMaps: 'branches' } as never)).toThrow(ZooOptionError);
    expect(() => withZeroInit(() => hrnet_w18_small.create({ inputShape: [200, 224, 3] }))).toThrow(ZooShapeError);
    const before = tf.memory().numTensors;
    expect(() => withZeroInit(() => hrnet_w18_small.create({ inputShape: [200, 224, 3], featuresOnly: true }))).toThrow(
      /hrnet_w18_small cannot take a 200x224 input/,
    );
    // defineModel leaves nothing of the half-built model behind.
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('HRNet forward and training', () => {
  it('runs on wasm and gives finite multi-resolution maps', async () => {
    await tf.setBackend('wasm');
    const m = hrnet_w18_small.create({ inputShape: [64, 96, 3], featuresOnly: true });
    const ys = m.predict(tf.randomNormal([1, 64, 96, 3], 0, 1, 'float32', 4)) as tf.Tensor[];
    expect(ys.map((y) => y.shape)).toEqual([
      [1, 32, 48, 64],
      [1, 16, 24, 128],
      [1, 8, 12, 256],
      [1, 4, 6, 512],
      [1, 2, 3, 1024],
    ]);
    for (const y of ys) expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
    m.dispose();
    await tf.setBackend('cpu');
  });

  it('trains: one fit step gives a finite loss and changes the weights', async () => {
    // 32x32 is the smallest input whose stem output (8x8) halves evenly three times.
    await expectOneFitStep(hrnet_w18_small, { size: 32, watch: ['conv1', 'stage4.0.fuse_layers.0.3.0', 'final_layer.0'] });
  });
});
