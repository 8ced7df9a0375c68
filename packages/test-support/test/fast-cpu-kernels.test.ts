import { beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { installFastCpuKernels } from '../src/index.js';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface Case {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  stride: number;
  pad: Pad;
  depthwise?: boolean;
}

// Every way the zoo's layers call these kernels: 1x1, 3x3 and 7x7 taps, strides 1 and 2, 'same',
// 'valid' and explicit symmetric padding (Conv2d's PyTorch padding), odd sizes where a stride
// leaves the last row out, depthwise with channel multipliers 1 and 2.
const CASES: Case[] = [
  { name: '3x3 same', x: [2, 9, 9, 5], filter: [3, 3, 5, 7], stride: 1, pad: 'same' },
  { name: '3x3 stride 2 valid, odd size', x: [2, 11, 10, 4], filter: [3, 3, 4, 6], stride: 2, pad: 'valid' },
  {
    name: '7x7 stride 2 explicit padding 3',
    x: [1, 15, 15, 3],
    filter: [7, 7, 3, 8],
    stride: 2,
    pad: [
      [0, 0],
      [3, 3],
      [3, 3],
      [0, 0],
    ],
  },
  { name: '1x1 stride 2', x: [2, 8, 8, 6], filter: [1, 1, 6, 4], stride: 2, pad: 'valid' },
  { name: '2x2 stride 2 asymmetric same', x: [1, 7, 7, 3], filter: [2, 2, 3, 5], stride: 2, pad: 'same' },
  {
    name: 'depthwise 3x3',
    x: [2, 9, 9, 6],
    filter: [3, 3, 6, 1],
    stride: 1,
    pad: [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ],
    depthwise: true,
  },
  { name: 'depthwise 5x5 stride 2, multiplier 2', x: [2, 13, 12, 4], filter: [5, 5, 4, 2], stride: 2, pad: 'same', depthwise: true },
];

function filterGradient(c: Case): Float32Array {
  return tf.tidy(() => {
    const x = tf.randomNormal(c.x, 0, 1, 'float32', 1) as tf.Tensor4D;
    const w = tf.randomNormal(c.filter, 0, 1, 'float32', 2) as tf.Tensor4D;
    const f = (k: tf.Tensor) => {
      const y = c.depthwise ? tf.depthwiseConv2d(x, k as tf.Tensor4D, c.stride, c.pad) : tf.conv2d(x, k as tf.Tensor4D, c.stride, c.pad);
      // A non-uniform upstream gradient, so that every (output position, channel) weighs differently.
      return tf.sum(tf.mul(y, tf.randomNormal(y.shape, 0, 1, 'float32', 3)));
    };
    return tf.grad(f)(w).dataSync() as Float32Array;
  });
}

interface TransposeCase {
  shape: number[];
  perm: number[];
  dtype: 'float32' | 'int32' | 'bool';
}

// Ranks 0 to 6, identity and reversing permutations, size-1 and size-0 dimensions, every dtype.
const TRANSPOSES: TransposeCase[] = [
  { shape: [], perm: [], dtype: 'float32' },
  { shape: [7], perm: [0], dtype: 'int32' },
  { shape: [37, 53], perm: [1, 0], dtype: 'float32' },
  { shape: [2, 9, 11, 5], perm: [0, 3, 1, 2], dtype: 'float32' },
  { shape: [2, 5, 9, 11], perm: [0, 2, 3, 1], dtype: 'int32' },
  { shape: [3, 1, 4, 1, 5, 2], perm: [5, 4, 3, 2, 1, 0], dtype: 'float32' },
  { shape: [2, 3, 4, 5, 6], perm: [0, 1, 2, 3, 4], dtype: 'bool' },
  { shape: [4, 0, 3], perm: [2, 0, 1], dtype: 'float32' },
  { shape: [2, 7, 7, 3, 4, 8], perm: [0, 1, 3, 2, 4, 5], dtype: 'float32' },
];

function transposed(c: TransposeCase): { values: ArrayLike<number>; shape: number[] } {
  return tf.tidy(() => {
    const n = c.shape.reduce((a, b) => a * b, 1);
    const values = Array.from({ length: n }, (_, i) =>
      c.dtype === 'bool' ? Number((i * 7) % 3 === 0) : c.dtype === 'int32' ? i * 31 - 500 : Math.sin(i) * 1e3,
    );
    const x = tf.tensor(values, c.shape, c.dtype);
    const y = tf.transpose(x, c.perm);
    return { values: Array.from(y.dataSync()), shape: y.shape };
  });
}

describe('fast cpu kernels', () => {
  let original: Float32Array[];
  let originalTransposes: ReturnType<typeof transposed>[];
  const kernels = () =>
    ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'Transpose'].map((k) => tf.getKernel(k, 'cpu')?.kernelFunc);
  let before: ReturnType<typeof kernels>;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    original = CASES.map(filterGradient);
    originalTransposes = TRANSPOSES.map(transposed);
    before = kernels();
    installFastCpuKernels();
  });

  it('replaces the three kernels of the cpu backend, once', () => {
    const after = kernels();
    for (const [i, k] of after.entries()) expect(k).not.toBe(before[i]);
    installFastCpuKernels();
    expect(kernels()).toEqual(after);
  });

  it.each(CASES.map((c, i) => [c.name, i] as const))('%s: bit-identical to tfjs-backend-cpu', (_name, i) => {
    const fast = filterGradient(CASES[i]);
    expect(fast.length).toBe(original[i].length);
    expect(original[i].some((v) => v !== 0)).toBe(true);
    expect(Buffer.from(fast.buffer).equals(Buffer.from(original[i].buffer))).toBe(true);
  });

  it.each(TRANSPOSES.map((c, i) => [`${c.dtype} [${c.shape}]`, `[${c.perm}]`, i] as const))(
    'transposes %s by %s exactly as tfjs-backend-cpu',
    (_shape, _perm, i) => {
      expect(transposed(TRANSPOSES[i])).toEqual(originalTransposes[i]);
    },
  );

  it('leaves NCHW convolutions to the original kernel', () => {
    // tfjs's cpu conv2d forward has no NCHW path; the gradient kernel alone is reachable.
    const dy = tf.randomNormal([1, 4, 5, 5], 0, 1, 'float32', 4) as tf.Tensor4D;
    const x = tf.randomNormal([1, 3, 5, 5], 0, 1, 'float32', 5) as tf.Tensor4D;
    const g = tf.engine().runKernel(
      'Conv2DBackpropFilter',
      { x, dy },
      {
        strides: 1,
        pad: 'same',
        dataFormat: 'NCHW',
        filterShape: [3, 3, 3, 4],
      },
    ) as tf.Tensor;
    const nhwc = tf
      .engine()
      .runKernel(
        'Conv2DBackpropFilter',
        { x: tf.transpose(x, [0, 2, 3, 1]), dy: tf.transpose(dy, [0, 2, 3, 1]) },
        { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 4] },
      ) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(g, nhwc))).dataSync()[0]).toBeLessThan(1e-4);
    tf.dispose([dy, x, g, nhwc]);
  });
});
