import { describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ACTIVATIONS, type ActivationName, activation, apply, ZooOptionError } from '../src/family.js';

/** erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), enough to check the exact GELU. */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return Math.sign(x) * y;
}
const relu6 = (x: number) => Math.min(Math.max(x, 0), 6);
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

// PyTorch's definitions (torch.nn docs), written out in plain arithmetic.
const DEFINITIONS: Record<ActivationName, (x: number) => number> = {
  relu: (x) => Math.max(x, 0),
  relu6,
  sigmoid,
  silu: (x) => x * sigmoid(x),
  hardsigmoid: (x) => relu6(x + 3) / 6,
  hardswish: (x) => (x * relu6(x + 3)) / 6,
  gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  gelu_tanh: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
};

describe('activations', () => {
  const xs = Array.from({ length: 121 }, (_, i) => -9 + i * 0.15);
  it.each(ACTIVATIONS.map((k) => [k]))('%s follows the PyTorch definition', (kind) => {
    const input = tfl.input({ shape: [xs.length] });
    const model = tfl.model({ inputs: input, outputs: apply(activation(kind, 'act'), input) });
    const got = (model.predict(tf.tensor2d([xs])) as tf.Tensor).dataSync();
    xs.forEach((x, i) => {
      expect(Math.abs(got[i] - DEFINITIONS[kind](x))).toBeLessThan(1e-5);
    });
  });

  it('rejects an unknown activation with a typed error', () => {
    expect(() => activation('mish' as ActivationName, 'a')).toThrow(ZooOptionError);
  });
});
