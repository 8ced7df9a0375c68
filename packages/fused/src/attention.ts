import * as tf from '@tensorflow/tfjs-core';
import { mergeHeads, splitHeads } from '@zoo/core-blocks/family';

/**
 * Token count from which the wasm backend computes attention faster one head at a time.
 *
 * tfjs-backend-wasm 4.22 sends a matmul to XNNPACK only when it is a single matrix product with
 * neither operand transposed; a batched product (every head at once, `q k^T`) runs a scalar
 * blocked loop instead, about 0.6 GMAC/s. One product per head costs an XNNPACK operator set-up
 * per call, which pays at ViT's 197 tokens (12 heads: 103 ms batched, 38 ms per head) and not at
 * Swin's 49-token windows (192 windows x heads: 43 ms batched, 281 ms per head). Measured on this
 * project's 2-core machine; the crossover lies between the two.
 */
export const PER_HEAD_MIN_TOKENS = 128;

/**
 * The zoo's `MultiHeadAttention` (`softmax(q k^T / sqrt(d)) v` per head, on packed q, k, v),
 * as one XNNPACK matrix product per head and operand: keys are transposed once for all heads, so
 * that no product needs a transposed operand.
 */
export function attentionPerHead(qkv: tf.Tensor3D, heads: number): tf.Tensor3D {
  return tf.tidy(() => {
    const [b, n, c3] = qkv.shape;
    const [q, k, v] = splitHeads(qkv, heads); // [b * heads, n, hd] each
    const hd = q.shape[2];
    const count = b * heads;
    // Row slices of 2-D views: tfjs-backend-wasm slices a 2-D tensor about twice as fast as a
    // 3-D one (and `tf.split` slower still).
    const rows = (t: tf.Tensor3D, rowsOf: number, cols: number) => {
      const flat = tf.reshape(t, [count, rowsOf * cols]);
      return Array.from({ length: count }, (_, i) => tf.reshape(tf.slice(flat, [i, 0], [1, rowsOf * cols]), [1, rowsOf, cols]));
    };
    const qs = rows(tf.mul(q, hd ** -0.5) as tf.Tensor3D, n, hd);
    const kts = rows(tf.transpose(k, [0, 2, 1]), hd, n);
    const vs = rows(v, n, hd);
    const outs = qs.map((qi, i) => tf.matMul(tf.softmax(tf.matMul(qi, kts[i])), vs[i]));
    return mergeHeads(tf.concat(outs, 0) as tf.Tensor3D, b, heads, n, c3 / 3);
  });
}
