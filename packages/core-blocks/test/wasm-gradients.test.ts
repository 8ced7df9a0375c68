import { describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmGradients, WASM_GRADIENT_KERNELS } from '../src/family.js';

// The gradient kernels the zoo supplies to wasm give tfjs-backend-cpu's gradients for the same
// inputs: dense and depthwise convolutions, strides 1 and 2, 'same', 'valid' and explicit padding,
// odd sizes (where a stride-2 conv leaves the last row unread), channel multipliers 1 and 2.
// The sums run in another order (XNNPACK's matMul, per-tap partial sums), so the tolerance is
// float32 rounding of a sum of a few hundred products: 1e-5 of the largest gradient (measured
// at most 3.2e-7 over these cases).

type Pad = 'same' | 'valid' | number;
interface Case {
  kind: 'conv' | 'depthwise';
  size: number;
  k: number;
  stride: number;
  pad: Pad;
  inC: number;
  out: number; // output channels (conv) or multiplier (depthwise)
}

const CASES: Case[] = [
  { kind: 'conv', size: 9, k: 3, stride: 1, pad: 1, inC: 3, out: 5 },
  { kind: 'conv', size: 9, k: 3, stride: 2, pad: 1, inC: 4, out: 6 },
  { kind: 'conv', size: 10, k: 3, stride: 2, pad: 'same', inC: 4, out: 3 },
  { kind: 'conv', size: 8, k: 1, stride: 1, pad: 'valid', inC: 6, out: 4 },
  { kind: 'conv', size: 11, k: 5, stride: 2, pad: 'valid', inC: 2, out: 3 },
  { kind: 'conv', size: 12, k: 7, stride: 2, pad: 3, inC: 3, out: 4 },
  { kind: 'depthwise', size: 9, k: 3, stride: 1, pad: 1, inC: 5, out: 1 },
  { kind: 'depthwise', size: 9, k: 3, stride: 2, pad: 1, inC: 4, out: 1 },
  { kind: 'depthwise', size: 10, k: 5, stride: 2, pad: 2, inC: 3, out: 2 },
  { kind: 'depthwise', size: 8, k: 3, stride: 2, pad: 'same', inC: 3, out: 1 },
  { kind: 'depthwise', size: 11, k: 3, stride: 2, pad: 'valid', inC: 2, out: 2 },
];

const name = (c: Case) => `${c.kind} ${c.k}x${c.k} stride ${c.stride} pad ${c.pad}, ${c.size} px, ${c.inC} -> ${c.out}`;

/** d(sum(conv(x, w) * r))/dx and /dw on `backend`, for fixed random x, w, r. */
async function grads(c: Case, backend: string): Promise<{ dx: Float32Array; dw: Float32Array }> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const x = tf.randomNormal([2, c.size, c.size, c.inC], 0, 1, 'float32', 1);
    const w = tf.randomNormal([c.k, c.k, c.inC, c.out], 0, 1, 'float32', 2);
    const pad = c.pad;
    const f = (xx: tf.Tensor4D, ww: tf.Tensor4D) =>
      c.kind === 'conv' ? tf.conv2d(xx, ww, c.stride, pad) : tf.depthwiseConv2d(xx, ww, c.stride, pad);
    const shape = f(x as tf.Tensor4D, w as tf.Tensor4D).shape;
    const r = tf.randomNormal(shape, 0, 1, 'float32', 3);
    const [dx, dw] = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.mul(f(xx as tf.Tensor4D, ww as tf.Tensor4D), r)))([x, w]);
    return { dx: dx.dataSync() as Float32Array, dw: dw.dataSync() as Float32Array };
  });
}

function relativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    max = Math.max(max, Math.abs(b[i]));
  }
  return diff / max;
}

describe('wasm gradient kernels (the zoo supplies what tfjs-backend-wasm lacks)', () => {
  it('are registered for wasm at import, and registering again changes nothing', async () => {
    await tf.setBackend('wasm');
    for (const k of WASM_GRADIENT_KERNELS) expect(tf.getKernel(k, 'wasm')).toBeDefined();
    const before = WASM_GRADIENT_KERNELS.map((k) => tf.getKernel(k, 'wasm'));
    registerWasmGradients();
    expect(WASM_GRADIENT_KERNELS.map((k) => tf.getKernel(k, 'wasm'))).toEqual(before);
  });

  it.each(CASES.map((c) => [name(c), c] as const))('%s: wasm equals cpu', async (_n, c) => {
    const cpu = await grads(c, 'cpu');
    const wasm = await grads(c, 'wasm');
    expect(wasm.dw.length).toBe(cpu.dw.length);
    expect(wasm.dx.length).toBe(cpu.dx.length);
    expect(relativeError(wasm.dw, cpu.dw)).toBeLessThan(1e-5);
    expect(relativeError(wasm.dx, cpu.dx)).toBeLessThan(1e-5);
  });

  it("gather's gradient (UnsortedSegmentSum, Swin's relative position bias) equals cpu's, negative ids dropped", async () => {
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const table = tf.randomNormal([13, 3], 0, 1, 'float32', 4);
        const idx = tf.tensor2d([3, 1, 3, 12, 0, 3, 7, 1], [2, 4], 'int32');
        const r = tf.randomNormal([2, 4, 3], 0, 1, 'float32', 5);
        const [g] = tf.grads((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, idx), r)))([table]);
        const direct = tf.unsortedSegmentSum(tf.reshape(r, [8, 3]), tf.tensor1d([2, -1, 2, 0, 5, 5, 1, -1], 'int32'), 6);
        return [g.dataSync() as Float32Array, direct.dataSync() as Float32Array];
      });
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    expect(relativeError(wasm[0], cpu[0])).toBeLessThan(1e-6);
    expect(relativeError(wasm[1], cpu[1])).toBeLessThan(1e-6);
  });

  it('leave no tensors behind on wasm', async () => {
    await tf.setBackend('wasm');
    const c = CASES[8];
    await grads(c, 'wasm');
    const before = [tf.memory().numTensors, tf.backend().numDataIds()];
    await grads(c, 'wasm');
    // The backend's own count: an intermediate of the kernels not disposed would stay there.
    expect([tf.memory().numTensors, tf.backend().numDataIds()]).toEqual(before);
  });
});
