import { beforeAll, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { Conv2d, withZeroInit } from '@zoo/core-blocks';
import { compile } from '../src/index.js';
import { ZOO } from './support.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

// Structure only (zero weights): every model of the zoo compiles, every convolution and dense
// layer of it becomes one fused kernel, and disposing the plan frees all it allocated.
it.each(ZOO.map((e) => [e.name, e] as const))('%s compiles, every conv and dense fused', (_name, entry) => {
  const model = withZeroInit(() => entry.create());
  const before = tf.memory().numTensors;
  const fused = compile(model);
  const linearNodes = model.layers
    .filter((l) => l instanceof Conv2d || l.getClassName() === 'Dense')
    .reduce((n, l) => n + l.inboundNodes.length, 0);
  expect(fused.stats.fusedKernels).toBe(linearNodes);
  expect(fused.stats.steps).toBeLessThanOrEqual(fused.stats.layers);
  const batchNorms = model.layers.filter((l) => l.getClassName() === 'BatchNormalization').length;
  expect(fused.stats.folded.batchNorm + (fused.stats.generic.BatchNormalization ?? 0)).toBe(batchNorms);
  fused.dispose();
  expect(tf.memory().numTensors).toBe(before);
  model.dispose();
});
