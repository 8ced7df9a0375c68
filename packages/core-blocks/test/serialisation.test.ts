import { describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { AdaptiveAvgPool2d, apply, LayerScale, StochasticDepth } from '../src/family.js';
import { reload } from './helpers/memory-io.js';

describe('custom layers of the shared blocks', () => {
  it('save and load with their configuration and weights', async () => {
    const input = tfl.input({ shape: [9, 9, 4] });
    let x = apply(new AdaptiveAvgPool2d({ outputSize: [4, 4], name: 'pool' }), input);
    x = apply(new LayerScale({ initValue: 0.5, name: 'ls' }), x);
    x = apply(new StochasticDepth({ rate: 0.2, name: 'sd' }), x);
    const m = tfl.model({ inputs: input, outputs: x });
    const loaded = await reload(m);
    expect((loaded.getLayer('pool') as AdaptiveAvgPool2d).outputSize).toEqual([4, 4]);
    expect((loaded.getLayer('sd') as StochasticDepth).rate).toBe(0.2);
    const xIn = tf.randomNormal([1, 9, 9, 4], 0, 1, 'float32', 1);
    expect(tf.max(tf.abs(tf.sub(loaded.predict(xIn) as tf.Tensor, m.predict(xIn) as tf.Tensor))).dataSync()[0]).toBe(0);
  });
});
