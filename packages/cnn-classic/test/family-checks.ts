import { expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { type CreateOptions, type ModelEntry, withZeroInit } from '@zoo/core-blocks';
import { profileModel } from '@zoo/profiler';
import { getReference, referenceModels } from '@zoo/reference';
import { catalog } from '../src/index.js';

/** The catalog entries of one reference family. */
export function familyEntries(family: string): ModelEntry[] {
  return catalog.filter((e) => e.family === family);
}

/**
 * The checks every family shares: the catalog covers the family's required reference models,
 * and each model's trainable parameters, both MAC conventions and output shape equal the
 * reference figures (read from `@zoo/reference`, built with zero weights).
 */
export function itMatchesTheReference(family: string): void {
  const entries = familyEntries(family);

  it(`covers every required ${family} model of the reference data`, () => {
    const want = Object.entries(referenceModels)
      .filter(([, m]) => m.required && m.family === family)
      .map(([n]) => n)
      .sort();
    expect(want.length).toBeGreaterThan(0);
    expect(entries.map((e) => e.name).sort()).toEqual(want);
  });

  it.each(entries.map((e) => [e.name, e] as const))('%s: params, MACs and output shape equal the reference', (name, entry) => {
    const ref = getReference(name);
    if (!ref) throw new Error(`no reference figures for ${name}`);
    const model = withZeroInit(() => entry.create());
    const p = profileModel(model);
    model.dispose();
    expect(entry.family).toBe(ref.family);
    expect(p.uncounted).toEqual([]);
    expect(p.params.trainable).toBe(ref.params);
    expect(p.macs.convLinear).toBe(ref.macs.convLinear);
    expect(p.macs.total).toBe(ref.macs.total);
    expect(p.outputShape).toEqual(ref.outputShape);
  });
}

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
 * One `fit` step on the cpu backend (the one with gradient kernels) at a small input: the loss
 * is finite and the named layer's first weight changes. `frozen` layers still pass gradients
 * back but keep their weights: for the 4096-wide layers of AlexNet's and VGG's heads, whose
 * weight gradients and updates (up to 100M numbers) dominate a step on tfjs's cpu backend.
 */
export async function fitOneStep(
  entry: ModelEntry,
  size: number,
  watched: string,
  options: Record<string, unknown> = {},
  frozen: string[] = [],
): Promise<number> {
  await tf.setBackend('cpu');
  // tfjs's categorical cross-entropy takes probabilities: on logits it clips and can zero the gradients.
  const top = (options as CreateOptions).includeTop !== false;
  const m = entry.create({
    inputShape: [size, size, 3],
    numClasses: 2,
    ...(top ? { classifierActivation: 'softmax' } : {}),
    ...options,
  } as CreateOptions);
  for (const name of frozen) m.getLayer(name).trainable = false;
  m.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  const before = (m.getLayer(watched).getWeights()[0].dataSync() as Float32Array).slice();
  const x = tf.randomNormal([2, size, size, 3], 0, 1, 'float32', 2);
  const y = tf.oneHot(tf.tensor1d([0, 1], 'int32'), 2);
  const h = await m.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
  const loss = h.history.loss[0] as number;
  const after = m.getLayer(watched).getWeights()[0].dataSync() as Float32Array;
  expect(Number.isFinite(loss)).toBe(true);
  expect(after.some((v, i) => v !== before[i])).toBe(true);
  m.dispose();
  tf.dispose([x, y]);
  return loss;
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
