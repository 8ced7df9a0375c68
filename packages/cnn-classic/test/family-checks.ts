import { expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { type CreateOptions, type ModelEntry, withZeroInit } from '@zoo/core-blocks/family';

/** Output shapes without the top: the pooled vector for 'avg' and 'max', the map for null. */
export function itPoolsFeatures(entry: ModelEntry, channels: number, map: [number, number]): void {
  it.each([
    ['avg', [null, channels]],
    ['max', [null, channels]],
    [null, [null, ...map, channels]],
  ] as const)(`${entry.name}: includeTop false with pooling %p gives %p`, (pooling, shape) => {
    const m = withZeroInit(() => entry.create({ includeTop: false, pooling }));
    expect(m.outputs[0].shape).toEqual(shape);
    m.dispose();
  });
}

/** Names of every layer of a model built with zero weights. */
export function layerNames(entry: ModelEntry, options?: CreateOptions): Set<string> {
  const m = withZeroInit(() => entry.create(options));
  const names = new Set(m.layers.map((l) => l.name));
  m.dispose();
  return names;
}

/**
 * A forward pass on wasm at the given size and batch: returns the output shape. The weights are
 * zeros (drawing them is what costs here); the values are the parity tests' business.
 */
export async function forwardShape(entry: ModelEntry, h: number, w: number, batch = 1, options: CreateOptions = {}): Promise<number[]> {
  await tf.setBackend('wasm');
  const m = withZeroInit(() => entry.create({ inputShape: [h, w, 3], ...options }));
  const y = m.predict(tf.randomNormal([batch, h, w, 3], 0, 1, 'float32', 1)) as tf.Tensor;
  const shape = y.shape;
  const finite = tf.all(tf.isFinite(y)).dataSync()[0];
  expect(finite).toBe(1);
  tf.dispose(y);
  m.dispose();
  await tf.setBackend('cpu');
  return shape;
}
