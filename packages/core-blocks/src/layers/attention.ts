import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import { ZooOptionError } from '../base/errors.js';
import type { MacCount } from './macs.js';

export interface MultiHeadAttentionArgs extends LayerArgs {
  numHeads: number;
}

/**
 * Scaled dot-product attention over heads, `softmax(q k^T / sqrt(head_dim)) v`, from a packed
 * `[batch, tokens, 3 * dim]` projection laid out `[q | k | v]`, each split into heads, as
 * `nn.MultiheadAttention`'s `in_proj` and timm's/Swin's `qkv` Linear produce it. The
 * projections themselves are ordinary Dense layers around this one, so a checkpoint maps on
 * Linear by Linear and the profiler counts them as Linear.
 *
 * Written with batched `matMul`, reshapes and transposes of rank 4 at most: no `einsum`
 * (no wasm kernel), and nothing webgl lacks.
 */
export class MultiHeadAttention extends tfl.layers.Layer {
  static className = 'MultiHeadAttention';
  readonly numHeads: number;

  constructor(args: MultiHeadAttentionArgs) {
    super(args);
    this.numHeads = args.numHeads;
    if (!Number.isInteger(this.numHeads) || this.numHeads < 1) {
      throw new ZooOptionError(`MultiHeadAttention \`${args.name ?? '?'}\`: numHeads`, this.numHeads, 'a positive integer');
    }
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const c3 = shape[2];
    if (shape.length !== 3 || c3 == null || c3 % (3 * this.numHeads) !== 0) {
      throw new ZooOptionError(
        `MultiHeadAttention \`${this.name}\`: input`,
        shape,
        `[batch, tokens, 3 * dim] with dim divisible by numHeads (${this.numHeads})`,
      );
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [shape[0], shape[1], (shape[2] ?? 0) / 3];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const qkv = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const [b, n, c3] = qkv.shape;
      const h = this.numHeads;
      const [q, k, v] = splitHeads(qkv, h);
      const out = attend(q, k, v, null); // [b*h, n, hd]
      return mergeHeads(out, b, h, n, c3 / 3);
    });
  }

  /** q@k^T and attn@v: tokens^2 x dim each; the projections are Dense layers of their own. */
  countMacs(inputShapes: tfl.Shape[], outputShape: tfl.Shape): MacCount {
    const n = inputShapes[0][1] ?? 0;
    const d = outputShape[2] ?? 0;
    return { convLinear: 0, attention: 2 * n * n * d };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), numHeads: this.numHeads };
  }
}

/** `[B, N, 3D]` packed `[q | k | v]` to three `[B * heads, N, head_dim]` tensors. */
export function splitHeads(qkv: tf.Tensor3D, heads: number): [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D] {
  const [b, n, c3] = qkv.shape;
  const hd = c3 / 3 / heads;
  const t = tf.transpose(tf.reshape(qkv, [b, n, 3 * heads, hd]), [0, 2, 1, 3]);
  const [q, k, v] = tf.split(t, 3, 1);
  const flat = (x: tf.Tensor) => tf.reshape(x, [b * heads, n, hd]) as tf.Tensor3D;
  return [flat(q), flat(k), flat(v)];
}

/**
 * `softmax(q k^T / sqrt(head_dim) + bias) v`. q is scaled before the product, as PyTorch's
 * `nn.MultiheadAttention` and torchvision's Swin do. `bias(scores)` adds position bias or masks.
 */
export function attend(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, bias: ((scores: tf.Tensor3D) => tf.Tensor3D) | null): tf.Tensor3D {
  const hd = q.shape[2];
  let scores = tf.matMul(tf.mul(q, hd ** -0.5), k, false, true) as tf.Tensor3D;
  if (bias) scores = bias(scores);
  return tf.matMul(tf.softmax(scores), v) as tf.Tensor3D;
}

/** `[B * heads, N, head_dim]` back to `[B, N, heads * head_dim]`, heads major as PyTorch concatenates them. */
export function mergeHeads(x: tf.Tensor3D, b: number, heads: number, n: number, dim: number): tf.Tensor3D {
  return tf.reshape(tf.transpose(tf.reshape(x, [b, heads, n, dim / heads]), [0, 2, 1, 3]), [b, n, dim]) as tf.Tensor3D;
}
