import { beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { withZeroInit } from '@zoo/core-blocks/family';
import { expectOneFitStep } from '@zoo/test-support';
import { googlenet } from '../src/index.js';
import { forwardShape, itPoolsFeatures, layerNames } from './family-checks.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('GoogLeNet layout', () => {
  it("names layers after torchvision's modules, without the auxiliary heads", () => {
    const names = layerNames(googlenet);
    for (const n of [
      'conv1.conv',
      'conv1.bn',
      'maxpool1',
      'inception3a.branch1.conv',
      'inception3a.branch2.1.conv',
      'inception3a.branch3.1.bn',
      'inception3a.branch4.0',
      'inception5b.branch4.1.conv',
      'fc',
    ]) {
      expect(names.has(n)).toBe(true);
    }
    expect([...names].some((n) => n.startsWith('aux'))).toBe(false);
  });

  it('uses BatchNorm epsilon 1e-3 and ceil-mode pooling', () => {
    const m = withZeroInit(() => googlenet.create({ inputShape: [225, 225, 3] }));
    expect(m.getLayer('inception4a.branch2.0.bn').getConfig().epsilon).toBe(1e-3);
    // 225 -> conv1 113 -> ceil pool 56 (floor would give 56 too), then 28, 14, 7 with ceil rounding up odd sizes.
    expect(m.getLayer('maxpool1').outputShape).toEqual([null, 56, 56, 64]);
    const m2 = withZeroInit(() => googlenet.create({ inputShape: [230, 230, 3] }));
    // 230 -> 115 -> (115 - 3) / 2 = 56 exactly, +1 = 57: ceil mode keeps the last window.
    expect(m2.getLayer('maxpool1').outputShape).toEqual([null, 57, 57, 64]);
    expect(m2.getLayer('maxpool2').outputShape).toEqual([null, 28, 28, 192]);
    m.dispose();
    m2.dispose();
  });

  itPoolsFeatures(googlenet, 1024, [7, 7]);

  it('runs at an odd size', async () => {
    expect(await forwardShape(googlenet, 99, 75, 2)).toEqual([2, 1000]);
  });

  it('trains: one fit step gives a finite loss and changes the weights', async () => {
    await expectOneFitStep(googlenet, { size: 32, watch: ['inception3a.branch2.1.conv'] });
  });
});
