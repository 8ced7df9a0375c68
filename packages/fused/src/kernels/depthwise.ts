import * as tf from '@tensorflow/tfjs-core';
import { WASM_BASE64 } from './depthwise-wasm.generated.js';
import { align64, heapFor, type KernelExports, lazyKernel } from './module.js';

/**
 * The zoo's depthwise kernel (assembly/depthwise.ts, WebAssembly with SIMD) for square kernels
 * larger than 5 at stride 1 with "same" padding: XNNPACK, under tfjs-backend-wasm, runs such
 * kernels on a generic path (a 7x7 on a 56x56x96 map: 32 ms, against 5 ms for 5x5).
 */
interface Exports extends KernelExports {
  depthwise(xp: number, w: number, bias: number, out: number, height: number, width: number, channels: number, k: number): void;
}

/** The module, compiled on first use; null where WebAssembly SIMD is missing. */
export const depthwiseKernel = lazyKernel<Exports>(WASM_BASE64, 'depthwise');

/** Whether `depthwiseSame` takes a kernel of this size and channel count. */
export const depthwiseSameFits = (k: number, channels: number) => k % 2 === 1 && k > 1 && channels % 4 === 0;

/**
 * `x` `[batch, h, w, c]` convolved channel by channel with `kernel` (`[k, k, c]` values, tap-major,
 * as a `[k, k, c, 1]` depthwise filter lays them out), stride 1, zero padding (k - 1) / 2 on every
 * side, plus `bias` `[c]`. k odd, c a multiple of 4.
 */
export function depthwiseSame(x: tf.Tensor4D, kernel: Float32Array, k: number, bias: Float32Array | null): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  if (!depthwiseSameFits(k, c) || kernel.length !== k * k * c || (bias && bias.length !== c)) {
    throw new RangeError(
      `depthwiseSame: needs an odd k > 1, channels a multiple of 4, ${k}x${k}x${c} weights and ${c} biases; got k ${k}, [${x.shape.join(', ')}], ${kernel.length} weights`,
    );
  }
  const m = depthwiseKernel();
  if (!m) throw new Error('depthwiseSame: this runtime has no WebAssembly with SIMD (see depthwiseKernel)');
  const pad = (k - 1) / 2;
  const ph = h + k - 1;
  const pw = w + k - 1;
  const wAt = m.heapBase();
  const biasAt = wAt + align64(4 * kernel.length);
  const xpAt = biasAt + align64(4 * c);
  // One padded image at a time, and one pixel of slack: the kernel's last load of a row may read
  // one pixel past it (a value it does not use).
  const xpBytes = 4 * (ph * pw + 1) * c;
  const outAt = xpAt + align64(xpBytes);
  const heap = heapFor(m, outAt + 4 * x.size);
  heap.set(kernel, wAt / 4);
  if (bias) heap.set(bias, biasAt / 4);
  const data = x.dataSync() as Float32Array;
  const row = w * c;
  for (let i = 0; i < b; i++) {
    heap.fill(0, xpAt / 4, (xpAt + xpBytes) / 4);
    for (let r = 0; r < h; r++) {
      const from = (i * h + r) * row;
      heap.set(data.subarray(from, from + row), xpAt / 4 + ((r + pad) * pw + pad) * c);
    }
    m.depthwise(xpAt, wAt, bias ? biasAt : 0, outAt + 4 * i * h * row, h, w, c, k);
  }
  // tf.tensor copies the values into the backend's own memory.
  return tf.tensor4d(new Float32Array(m.memory.buffer, outAt, x.size), [b, h, w, c]);
}
