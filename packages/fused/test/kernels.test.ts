import { execFileSync } from 'node:child_process';
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import {
  apply,
  batchNorm2d,
  Conv2d,
  InProjection,
  MultiHeadAttention,
  WindowAttention,
  type WindowAttentionArgs,
} from '@zoo/core-blocks/family';
import { attentionKernel, compile, depthwiseKernel, depthwiseSame, windowAttention } from '../src/index.js';
import { randomizeWeights, relativeError } from './support.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
});
afterEach(async () => {
  await tf.setBackend('wasm');
});

it('are the modules their AssemblyScript sources compile to', () => {
  // Throws (exit 1, naming the file) when src/kernels/*-wasm.generated.ts is stale.
  execFileSync(process.execPath, ['scripts/build-kernels.mjs', '--check'], { cwd: new URL('..', import.meta.url), stdio: 'pipe' });
});

it('compile here (Node has SIMD WebAssembly)', () => {
  expect(attentionKernel()).not.toBeNull();
  expect(depthwiseKernel()).not.toBeNull();
});

/**
 * The model's predict (TF.js kernels) against its plan on `x`: the plan leaves only its output
 * allocated, and a TF.js kernel matching `tfKernel` runs in it exactly when `onKernel` is false
 * (the zoo's kernel ran instead). Returns the plan's statistics and its relative error.
 */
async function planAgainstPredict(model: tfl.LayersModel, x: tf.Tensor, tfKernel: RegExp, onKernel: boolean) {
  const expected = model.predict(x) as tf.Tensor;
  const fused = compile(model);
  const before = tf.memory().numTensors;
  let y = fused.predict(x) as tf.Tensor;
  expect(tf.memory().numTensors).toBe(before + 1);
  y.dispose();
  const profile = await tf.profile(() => {
    y = fused.predict(x) as tf.Tensor;
    return y;
  });
  expect(profile.kernelNames.some((n) => tfKernel.test(n))).toBe(!onKernel);
  expect(y.shape).toEqual(expected.shape);
  const err = relativeError(y, expected);
  const { stats } = fused;
  tf.dispose([y, expected]);
  fused.dispose();
  return { stats, err };
}

/**
 * An attention layer's own call against the plan on the same packed input, which runs the zoo's
 * kernel when `kernel` (no TF.js BatchMatMul then) and the layer's call otherwise.
 */
async function expectKernelEqualsCall(layer: tfl.layers.Layer, shape: number[], { scale = 1, kernel = true } = {}) {
  const x = tf.tidy(() => tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 3), scale));
  layer.build(shape);
  // A bias table far from zero, so that a wrong index or head would show.
  if (layer instanceof WindowAttention) layer.setWeights([tf.randomNormal(layer.getWeights()[0].shape, 0, 2, 'float32', 4)]);
  const input = tfl.input({ shape: shape.slice(1) });
  const model = tfl.model({ inputs: input, outputs: apply(layer, input) });
  const { stats, err } = await planAgainstPredict(model, x, /^BatchMatMul$/, kernel);
  expect(stats.rewritten.attention).toBe(1);
  expect(stats.generic).toEqual({});
  x.dispose();
  model.dispose();
  return err;
}

describe('multi-head attention on the kernel equals the layer on TF.js kernels', () => {
  it.each([
    // [batch, tokens, heads, head dim]: ViT-B's 197 tokens (not a multiple of 4 or 8), a short
    // sequence, head dims of 4 (one group of four in the output loop) and 12, two images.
    [1, 197, 12, 64],
    [2, 5, 3, 4],
    [2, 50, 2, 12],
    [1, 9, 1, 32],
  ])('batch %i, %i tokens, %i heads of %i', async (b, n, heads, hd) => {
    expect(await expectKernelEqualsCall(new MultiHeadAttention({ numHeads: heads }), [b, n, 3 * heads * hd])).toBeLessThan(1e-5);
  });

  it('keeps its accuracy where the scores span a wide range (softmax close to one-hot, exp underflowing)', async () => {
    expect(await expectKernelEqualsCall(new MultiHeadAttention({ numHeads: 2 }), [1, 33, 48], { scale: 12 })).toBeLessThan(1e-5);
  });
});

describe('window attention on the kernel equals the layer on TF.js kernels', () => {
  const swin = (args: Partial<WindowAttentionArgs>) => new WindowAttention({ numHeads: 3, windowSize: 7, shiftSize: 0, ...args });
  it.each([
    ['plain windows', swin({}), [1, 14, 14, 3 * 3 * 8]],
    ['shifted windows (rolled here, masked)', swin({ shiftSize: 3 }), [2, 14, 21, 3 * 3 * 8]],
    ['shifted windows arriving rolled (timm)', swin({ shiftSize: 3, rolledOutside: true }), [2, 21, 14, 3 * 3 * 8]],
    ['a shift dropped where one window covers the map', swin({ shiftSize: 3 }), [1, 7, 7, 3 * 3 * 4]],
    ['windows of 4x4 (tokens a multiple of 8), shifted by 2', swin({ windowSize: 4, shiftSize: 2, numHeads: 2 }), [1, 8, 12, 3 * 2 * 16]],
    ['Swin-T stage 1', swin({ shiftSize: 3 }), [1, 56, 56, 3 * 96]],
  ] as const)('%s', async (_, layer, shape) => {
    expect(await expectKernelEqualsCall(layer, [...shape])).toBeLessThan(1e-5);
  });
});

it('leaves attention to TF.js off wasm and where a head dimension is not a multiple of 4, with the same result', async () => {
  // Head dim 2: the layer's own call on wasm.
  expect(await expectKernelEqualsCall(new MultiHeadAttention({ numHeads: 3 }), [2, 10, 18], { kernel: false })).toBeLessThan(1e-5);
  await tf.setBackend('cpu');
  expect(
    await expectKernelEqualsCall(new WindowAttention({ numHeads: 2, windowSize: 4, shiftSize: 2 }), [1, 8, 8, 48], { kernel: false }),
  ).toBeLessThan(1e-5);
  expect(await expectKernelEqualsCall(new MultiHeadAttention({ numHeads: 2 }), [1, 10, 48], { kernel: false })).toBeLessThan(1e-5);
});

it('fuses the projection before it and runs ViT-style blocks end to end', async () => {
  const input = tfl.input({ shape: [20, 16] });
  const qkv = apply(new InProjection({ units: 48, attention: 'attn' }), input);
  const model = tfl.model({ inputs: input, outputs: apply(new MultiHeadAttention({ numHeads: 4 }), qkv) });
  const x = tf.randomNormal([2, 20, 16], 0, 1, 'float32', 8);
  const { stats, err } = await planAgainstPredict(model, x, /^BatchMatMul$/, true);
  expect(stats).toMatchObject({ fusedKernels: 1, rewritten: { attention: 1 } });
  expect(err).toBeLessThan(1e-5);
  x.dispose();
  model.dispose();
});

it('rejects inputs it cannot cut, saying what it needs', () => {
  const x = tf.zeros([1, 10, 10, 36]);
  expect(() => windowAttention(x, 3, { wh: 4, ww: 4, sh: 0, sw: 0 })).toThrow(/cut whole by its windows.*\[1, 10, 10, 36\]/);
  expect(() => windowAttention(x, 2, { wh: 5, ww: 5, sh: 0, sw: 0 })).toThrow(/head dim that is a multiple of 4/);
  expect(() => windowAttention(x, 3, { wh: 5, ww: 5, sh: 0, sw: 0 }, new Float32Array(10), 1)).toThrow(
    /bias must hold 1 x 3 x 25 x 25 values, got 10/,
  );
  x.dispose();
});

describe('the depthwise kernel equals TF.js depthwise convolution', () => {
  it.each([
    // [kernel, map side, channels, batch]: ConvNeXt's 7x7 on a map whose width is not a multiple
    // of 4 (the one-column tail), 9x9 and 11x11, a map smaller than the kernel, two images.
    [7, 15, 8, 2],
    [9, 12, 4, 1],
    [11, 6, 12, 2],
    [7, 56, 96, 1],
  ])('kernel %i, map %i, %i channels, batch %i', async (k, side, channels, batch) => {
    const input = tfl.input({ shape: [side, side, channels] });
    // With a BatchNorm after it, folded into the kernel's weights and bias, as ConvNeXt's LayerScale is.
    const dw = apply(new Conv2d({ filters: channels, kernelSize: k, groups: channels, padding: (k - 1) / 2, useBias: true }), input);
    const model = tfl.model({ inputs: input, outputs: apply(batchNorm2d('bn'), dw) });
    randomizeWeights(model);
    const x = tf.randomNormal([batch, side, side, channels], 0, 1, 'float32', 6);
    // No TF.js convolution runs in the plan: the zoo's kernel does.
    const { stats, err } = await planAgainstPredict(model, x, /Depthwise|Conv/, true);
    expect(stats.rewritten).toMatchObject({ depthwiseKernel: 1, tiledDepthwise: 0 });
    expect(err).toBeLessThan(1e-5);
    x.dispose();
    model.dispose();
  });

  it('is bit-equal to it on the same weights, and says what it cannot take', () => {
    const x = tf.randomNormal([1, 9, 10, 8], 0, 1, 'float32', 7) as tf.Tensor4D;
    const filter = tf.randomNormal([7, 7, 8, 1], 0, 1, 'float32', 8) as tf.Tensor4D;
    const bias = tf.randomNormal([8], 0, 1, 'float32', 9);
    const expected = tf.fused.depthwiseConv2d({ x, filter, strides: 1, pad: 'same', bias });
    const y = depthwiseSame(x, filter.dataSync() as Float32Array, 7, bias.dataSync() as Float32Array);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(y, expected))).dataSync()[0])).toBe(0);
    expect(() => depthwiseSame(x, new Float32Array(6 * 6 * 8), 6, null)).toThrow(/odd k > 1, channels a multiple of 4.*got k 6/);
    expect(() => depthwiseSame(x, new Float32Array(10), 7, null)).toThrow(/7x7x8 weights.*10 weights/);
    tf.dispose([x, filter, bias, expected, y]);
  });

  it('leaves the others to TF.js: a stride, an activation after it, 5x5, channels not a multiple of 4', () => {
    const input = tfl.input({ shape: [12, 12, 6] });
    const dw = (k: number, channels: number, args = {}) =>
      new Conv2d({ filters: channels, kernelSize: k, groups: channels, padding: (k - 1) / 2, ...args });
    const four = apply(new Conv2d({ filters: 4, kernelSize: 1 }), input);
    const model = tfl.model({
      inputs: input,
      outputs: [
        apply(dw(7, 6), input),
        apply(dw(7, 4, { strides: 2 }), four),
        apply(tfl.layers.reLU({}), apply(dw(7, 4), four)),
        apply(dw(5, 4), four),
      ],
    });
    randomizeWeights(model);
    const fused = compile(model);
    expect(fused.stats.rewritten.depthwiseKernel).toBe(0);
    fused.dispose();
    model.dispose();
  });
});
