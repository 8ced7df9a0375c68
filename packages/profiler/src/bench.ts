import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

export interface BenchOptions {
  /** Timed forward passes (default 10). */
  runs?: number;
  /** Untimed passes first, for kernel set-up and caches (default 2). */
  warmup?: number;
  batch?: number;
  /**
   * What to time instead of `model.predict`, on the same input: another way of running the same
   * model, such as a compiled plan (`(x) => fused.predict(x)` with `@zoo/fused`). The model still
   * gives the input shape.
   */
  predict?: (x: tf.Tensor) => tf.Tensor | tf.Tensor[];
}

export interface BenchResult {
  /** The backend that actually ran: TF.js may fall back from the one asked for. */
  backend: string;
  runs: number;
  warmup: number;
  batch: number;
  inputShape: number[];
  medianMs: number;
  p10Ms: number;
  p90Ms: number;
  timesMs: number[];
  /** Tensors alive after the runs minus before: non-zero means the model leaks. */
  leakedTensors: number;
}

/**
 * Times `runs` forward passes of a built model on the current backend, after `warmup` passes.
 * Each pass waits for its output data, so the time covers the whole computation.
 */
export async function benchmark(model: tfl.LayersModel, options: BenchOptions = {}): Promise<BenchResult> {
  const { runs = 10, warmup = 2, batch = 1, predict = (x: tf.Tensor) => model.predict(x) } = options;
  for (const [k, v] of Object.entries({ runs, batch })) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`benchmark: ${k} must be a positive integer, got ${v}`);
  }
  if (!Number.isInteger(warmup) || warmup < 0) throw new RangeError(`benchmark: warmup must be a non-negative integer, got ${warmup}`);
  if (typeof predict !== 'function') throw new TypeError(`benchmark: predict must be a function of the input, got ${typeof predict}`);
  const inputShape = [batch, ...model.inputs[0].shape.slice(1).map((d) => d ?? 1)];
  const x = tf.randomUniform(inputShape, -1, 1, 'float32', 42);
  const pass = async () => {
    const y = predict(x);
    const outs = Array.isArray(y) ? y : [y];
    await Promise.all(outs.map((o) => o.data()));
    tf.dispose(outs);
  };
  try {
    for (let i = 0; i < warmup; i++) await pass();
    const before = tf.memory().numTensors;
    const timesMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await pass();
      timesMs.push(performance.now() - t0);
    }
    const leakedTensors = tf.memory().numTensors - before;
    const sorted = [...timesMs].sort((a, b) => a - b);
    return {
      backend: tf.getBackend(),
      runs,
      warmup,
      batch,
      inputShape,
      medianMs: quantile(sorted, 0.5),
      p10Ms: quantile(sorted, 0.1),
      p90Ms: quantile(sorted, 0.9),
      timesMs,
      leakedTensors,
    };
  } finally {
    x.dispose();
  }
}

/** Linear interpolation between order statistics (numpy's default). */
export function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
