import { beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { MaxPool2d, withZeroInit, ZooShapeError } from '@zoo/core-blocks/family';
import { expectOneFitStep } from '@zoo/test-support';
import { squeezenet1_0, squeezenet1_1 } from '../src/index.js';
import { expectWasmMatchesCpu } from './support.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('SqueezeNet layout', () => {
  it("names layers after torchvision's module paths and pools in ceil mode", () => {
    const m = withZeroInit(() => squeezenet1_0.create());
    expect(m.getLayer('features.3.expand3x3').getWeights()[0].shape).toEqual([3, 3, 16, 64]);
    expect(m.getLayer('classifier.1').getWeights()[0].shape).toEqual([1, 1, 512, 1000]);
    const pool = m.getLayer('features.6') as MaxPool2d;
    expect(pool).toBeInstanceOf(MaxPool2d);
    expect(pool.ceilMode).toBe(true);
    // A 54x54 map: floor mode would give 26, ceil mode keeps the last, partial window: 27.
    expect(pool.outputShape).toEqual([null, 27, 27, 256]);
    expect(m.getLayer('classifier.0').getClassName()).toBe('Dropout');
    m.dispose();
  });

  it('runs on wasm as on cpu, at an odd input size', async () => {
    expect(await expectWasmMatchesCpu(squeezenet1_1, 67)).toEqual([2, 1000]);
  });

  it('says which layer an input too small empties', () => {
    expect(() => squeezenet1_0.create({ inputShape: [15, 15, 3] })).toThrow(ZooShapeError);
    expect(() => squeezenet1_0.create({ inputShape: [15, 15, 3] })).toThrow(/squeezenet1_0 cannot take a 15x15 input/);
  });

  it('trains: one fit step gives a finite loss and changes the weights', async () => {
    await expectOneFitStep(squeezenet1_1, { watch: ['features.3.squeeze'] });
  });
});
