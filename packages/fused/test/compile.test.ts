import { beforeAll, expect, it, jest } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { Activation, apply, batchNorm2d, Conv2d, InProjection, LayerScale, layerNorm, ZooShapeError } from '@zoo/core-blocks/family';
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

it('normalises LayerNorms directly; a small dense reader takes gamma and beta, a large one does not', () => {
  // 16 tokens of 4 features: a 4x8 kernel (32 weights) is smaller than its input (64 values) and
  // takes the affine map; a 4x32 one (128) is not copied, so that LayerNorm applies gamma and beta.
  const stats = expectSameFunction(
    (x) => {
      const a = apply(tfl.layers.dense({ units: 8 }), apply(layerNorm('ln_small', 1e-6), x));
      const b = apply(tfl.layers.dense({ units: 32 }), apply(layerNorm('ln_large'), x));
      const c = apply(tfl.layers.layerNormalization({ axis: -1, epsilon: 1e-5, center: false, name: 'ln_out' }), a);
      return [a, b, c];
    },
    [16, 4],
  );
  expect(stats.rewritten).toEqual({ layerNorm: 3, layerNormAffine: 1, gelu: 0, tiledDepthwise: 0, depthwiseKernel: 0, attention: 0 });
  expect(stats.generic).toEqual({});
});

it('leaves a LayerNorm over another axis to its own call', () => {
  const stats = expectSameFunction((x) => apply(tfl.layers.layerNormalization({ axis: 1, name: 'ln_tokens' }), x), [6, 4]);
  expect(stats.rewritten.layerNorm).toBe(0);
  expect(stats.generic).toEqual({ LayerNormalization: 1 });
});

it('runs an exact GELU between two dense layers as three kernels, the 1/sqrt 2 factors in their weights', () => {
  const stats = expectSameFunction(
    (x) => {
      const mlp = (y: tfl.SymbolicTensor, tag: string) => {
        const h = apply(new Activation({ kind: 'gelu', name: `${tag}_act` }), apply(tfl.layers.dense({ units: 8 }), y));
        return apply(tfl.layers.dense({ units: 4 }), apply(tfl.layers.dropout({ rate: 0.3 }), h));
      };
      // The second GELU is also a model output: it must stay the exact GELU.
      const first = mlp(x, 'a');
      const h = apply(new Activation({ kind: 'gelu', name: 'b_act' }), apply(tfl.layers.dense({ units: 8 }), first));
      return [apply(tfl.layers.dense({ units: 4 }), h), h];
    },
    [16, 4],
  );
  expect(stats.rewritten.gelu).toBe(1);
  expect(stats.generic).toEqual({ ZooActivation: 1 });
});

it('fuses the zoo InProjection like a dense layer', () => {
  const stats = expectSameFunction(
    (x) => apply(new InProjection({ units: 12, attention: 'attn' }), apply(layerNorm('ln', 1e-6), x)),
    [16, 4],
  );
  expect(stats).toMatchObject({ fusedKernels: 1, rewritten: { layerNorm: 1, layerNormAffine: 1 } });
});

it('cuts depthwise kernels larger than 5 into 5x5 tiles, for every stride, dilation and padding that allows it', () => {
  const dw = (y: tfl.SymbolicTensor, k: number | [number, number], args: Partial<ConstructorParameters<typeof Conv2d>[0]>) =>
    apply(new Conv2d({ filters: 4, kernelSize: k, groups: 4, ...args }), y);
  const tiled = expectSameFunction(
    (x) => {
      const outs = [
        dw(x, 7, { padding: 3 }), // ConvNeXt's: the zoo's depthwise kernel (test/kernels.test.ts)
        dw(x, 7, { padding: 3, strides: 2 }), // four tiles
        apply(new Conv2d({ filters: 6, kernelSize: 7, groups: 6, padding: 3 }), apply(new Conv2d({ filters: 6, kernelSize: 1 }), x)), // 6 channels
        dw(x, [9, 6], { padding: [4, 3] }), // tiles at rows 0 and 4, columns 0 and 1
        dw(x, 7, { padding: 6, dilation: 2 }),
        apply(new Conv2d({ filters: 8, kernelSize: 7, groups: 4, padding: 3 }), x), // channel multiplier 2
      ];
      return outs;
    },
    [15, 15, 4],
  );
  expect(tiled.rewritten).toMatchObject({ tiledDepthwise: 5, depthwiseKernel: 1 });
  const whole = expectSameFunction(
    (x) => [
      dw(x, 7, { padding: 1 }), // a tile would need negative padding
      apply(tfl.layers.reLU({}), dw(x, 7, { padding: 3 })), // the activation would have to follow the sum
      dw(x, 5, { padding: 2 }), // already a fast kernel
    ],
    [15, 15, 4],
  );
  expect(whole.rewritten).toMatchObject({ tiledDepthwise: 0, depthwiseKernel: 0 });
  expect(whole.folded.activation).toBe(1);
});

it('keeps a tiled depthwise kernel whole on backends other than wasm', async () => {
  const input = tfl.input({ shape: [12, 12, 4] });
  // Stride 2: tiles (at stride 1 it would take the zoo's depthwise kernel).
  const model = tfl.model({
    inputs: input,
    outputs: apply(new Conv2d({ filters: 4, kernelSize: 7, groups: 4, padding: 3, strides: 2 }), input),
  });
  randomizeWeights(model);
  const fused = compile(model);
  const x = tf.randomNormal([1, 12, 12, 4], 0, 1, 'float32', 3);
  const kernelsOn = async (backend: string) => {
    await tf.setBackend(backend);
    const profile = await tf.profile(() => fused.predict(x) as tf.Tensor);
    const expected = model.predict(x) as tf.Tensor;
    const y = fused.predict(x) as tf.Tensor;
    expect(relativeError(y, expected)).toBeLessThan(1e-5);
    tf.dispose([y, expected, profile.result as tf.Tensor]);
    return profile.kernelNames;
  };
  try {
    expect(await kernelsOn('wasm')).toContain('AddN');
    expect(await kernelsOn('cpu')).not.toContain('AddN');
  } finally {
    await tf.setBackend('wasm');
    tf.dispose(x);
    fused.dispose();
    model.dispose();
  }
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

it('past the wasm weight budget, the largest dense layers run on a per-call copy of their kernel, computing the same', () => {
  const input = tfl.input({ shape: [5, 8] });
  let y = apply(tfl.layers.dense({ units: 64, activation: 'relu' }), input);
  y = apply(tfl.layers.dense({ units: 256 }), y);
  const model = tfl.model({ inputs: input, outputs: apply(tfl.layers.dense({ units: 10 }), y) });
  randomizeWeights(model);
  const kernels = model.layers.slice(1).map((l) => 4 * (l.getWeights()[0] as tf.Tensor).size);
  const modelBytes = model.weights.reduce((a, w) => a + 4 * (w.read() as tf.Tensor).size, 0);
  const x = tf.randomNormal([2, 5, 8], 0, 1, 'float32', 7);
  const expected = model.predict(x) as tf.Tensor;

  const run = (wasmWeightBudget?: number) => {
    const plan = compile(model, wasmWeightBudget === undefined ? {} : { wasmWeightBudget });
    const out = plan.predict(x) as tf.Tensor;
    const err = relativeError(out, expected);
    const { wasm } = plan.stats;
    tf.dispose(out);
    plan.dispose();
    return { wasm, err };
  };
  const all = kernels.reduce((a, b) => a + b, 0);
  expect(run()).toMatchObject({ wasm: { modelBytes, foldedBytes: 0, packedBytes: all, unpackedDense: 0, fits: true } });
  // One byte short: the largest kernel (64 x 256) is no longer kept packed, the others are.
  const tight = run(modelBytes + all - 1);
  expect(tight.wasm).toMatchObject({ packedBytes: all - Math.max(...kernels), unpackedDense: 1, fits: true });
  expect(tight.err).toBeLessThan(1e-5);
  // Over budget even with every dense layer unpacked: predict says so once, on wasm.
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
  try {
    const none = run(0);
    expect(none.wasm).toMatchObject({ packedBytes: 0, unpackedDense: 3, fits: false });
    expect(none.err).toBeLessThan(1e-5);
    expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([expect.stringMatching(/over its budget of 0\.00 GiB .* outputs are wrong/)]);
  } finally {
    warn.mockRestore();
  }
  expect(() => compile(model, { wasmWeightBudget: -1 })).toThrow(/wasmWeightBudget must be a number of bytes >= 0, got -1/);
  expect(() => compile(model, { wasmWeightBudget: Number.NaN })).toThrow(RangeError);
  tf.dispose([x, expected]);
  model.dispose();
});
