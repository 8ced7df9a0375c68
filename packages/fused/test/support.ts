import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ModelEntry } from '@zoo/core-blocks/family';
import { discoverFamilies } from '@zoo/profiler/node';

/**
 * Every model of the workspace's family packages, found by their manifests (a new family is
 * covered with no edit here) and registered with the front door, so `getModel` reaches them.
 */
export const ZOO: readonly ModelEntry[] = (
  await discoverFamilies(import.meta.dirname, (pkg, why) => {
    throw new Error(`${pkg}: ${why}`);
  })
).flatMap((f) => f.catalog);

/** Uniform numbers in [-1, 1) from a fixed seed, reused cyclically: random enough, and fast. */
const POOL = (() => {
  const pool = new Float32Array(1 << 20);
  let state = 12345;
  for (let i = 0; i < pool.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    pool[i] = state / 2 ** 31 - 1;
  }
  return pool;
})();

/**
 * Gives a model (built with zero weights, which costs an allocation, not seconds of random draws)
 * the kind of weights a trained one has: kernels of scale 1/sqrt(fan-in), non-zero biases,
 * BatchNorm statistics and affine parameters, LayerNorm and LayerScale parameters that are not
 * 1 or 0. At initialisation BatchNorm is an identity, which would prove nothing about its folding.
 */
export function randomizeWeights(model: tfl.LayersModel): void {
  let offset = 0;
  const draw = (shape: number[], lo: number, hi: number) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const out = new Float32Array(n);
    const mid = (lo + hi) / 2;
    const half = (hi - lo) / 2;
    for (let i = 0; i < n; i++) out[i] = mid + half * POOL[(offset + i) & (POOL.length - 1)];
    offset += 7919;
    return tf.tensor(out, shape);
  };
  for (const layer of model.layers) {
    const weights = layer.weights;
    if (!weights.length) continue;
    const values = weights.map((w) => {
      const name = w.originalName;
      const shape = w.shape as number[];
      if (/moving_variance$/.test(name)) return draw(shape, 0.5, 2);
      if (/gamma$/.test(name)) return layer.getClassName() === 'LayerScale' ? draw(shape, 0.1, 1) : draw(shape, 0.5, 1.5);
      if (/(beta|moving_mean|bias)$/.test(name)) return draw(shape, -0.3, 0.3);
      const fanIn = shape.length > 1 ? shape.slice(0, -1).reduce((a, b) => a * b, 1) : 1;
      const bound = Math.sqrt(3 / fanIn);
      return draw(shape, -bound, bound);
    });
    layer.setWeights(values);
    tf.dispose(values);
  }
}

/** max |a - b| / max |b|: the error relative to the reference output's scale. */
export function relativeError(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / tf.max(tf.abs(b)).dataSync()[0]);
}
