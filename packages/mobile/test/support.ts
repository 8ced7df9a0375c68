import { expect } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { type ModelEntry, withZeroInit } from '@zoo/core-blocks';
import { profileModel } from '@zoo/profiler';
import { getReference, referenceModels } from '@zoo/reference';

/** Names of the required reference models of these families, sorted. */
export function referenceNames(...families: string[]): string[] {
  return Object.entries(referenceModels)
    .filter(([, m]) => m.required && families.includes(m.family ?? ''))
    .map(([n]) => n)
    .sort();
}

/** Builds the entry at its default input and checks every figure against the reference data. */
export function expectReferenceFigures(entry: ModelEntry): void {
  const ref = getReference(entry.name);
  if (!ref) throw new Error(`no reference figures for ${entry.name}`);
  const model = withZeroInit(() => entry.create());
  const p = profileModel(model);
  model.dispose();
  expect(entry.family).toBe(ref.family);
  expect(p.uncounted).toEqual([]);
  expect(p.params.trainable).toBe(ref.params);
  expect(p.macs.convLinear).toBe(ref.macs.convLinear);
  expect(p.macs.total).toBe(ref.macs.total);
  expect(p.outputShape).toEqual(ref.outputShape);
}

/**
 * One `fit` step on the cpu backend (the one with every gradient kernel) at a tiny input: the
 * loss must be finite and the named layer's kernel must move.
 */
export async function expectOneFitStep(entry: ModelEntry, layer: string, size = 32, options: object = {}): Promise<void> {
  const previous = tf.getBackend();
  await tf.setBackend('cpu');
  // Probabilities, not logits: tfjs's categoricalCrossentropy clips its input to [eps, 1 - eps],
  // which zeroes the gradient of logits outside that range.
  const m = entry.create({ ...options, inputShape: [size, size, 3], numClasses: 2, classifierActivation: 'softmax' });
  m.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  const before = (m.getLayer(layer).getWeights()[0].dataSync() as Float32Array).slice();
  const x = tf.randomNormal([2, size, size, 3], 0, 1, 'float32', 2);
  const y = tf.oneHot(tf.tensor1d([0, 1], 'int32'), 2);
  const h = await m.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
  expect(Number.isFinite(h.history.loss[0] as number)).toBe(true);
  const after = m.getLayer(layer).getWeights()[0].dataSync() as Float32Array;
  expect(after.some((v, i) => v !== before[i])).toBe(true);
  m.dispose();
  tf.dispose([x, y]);
  await tf.setBackend(previous);
}

/**
 * Runs the same randomly initialised model on wasm and on cpu: the outputs must agree, which
 * checks the wasm kernels of every layer the model uses (and gives the batch's output shape).
 */
export async function expectWasmMatchesCpu(entry: ModelEntry, size: number, batch = 2): Promise<number[]> {
  await tf.setBackend('cpu');
  const m = entry.create({ inputShape: [size, size, 3] });
  const x = tf.randomNormal([batch, size, size, 3], 0, 1, 'float32', 3);
  const onCpu = m.predict(x) as tf.Tensor;
  const cpu = onCpu.dataSync().slice();
  const shape = onCpu.shape;
  await tf.setBackend('wasm');
  const xw = tf.tensor(x.dataSync(), x.shape);
  const onWasm = m.predict(xw) as tf.Tensor;
  const wasm = onWasm.dataSync();
  const scale = Math.max(...cpu.map(Math.abs), 1e-6);
  let worst = 0;
  for (let i = 0; i < cpu.length; i++) worst = Math.max(worst, Math.abs(cpu[i] - wasm[i]) / scale);
  expect(worst).toBeLessThan(1e-4);
  expect(cpu.every(Number.isFinite)).toBe(true);
  tf.dispose([onWasm, xw]);
  await tf.setBackend('cpu');
  tf.dispose([onCpu, x]);
  m.dispose();
  return shape;
}
