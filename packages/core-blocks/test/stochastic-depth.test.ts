import { describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { StochasticDepth, ZooOptionError } from '../src/family.js';

describe('StochasticDepth', () => {
  const x = tf.add(tf.randomUniform([64, 3, 2, 4], 0, 1, 'float32', 5), 0.5);

  it('is the identity at inference', () => {
    const layer = new StochasticDepth({ rate: 0.5, name: 'sd' });
    const y = layer.apply(x, { training: false }) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(y, x))).dataSync()[0]).toBe(0);
  });

  it('drops whole samples in training and scales the rest by 1 / (1 - rate)', () => {
    const rate = 0.25;
    const layer = new StochasticDepth({ rate, name: 'sd' });
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    const ratio = tf.div(y, x).arraySync() as number[][][][];
    let dropped = 0;
    for (const sample of ratio) {
      const values = sample.flat(2);
      const first = values[0];
      expect(first === 0 || Math.abs(first - 1 / (1 - rate)) < 1e-6).toBe(true);
      for (const v of values) expect(v).toBeCloseTo(first, 6);
      if (first === 0) dropped++;
    }
    // 64 samples at p = 0.25: between 3 and 30 dropped with overwhelming probability.
    expect(dropped).toBeGreaterThan(2);
    expect(dropped).toBeLessThan(31);
  });

  it('with rate 0 is the identity in training too, and rejects rates outside [0, 1]', () => {
    const y = new StochasticDepth({ rate: 0, name: 'sd' }).apply(x, { training: true }) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(y, x))).dataSync()[0]).toBe(0);
    expect(() => new StochasticDepth({ rate: 1.5 })).toThrow(ZooOptionError);
    expect(new StochasticDepth({ rate: 0.1, name: 'sd' }).getConfig().rate).toBe(0.1);
  });
});
