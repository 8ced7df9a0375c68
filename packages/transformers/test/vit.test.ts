import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { withZeroInit, ZooShapeError } from '@zoo/core-blocks';
import { profileModel } from '@zoo/profiler';
import { getReference, referenceModels } from '@zoo/reference';
import { catalog, VIT_SPECS, vit_b_16, vit_b_32 } from '../src/index.js';

// Building and training models of 28-632 M parameters on tfjs's cpu backend takes seconds on
// an idle machine and minutes on a loaded 2-core one.
jest.setTimeout(600_000);

const vits = catalog.filter((e) => e.name in VIT_SPECS);

// Importing the wasm backend makes it the default; it is chosen per test where it is wanted.
beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('ViT against the reference figures', () => {
  it('covers every ViT of the reference data', () => {
    const referenceNames = Object.entries(referenceModels)
      .filter(([, m]) => m.required && m.family === 'ViT')
      .map(([n]) => n);
    expect(vits.map((e) => e.name).sort()).toEqual(referenceNames.sort());
  });

  // vit_h_14 (632 M parameters) has a file of its own: see vit-h.test.ts.
  it.each(vits.filter((e) => e.name !== 'vit_h_14').map((e) => [e.name, e] as const))(
    '%s: params, MACs and output shape equal the reference',
    (name, entry) => {
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
    },
  );
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
    // tfjs's cpu backend has the gradient kernels, and it is slow: one patch (plus the class
    // token) at 32x32, with the position embedding resampled from 7x7 to 1x1.
    await tf.setBackend('cpu');
    const model = vit_b_32.create({ inputShape: [32, 32, 3], numClasses: 2, classifierActivation: 'softmax' });
    // categoricalCrossentropy expects probabilities (it clips logits, which zeroes the gradient).
    model.compile({ optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy' });
    const watched = ['encoder.layers.encoder_layer_0.self_attention.in_proj', 'encoder.pos_embedding', 'class_token'];
    const before = watched.map((n) => (model.getLayer(n).getWeights()[0].dataSync() as Float32Array).slice());
    const x = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 4);
    const h = await model.fit(x, tf.oneHot(tf.tensor1d([0, 1], 'int32'), 2), { epochs: 1, batchSize: 2, verbose: 0 });
    expect(Number.isFinite(h.history.loss[0] as number)).toBe(true);
    watched.forEach((n, i) => {
      const after = model.getLayer(n).getWeights()[0].dataSync() as Float32Array;
      expect({ n, changed: after.some((v, j) => v !== before[i][j]) }).toEqual({ n, changed: true });
    });
    model.dispose();
  });
});
