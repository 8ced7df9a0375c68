import { expect } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import type { CreateOptions, ModelEntry } from '@zoo/core-blocks/family';
import { installFastCpuKernels } from './fast-cpu-kernels.js';

const CLASSES = 10;

export interface FitStepOptions {
  /** Square input side: small, for the cpu backend is slow (default 32). */
  size?: number;
  /** Layers whose first weight must change after the step (at least one). */
  watch: string[];
  /** Options of `entry.create`, besides the input shape, the two classes and the softmax head. */
  createOptions?: CreateOptions & Record<string, unknown>;
  /**
   * Layers kept frozen: they still pass gradients back. For AlexNet's and VGG's 4096-wide
   * heads, whose weight gradients and updates (up to 100 M numbers) would dominate the step.
   */
  frozen?: string[];
}

/**
 * One `fit` step of a freshly initialised model on the cpu backend (the one with every gradient
 * kernel), batch 2, labels 0 and 1 of ten classes: the loss is finite and every watched layer's
 * weights move. Returns the loss.
 *
 * Ten classes, not two: SqueezeNet's head ends in a ReLU, and with two classes both logits of
 * both images are negative after a fresh initialisation about one time in sixteen, which stops
 * every gradient (seen in CI). The softmax couples the classes, so one live logit of ten suffices.
 */
export async function expectOneFitStep(entry: ModelEntry, o: FitStepOptions): Promise<number> {
  installFastCpuKernels();
  const previous = tf.getBackend();
  await tf.setBackend('cpu');
  const size = o.size ?? 32;
  // Probabilities, not logits: tfjs's categoricalCrossentropy clips its input to [eps, 1 - eps],
  // which zeroes the gradient of logits outside that range.
  const top = o.createOptions?.includeTop !== false;
  const m = entry.create({
    ...o.createOptions,
    inputShape: [size, size, 3],
    numClasses: CLASSES,
    ...(top ? { classifierActivation: 'softmax' } : {}),
  });
  try {
    for (const name of o.frozen ?? []) m.getLayer(name).trainable = false;
    m.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    const weightOf = (name: string) => m.getLayer(name).getWeights()[0].dataSync() as Float32Array;
    const before = o.watch.map((n) => weightOf(n).slice());
    const x = tf.randomNormal([2, size, size, 3], 0, 1, 'float32', 2);
    const y = tf.oneHot(tf.tensor1d([0, 1], 'int32'), CLASSES);
    const h = await m.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
    tf.dispose([x, y]);
    const loss = h.history.loss[0] as number;
    expect(Number.isFinite(loss)).toBe(true);
    const moved = o.watch.map((n, i) => [n, weightOf(n).some((v, j) => v !== before[i][j])]);
    expect(moved).toEqual(o.watch.map((n) => [n, true]));
    return loss;
  } finally {
    m.dispose();
    await tf.setBackend(previous);
  }
}
