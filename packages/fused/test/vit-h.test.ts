import { afterAll, beforeAll, expect, it, jest } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-wasm';
import { withZeroInit } from '@zoo/core-blocks/family';
import { vit_h_14 } from '@zoo/transformers';
import { compile, WASM_WEIGHT_BUDGET } from '../src/index.js';
import { randomizeWeights, relativeError } from './support.js';

// ViT-H/14 has 2.5 GB of weights; XNNPACK keeps a packed copy of every matmul's weights, and the
// wasm heap holds 4 GiB. With every copy kept, XNNPACK refused to create half the operators, TF.js
// only printed a warning and left their outputs unwritten: the plan answered 1% off, silently.
// The plan now keeps within WASM_WEIGHT_BUDGET; this checks it on the model that needs it.
let model: tfl.LayersModel;
const warnings: string[] = [];

beforeAll(async () => {
  await tf.setBackend('wasm');
  for (const method of ['warn', 'error', 'log'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      warnings.push(args.join(' '));
    });
  }
  model = withZeroInit(() => vit_h_14.create());
  randomizeWeights(model);
}, 600_000);

afterAll(() => {
  model?.dispose();
  jest.restoreAllMocks();
});

it('vit_h_14 on wasm: the plan keeps within the weight budget and computes what predict computes', () => {
  const x = tf.randomUniform([1, 224, 224, 3], -1, 1, 'float32', 3);
  const expected = model.predict(x) as tf.Tensor;
  const plan = compile(model);
  const { wasm } = plan.stats;
  expect(wasm.fits).toBe(true);
  expect(wasm.unpackedDense).toBeGreaterThan(0);
  expect(wasm.modelBytes + wasm.foldedBytes + wasm.packedBytes).toBeLessThanOrEqual(WASM_WEIGHT_BUDGET);
  const y = plan.predict(x) as tf.Tensor;
  expect(relativeError(y, expected)).toBeLessThan(1e-4);
  expect(warnings.filter((w) => /XNN status/.test(w))).toEqual([]);
  tf.dispose([x, expected, y]);
  plan.dispose();
}, 600_000);
