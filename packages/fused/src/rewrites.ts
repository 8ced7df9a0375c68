import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * Layers the compiler computes with other kernels than the layer's own `call`, for the same
 * function: tfjs-layers' LayerNormalization tiles its mean, variance, gamma and beta to the full
 * input shape before a BatchNorm kernel (four copies of the input per call, about 95% of the
 * layer's time on wasm), and the zoo's exact GELU is five elementwise kernels.
 */

/** A LayerNormalization over the last axis: its epsilon and affine parameters; null for any other layer. */
export interface LayerNormSpec {
  eps: number;
  gamma: Float32Array | null;
  beta: Float32Array | null;
}

export function layerNormSpec(layer: tfl.layers.Layer, inputRank: number): LayerNormSpec | null {
  if (layer.getClassName() !== 'LayerNormalization') return null;
  const config = layer.getConfig();
  const axis = config.axis as number | number[];
  const axes = Array.isArray(axis) ? axis : [axis];
  if (axes.length !== 1 || (axes[0] !== -1 && axes[0] !== inputRank - 1)) return null;
  const ln = layer as unknown as { gamma?: tfl.LayerVariable; beta?: tfl.LayerVariable };
  const read = (v?: tfl.LayerVariable) => (v ? Float32Array.from(v.read().dataSync() as Float32Array) : null);
  return {
    eps: config.epsilon as number,
    gamma: config.scale === false ? null : read(ln.gamma),
    beta: config.center === false ? null : read(ln.beta),
  };
}

/**
 * `(x - mean) / sqrt(var + eps)` over the last axis, with the biased variance LayerNormalization
 * uses; then `* gamma + beta` when `affine` is given (it is not when a following linear layer
 * took gamma and beta into its weights).
 */
export function normalizeLastAxis(
  x: tf.Tensor,
  eps: number,
  affine: { gamma: tf.Tensor | null; beta: tf.Tensor | null } | null,
): tf.Tensor {
  return tf.tidy(() => {
    const centred = tf.sub(x, tf.mean(x, -1, true));
    const variance = tf.mean(tf.square(centred), -1, true);
    let y = tf.mul(centred, tf.rsqrt(tf.add(variance, eps)));
    if (affine?.gamma) y = tf.mul(y, affine.gamma);
    if (affine?.beta) y = tf.add(y, affine.beta);
    return y;
  });
}

/** The zoo's exact GELU (`ZooActivation` of kind `gelu`, PyTorch's `nn.GELU()`). */
export function isExactGelu(layer: tfl.layers.Layer): boolean {
  return layer.getClassName() === 'ZooActivation' && layer.getConfig().kind === 'gelu';
}

/**
 * GELU on an input already divided by sqrt 2, times sqrt 2: with `u = x / sqrt 2`,
 * `gelu(x) = 0.5 x (1 + erf(x / sqrt 2)) = (u + u erf(u)) / sqrt 2`. The kernel before it takes the
 * first 1/sqrt 2 into its weights and the linear layer after it the second, which leaves three
 * elementwise kernels instead of five.
 */
export function scaledGelu(u: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(u, tf.add(tf.erf(u), 1)));
}
