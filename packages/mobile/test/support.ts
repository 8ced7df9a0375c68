import { expect } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import type { CreateOptions, ModelEntry } from '@zoo/core-blocks/family';

/**
 * Runs the same randomly initialised model on wasm and on cpu: the outputs must agree, which
 * checks the wasm kernels of every layer the model uses (and gives the batch's output shape).
 */
export async function expectWasmMatchesCpu(
  entry: ModelEntry,
  size: number,
  batch = 2,
  options: CreateOptions & Record<string, unknown> = {},
): Promise<number[]> {
  await tf.setBackend('cpu');
  const m = entry.create({ ...options, inputShape: [size, size, 3] });
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
