import * as tf from '@tensorflow/tfjs-core';
import { WASM_BASE64 } from './attention-wasm.generated.js';
import { align64, heapFor, type KernelExports, lazyKernel } from './module.js';

/**
 * The zoo's attention kernel (assembly/attention.ts, WebAssembly with SIMD): multi-head
 * `softmax(q k^T / sqrt(head_dim) + bias) v` over the windows of a packed `[q | k | v]` map, read
 * and written in place, so that no partition, roll, head split or merge runs as a kernel of its
 * own. It replaces, on the wasm backend, what tfjs-backend-wasm 4.22 has for attention: its
 * batched matmul is a scalar loop (XNNPACK only takes single products), and the per-window and
 * per-head reshapes, slices and transposes around it cost as much again.
 */

interface Exports extends KernelExports {
  scratchBytes(tokens: number, headDim: number): number;
  attention(
    x: number,
    out: number,
    bias: number,
    biasWindows: number,
    batch: number,
    height: number,
    width: number,
    dim: number,
    heads: number,
    wh: number,
    ww: number,
    sh: number,
    sw: number,
    scale: number,
    scratch: number,
  ): void;
}

/**
 * The module, compiled on first use; null where WebAssembly or its SIMD instructions are not
 * available, and the callers use TF.js's kernels instead.
 */
export const attentionKernel = lazyKernel<Exports>(WASM_BASE64, 'attention');

/** How windows cut the map: `wh` x `ww` tokens each, the map read rolled by `(-sh, -sw)`. */
export interface AttentionWindows {
  wh: number;
  ww: number;
  sh: number;
  sw: number;
}

/**
 * Attention of `heads` heads over packed `x`: `[batch, tokens, 3 * dim]` (one window of all the
 * tokens) or `[batch, height, width, 3 * dim]` cut into `windows`. `bias`, when given, holds
 * `[biasWindows, heads, T, T]` values (T tokens per window) added to the scores of window `w` from
 * block `w % biasWindows`. Returns `[..., dim]`, in the layout of `x`.
 */
export function windowAttention(
  x: tf.Tensor,
  heads: number,
  windows: AttentionWindows | null,
  bias: Float32Array | null = null,
  biasWindows = 1,
): tf.Tensor {
  const s = x.shape;
  const [b, h, w, c3] = (x.rank === 3 ? [s[0], 1, s[1], s[2]] : s) as [number, number, number, number];
  const dim = c3 / 3;
  const hd = dim / heads;
  const { wh, ww, sh, sw } = windows ?? { wh: 1, ww: w, sh: 0, sw: 0 };
  if (!Number.isInteger(hd) || hd % 4 !== 0 || h % wh !== 0 || w % ww !== 0 || sh < 0 || sh >= h || sw < 0 || sw >= w) {
    throw new RangeError(
      `windowAttention: needs 3 * dim channels with a head dim that is a multiple of 4 and a map cut whole by its windows; got ` +
        `[${x.shape.join(', ')}], ${heads} heads, windows ${wh}x${ww} shifted ${sh},${sw}`,
    );
  }
  const t = wh * ww;
  if (bias && bias.length !== biasWindows * heads * t * t) {
    throw new RangeError(`windowAttention: bias must hold ${biasWindows} x ${heads} x ${t} x ${t} values, got ${bias.length}`);
  }
  const k = attentionKernel();
  if (!k) throw new Error('windowAttention: this runtime has no WebAssembly with SIMD (see attentionKernel)');
  const xBytes = 4 * x.size;
  const outBytes = xBytes / 3;
  const xAt = k.heapBase();
  const outAt = xAt + align64(xBytes);
  const biasAt = outAt + align64(outBytes);
  const scratchAt = biasAt + align64(bias ? 4 * bias.length : 0);
  const heap = heapFor(k, scratchAt + k.scratchBytes(t, hd));
  heap.set(x.dataSync() as Float32Array, xAt / 4);
  if (bias) heap.set(bias, biasAt / 4);
  k.attention(xAt, outAt, bias ? biasAt : 0, biasWindows, b, h, w, dim, heads, wh, ww, sh, sw, hd ** -0.5, scratchAt);
  const shape = x.rank === 3 ? [b, w, dim] : [b, h, w, dim];
  // tf.tensor copies the values into the backend's own memory.
  return tf.tensor(new Float32Array(k.memory.buffer, outAt, outBytes / 4), shape, 'float32');
}
