import { beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { withZeroInit, ZooOptionError } from '@zoo/core-blocks/family';
import { expectOneFitStep } from '@zoo/test-support';
import { resnet18, resnet50, resnext50_32x4d } from '../src/index.js';

// Importing the wasm backend makes it the default; it is chosen per test where it is wanted.
beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('ResNet layout', () => {
  it("names layers after torchvision's module paths", () => {
    const m = withZeroInit(() => resnet50.create());
    const names = new Set(m.layers.map((l) => l.name));
    for (const n of [
      'conv1',
      'bn1',
      'layer1.0.conv1',
      'layer1.0.downsample.0',
      'layer1.0.downsample.1',
      'layer4.2.conv3',
      'layer4.2.bn3',
      'fc',
    ]) {
      expect(names.has(n)).toBe(true);
    }
    expect(names.has('layer1.1.downsample.0')).toBe(false);
    m.dispose();
  });

  it('puts the groups on the 3x3 convolution of ResNeXt', () => {
    const m = withZeroInit(() => resnext50_32x4d.create());
    expect(m.getLayer('layer1.0.conv2').getWeights()[0].shape).toEqual([3, 3, 4, 128]);
    m.dispose();
  });

  it.each([
    ['avg', [null, 2048]],
    ['max', [null, 2048]],
    [null, [null, 7, 7, 2048]],
  ] as const)('includeTop false with pooling %p gives %p', (pooling, shape) => {
    const m = withZeroInit(() => resnet50.create({ includeTop: false, pooling }));
    expect(m.outputs[0].shape).toEqual(shape);
    m.dispose();
  });

  it('runs a forward pass at an odd size with a new number of classes', async () => {
    await tf.setBackend('wasm');
    const m = resnet18.create({ inputShape: [67, 53, 3], numClasses: 7, classifierActivation: 'softmax' });
    const y = m.predict(tf.randomNormal([2, 67, 53, 3], 0, 1, 'float32', 1)) as tf.Tensor;
    expect(y.shape).toEqual([2, 7]);
    const sums = tf.sum(y, 1).arraySync() as number[];
    for (const s of sums) expect(s).toBeCloseTo(1, 5);
    m.dispose();
    await tf.setBackend('cpu');
  });

  it('rejects bad options with typed errors', () => {
    expect(() => resnet18.create({ numClasses: -3 })).toThrow(ZooOptionError);
    expect(() => resnet18.create({ inputShape: [3, 224, 224] })).toThrow(/channels-first/);
    expect(() => resnet18.create({ includeTop: true, pooling: 'avg' })).toThrow(ZooOptionError);
    expect(() => resnet18.create({ widthMultiplier: 2 } as never)).toThrow(/no such option for resnet18/);
  });

  it('builds for a 1x1 input, the smallest there is, as PyTorch does', () => {
    // Every ResNet stage keeps at least one pixel, so 1x1 still runs (as in PyTorch).
    expect(withZeroInit(() => resnet18.create({ inputShape: [1, 1, 3] })).outputs[0].shape).toEqual([null, 1000]);
  });

  it('trains: one fit step gives a finite loss and changes the weights', async () => {
    await expectOneFitStep(resnet18, { size: 16, watch: ['layer1.0.conv1', 'fc'] });
  });
});
