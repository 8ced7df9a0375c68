import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { withZeroInit, ZooShapeError } from '@zoo/core-blocks/family';
import { expectOneFitStep } from '@zoo/test-support';
import { vit_b_16, vit_b_32 } from '../src/index.js';

// Building and training models of 28-632 M parameters on tfjs's cpu backend takes seconds on
// an idle machine and minutes on a loaded 2-core one.
jest.setTimeout(600_000);

// Importing the wasm backend makes it the default; it is chosen per test where it is wanted.
beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('ViT layout and options', () => {
  let m: tfl.LayersModel;
  beforeAll(() => {
    m = withZeroInit(() => vit_b_16.create());
  });

  it("names layers after torchvision's module paths, with torch-shaped weights", () => {
    const shapes = (name: string) =>
      m
        .getLayer(name)
        .getWeights()
        .map((w) => w.shape);
    expect(shapes('conv_proj')).toEqual([[16, 16, 3, 768], [768]]);
    expect(shapes('class_token')).toEqual([[1, 1, 768]]);
    expect(shapes('encoder.pos_embedding')).toEqual([[1, 197, 768]]);
    expect(shapes('encoder.layers.encoder_layer_0.ln_1')).toEqual([[768], [768]]);
    // nn.MultiheadAttention's in_proj_weight [3D, D] / in_proj_bias and out_proj, as Dense kernels [in, out].
    expect(shapes('encoder.layers.encoder_layer_0.self_attention.in_proj')).toEqual([[768, 2304], [2304]]);
    expect(shapes('encoder.layers.encoder_layer_11.self_attention.out_proj')).toEqual([[768, 768], [768]]);
    expect(shapes('encoder.layers.encoder_layer_11.mlp.0')).toEqual([[768, 3072], [3072]]);
    expect(shapes('encoder.layers.encoder_layer_11.mlp.3')).toEqual([[3072, 768], [768]]);
    expect(shapes('encoder.ln')).toEqual([[768], [768]]);
    expect(shapes('heads.head')).toEqual([[768, 1000], [1000]]);
    expect(m.getLayer('encoder.layers.encoder_layer_0.ln_1').getConfig().epsilon).toBe(1e-6);
  });

  it.each([
    [null, [null, 197, 768]],
    ['avg', [null, 768]],
    ['max', [null, 768]],
  ] as const)('includeTop false with pooling %p gives %p (the tokens after encoder.ln, or their patch-token pooling)', (pooling, shape) => {
    const f = withZeroInit(() => vit_b_16.create({ includeTop: false, pooling }));
    expect(f.outputs[0].shape).toEqual(shape);
    f.dispose();
  });

  it('takes any size divisible by the patch, keeping the reference-shaped position embedding', () => {
    const big = withZeroInit(() => vit_b_16.create({ inputShape: [384, 320, 3] }));
    expect(big.getLayer('encoder.pos_embedding').getWeights()[0].shape).toEqual([1, 197, 768]);
    expect(big.getLayer('encoder.pos_embedding').outputShape).toEqual([null, 1 + 24 * 20, 768]);
    expect(big.countParams()).toBe(m.countParams());
    big.dispose();
  });

  it('rejects sizes the patch does not divide, naming the sizes that work', () => {
    expect(() => vit_b_16.create({ inputShape: [225, 224, 3] })).toThrow(ZooShapeError);
    expect(() => vit_b_16.create({ inputShape: [225, 224, 3] })).toThrow(
      /vit_b_16 cannot take a 225x224 input.*multiples of the patch size 16.*224 or 240 by 224/,
    );
    expect(() => vit_b_32.create({ inputShape: [16, 16, 3] })).toThrow(/multiples of the patch size 32 \(nearest: 32 by 32\)/);
  });

  it('runs on wasm at a size other than the reference', async () => {
    // vit_b_32 at 64x96: a 2x3 patch grid, so the position embedding is resampled from 7x7.
    // Built on the backend that runs it: moving 88 M weights from cpu to wasm mid-predict trips tfjs.
    await tf.setBackend('wasm');
    const model = vit_b_32.create({ inputShape: [64, 96, 3], numClasses: 3 });
    const y = model.predict(tf.randomNormal([2, 64, 96, 3], 0, 1, 'float32', 3)) as tf.Tensor;
    expect(y.shape).toEqual([2, 3]);
    expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
    model.dispose();
    await tf.setBackend('cpu');
  });

  it('trains: one fit step on cpu gives a finite loss and changes the weights', async () => {
    // One patch (plus the class token) at 32x32, the position embedding resampled from 7x7 to 1x1.
    await expectOneFitStep(vit_b_32, {
      size: 32,
      watch: ['encoder.layers.encoder_layer_0.self_attention.in_proj', 'encoder.pos_embedding', 'class_token'],
    });
  });
});
