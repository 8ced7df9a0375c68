import { describe, expect, it, jest } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { checkParity } from '@zoo/parity';
import { expectReferenceFigures, itSavesAndLoadsEveryModel } from '@zoo/test-support';
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
 * Its save-and-load round trip is here too, so that it reuses this file's wasm heap instead of
 * growing a second one in the same process.
 */
describe('vit_h_14 against the reference figures and torchvision', () => {
  it('params, MACs and output shape equal the reference', async () => {
    await tf.setBackend('cpu');
    expectReferenceFigures(vit_h_14);
  });

  it('outputs equal torchvision vit_h_14 at 224 px, batch 2', async () => {
    const r = await checkParity(vit_h_14, { size: 224, batch: 2 });
    expect(r.relative).toBeLessThanOrEqual(1e-4);
  });

  itSavesAndLoadsEveryModel([vit_h_14]);
});
