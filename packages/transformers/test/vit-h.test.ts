import { describe, expect, it, jest } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { withZeroInit } from '@zoo/core-blocks';
import { checkParity } from '@zoo/parity';
import { profileModel } from '@zoo/profiler';
import { getReference } from '@zoo/reference';
import { vit_h_14 } from '../src/index.js';

// Building and training models of 28-632 M parameters on tfjs's cpu backend takes seconds on
// an idle machine and minutes on a loaded 2-core one.
jest.setTimeout(600_000);

/**
 * ViT-H/14 holds 632 M parameters (2.5 GB of float32). Built with `withZeroInit` on the cpu
 * backend, its weights are zero-filled typed arrays the operating system maps lazily, so the
 * figures cost about a second and little resident memory; random initialisation would draw
 * 632 M numbers. Kept in a file of its own so that no larger allocation precedes it.
 *
 * The parity check builds the model on the wasm backend that runs it (moving 2.5 GB of weights
 * from cpu to wasm crashed tfjs-wasm), where the weights fill 2.5 GB of the 4 GiB wasm32 heap.
 * Measured (README, "Cost"): about 5.1 GiB resident at the peak, PyTorch's fixture 5.0 GiB.
 */
describe('vit_h_14 against the reference figures and torchvision', () => {
  it('params, MACs and output shape equal the reference', async () => {
    await tf.setBackend('cpu');
    const ref = getReference('vit_h_14');
    if (!ref) throw new Error('no reference figures for vit_h_14');
    const model = withZeroInit(() => vit_h_14.create());
    const p = profileModel(model);
    model.dispose();
    expect(vit_h_14.family).toBe(ref.family);
    expect(p.uncounted).toEqual([]);
    expect(p.params.trainable).toBe(ref.params);
    expect(p.macs.convLinear).toBe(ref.macs.convLinear);
    expect(p.macs.total).toBe(ref.macs.total);
    expect(p.outputShape).toEqual(ref.outputShape);
  });

  it('outputs equal torchvision vit_h_14 at 224 px, batch 2', async () => {
    const r = await checkParity(vit_h_14, { size: 224, batch: 2 });
    expect(r.relative).toBeLessThanOrEqual(1e-4);
  });
});
