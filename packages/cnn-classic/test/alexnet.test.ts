import { beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { withZeroInit, ZooShapeError } from '@zoo/core-blocks/family';
import { expectOneFitStep } from '@zoo/test-support';
import { alexnet } from '../src/index.js';
import { forwardShape, itPoolsFeatures, layerNames } from './family-checks.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('AlexNet layout', () => {
  it("names layers after torchvision's module paths", () => {
    const names = layerNames(alexnet);
    for (const n of ['features.0', 'features.3', 'features.10', 'features.12', 'avgpool', 'classifier.1', 'classifier.4', 'classifier.6']) {
      expect(names.has(n)).toBe(true);
    }
  });

  it('pools to 6x6 before the classifier at any input size, so classifier.1 always takes 9216 features', () => {
    for (const size of [224, 300, 97]) {
      const m = withZeroInit(() => alexnet.create({ inputShape: [size, size, 3] }));
      expect(m.getLayer('avgpool').outputShape).toEqual([null, 6, 6, 256]);
      expect(m.getLayer('classifier.1').getWeights()[0].shape).toEqual([9216, 4096]);
      m.dispose();
    }
  });

  it('has no dropout at dropRate 0 and the reference dropout by default', () => {
    expect(layerNames(alexnet).has('classifier.0')).toBe(true);
    expect(layerNames(alexnet, { dropRate: 0 }).has('classifier.0')).toBe(false);
  });

  itPoolsFeatures(alexnet, 256, [6, 6]);

  it('runs at an odd size and says which layer an input too small breaks', async () => {
    expect(await forwardShape(alexnet, 97, 131, 2)).toEqual([2, 1000]);
    expect(() => withZeroInit(() => alexnet.create({ inputShape: [40, 40, 3] }))).toThrow(ZooShapeError);
  });

  it('trains: one fit step gives a finite loss and changes the weights', async () => {
    await expectOneFitStep(alexnet, { size: 63, watch: ['features.0', 'classifier.6'], frozen: ['classifier.1', 'classifier.4'] });
  });
});
