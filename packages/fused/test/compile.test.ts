import { beforeAll, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-wasm';
import { Activation, apply, batchNorm2d, Conv2d, LayerScale, ZooShapeError } from '@zoo/core-blocks';
import { compile } from '../src/index.js';
import { randomizeWeights, relativeError } from './support.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

/** Builds a small model, gives it non-trivial weights, and checks the plan against predict. */
function expectSameFunction(build: (x: tfl.SymbolicTensor) => tfl.SymbolicTensor | tfl.SymbolicTensor[], shape = [9, 9, 4]) {
  const input = tfl.input({ shape });
  const model = tfl.model({ inputs: input, outputs: build(input) });
  randomizeWeights(model);
  const x = tf.randomNormal([2, ...shape], 0, 1, 'float32', 5);
  const expected = model.predict(x) as tf.Tensor | tf.Tensor[];
  const fused = compile(model);
  const y = fused.predict(x);
  const [ys, es] = [y, expected].map((t) => (Array.isArray(t) ? t : [t]));
  expect(ys.length).toBe(es.length);
  ys.forEach((t, i) => {
    expect(t.shape).toEqual(es[i].shape);
    expect(relativeError(t, es[i])).toBeLessThan(1e-5);
  });
  tf.dispose([x, ...ys, ...es]);
  const stats = fused.stats;
  fused.dispose();
  model.dispose();
  return stats;
}

it('folds conv + BatchNorm + relu6 into one kernel, for dense, depthwise (multiplier 2) and grouped convs', () => {
  const stats = expectSameFunction((x) => {
    let y = apply(new Conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 1 }), x);
    y = apply(tfl.layers.reLU({ maxValue: 6 }), apply(batchNorm2d('bn1', { eps: 1e-3 }), y));
    y = apply(new Conv2d({ filters: 16, kernelSize: 3, padding: [1, 0], groups: 8, useBias: false }), y);
    y = apply(tfl.layers.reLU({ maxValue: 6 }), apply(batchNorm2d('bn2'), y));
    y = apply(new Conv2d({ filters: 8, kernelSize: 1, groups: 4 }), y);
    return apply(tfl.layers.reLU({}), apply(batchNorm2d('bn3'), y));
  });
  expect(stats).toMatchObject({ fusedKernels: 3, steps: 3, folded: { batchNorm: 3, activation: 3 } });
});

it('does not fold into a kernel whose output has a second reader', () => {
  const stats = expectSameFunction((x) => {
    const c = apply(new Conv2d({ filters: 4, kernelSize: 3, padding: 1 }), x);
    const b = apply(batchNorm2d('bn'), c);
    return apply(tfl.layers.add({}), [c, b]);
  });
  expect(stats.folded.batchNorm).toBe(0);
  expect(stats.generic).toEqual({ BatchNormalization: 1, Add: 1 });
});

it('fuses every activation the kernels know, and runs the others as they are', () => {
  const stats = expectSameFunction((x) => {
    const conv = (y: tfl.SymbolicTensor) => apply(new Conv2d({ filters: 4, kernelSize: 1 }), y);
    let y = apply(new Activation({ kind: 'hardsigmoid' }), conv(x));
    y = apply(tfl.layers.leakyReLU({ alpha: 0.1 }), conv(y));
    y = apply(tfl.layers.elu({}), conv(y));
    y = apply(tfl.layers.activation({ activation: 'sigmoid' }), conv(y));
    return apply(new Activation({ kind: 'hardswish' }), conv(y));
  });
  expect(stats).toMatchObject({ fusedKernels: 5, folded: { activation: 4 }, generic: { ZooActivation: 1 } });
});

it('runs Dense on tokens with LayerScale folded, and hands back several outputs', () => {
  const stats = expectSameFunction(
    (x) => {
      const d = apply(tfl.layers.dense({ units: 6 }), x);
      const s = apply(new LayerScale({ initValue: 0.5 }), apply(tfl.layers.dropout({ rate: 0.5 }), d));
      return [s, apply(tfl.layers.dense({ units: 3, activation: 'relu' }), x)];
    },
    [5, 4],
  );
  expect(stats).toMatchObject({ fusedKernels: 2, steps: 2, folded: { layerScale: 1, identity: 1 } });
});

it('rejects an input of the wrong shape with a typed error, and leaves nothing behind', () => {
  const input = tfl.input({ shape: [8, 8, 3] });
  const model = tfl.model({ inputs: input, outputs: apply(new Conv2d({ filters: 2, kernelSize: 3 }), input) });
  const fused = compile(model);
  const x = tf.zeros([1, 9, 8, 3]);
  const before = tf.memory().numTensors;
  expect(() => fused.predict(x)).toThrow(ZooShapeError);
  expect(tf.memory().numTensors).toBe(before);
  x.dispose();
  fused.dispose();
  expect(() => fused.predict(x)).toThrow(/disposed/);
  model.dispose();
});
