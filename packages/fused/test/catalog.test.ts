import { beforeAll, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-wasm';
import { Conv2d, withZeroInit } from '@zoo/core-blocks/family';
import { compile } from '../src/index.js';
import { ZOO } from './support.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

// Structure only (zero weights): every model of the zoo compiles, every convolution and dense
// layer of it (the zoo's InProjection is one) becomes one fused kernel, every LayerNorm is
// rewritten, and disposing the plan frees all it allocated.
it.each(ZOO.map((e) => [e.name, e] as const))('%s compiles, every conv and dense fused', (_name, entry) => {
  const model = withZeroInit(() => entry.create());
  try {
    const before = tf.memory().numTensors;
    const fused = compile(model);
    const applications = (match: (l: tfl.layers.Layer) => boolean) =>
      model.layers.filter(match).reduce((n, l) => n + l.inboundNodes.length, 0);
    const linear = (l: tfl.layers.Layer) => l instanceof Conv2d || ['Dense', 'InProjection'].includes(l.getClassName());
    expect(fused.stats.fusedKernels).toBe(applications(linear));
    expect(fused.stats.rewritten.layerNorm).toBe(applications((l) => l.getClassName() === 'LayerNormalization'));
    expect(fused.stats.steps).toBeLessThanOrEqual(fused.stats.layers);
    const batchNorms = model.layers.filter((l) => l.getClassName() === 'BatchNormalization').length;
    expect(fused.stats.folded.batchNorm + (fused.stats.generic.BatchNormalization ?? 0)).toBe(batchNorms);
    fused.dispose();
    expect(tf.memory().numTensors).toBe(before);
  } finally {
    model.dispose();
  }
});
