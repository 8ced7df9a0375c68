import { beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  classify,
  classifyBatch,
  dataConfigOf,
  embed,
  endsInSoftmax,
  IMAGENET_LABELS,
  preprocess,
  ZooOptionError,
  ZooShapeError,
  ZooValueError,
} from '../src/family.js';
import { makeImage } from './helpers/images.js';
import { tiny } from './helpers/tiny-model.js';

const S = tiny.defaultInputSize;
let logits: tfl.LayersModel;
let probs: tfl.LayersModel;
const pixels = (seed: number) => ({ data: makeImage(seed, 40, 50), width: 50, height: 40 });

beforeAll(async () => {
  await tf.setBackend('wasm');
  logits = tiny.create();
  probs = tiny.create({ classifierActivation: 'softmax' });
  probs.setWeights(logits.getWeights());
});

describe('classify', () => {
  it('returns the top k classes by softmax probability, with ImageNet labels', async () => {
    const got = await classify(logits, pixels(1), { topK: 7 });
    const x = preprocess(pixels(1), dataConfigOf(tiny));
    const p = tf.softmax(logits.predict(x) as tf.Tensor2D).dataSync();
    const order = Array.from(p.keys()).sort((a, b) => p[b] - p[a]);
    expect(got.map((g) => g.index)).toEqual(order.slice(0, 7));
    got.forEach((g) => {
      expect(g.label).toBe(IMAGENET_LABELS[g.index]);
      expect(g.probability).toBeCloseTo(p[g.index], 6);
    });
    tf.dispose(x);
  });

  it('does not apply softmax twice to a model that ends in one', async () => {
    expect(endsInSoftmax(probs)).toBe(true);
    expect(endsInSoftmax(logits)).toBe(false);
    const a = await classify(logits, pixels(2));
    const b = await classify(probs, pixels(2));
    expect(b.map((g) => g.index)).toEqual(a.map((g) => g.index));
    for (const [i, g] of b.entries()) expect(g.probability).toBeCloseTo(a[i].probability, 6);
  });

  it('classifies a batch, one list per image, as single calls do', async () => {
    const batch = await classifyBatch(logits, [pixels(3), pixels(4)], { topK: 3 });
    expect(batch).toEqual([await classify(logits, pixels(3), { topK: 3 }), await classify(logits, pixels(4), { topK: 3 })]);
    await expect(classify(logits, [pixels(3), pixels(4)] as never)).rejects.toThrow(ZooShapeError);
  });

  it('takes custom labels and checks topK and the label count', async () => {
    const few = tiny.create({ numClasses: 4 });
    const got = await classify(few, pixels(5), { topK: 4, labels: ['a', 'b', 'c', 'd'] });
    expect(got.map((g) => g.label).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect((await classify(few, pixels(5), { topK: 1 }))[0].label).toMatch(/^class [0-3]$/);
    await expect(classify(few, pixels(5), { topK: 5 })).rejects.toThrow(ZooOptionError);
    await expect(classify(few, pixels(5), { labels: ['a'] })).rejects.toThrow(ZooOptionError);
    await expect(classify(logits, pixels(5), { topK: 0 })).rejects.toThrow(ZooOptionError);
  });

  it('flags 0-255 pixels, NaN and NCHW given as the model input', async () => {
    const x = preprocess(pixels(6), dataConfigOf(tiny));
    const fromModelInput = await classify(logits, x, { preprocess: false });
    expect(fromModelInput).toEqual(await classify(logits, pixels(6)));
    const bytes = tf.tensor4d(makeImage(6, S, S), [1, S, S, 3], 'int32');
    await expect(classify(logits, bytes, { preprocess: false })).rejects.toThrow(/0-255 pixels/);
    await expect(classify(logits, tf.cast(bytes, 'float32'), { preprocess: false })).rejects.toThrow(ZooValueError);
    const nan = tf.fill([1, S, S, 3], Number.NaN);
    await expect(classify(logits, nan, { preprocess: false })).rejects.toThrow(/NaN/);
    await expect(classify(logits, tf.transpose(x, [0, 3, 1, 2]), { preprocess: false })).rejects.toThrow(
      /tf\.transpose\(x, \[0, 2, 3, 1\]\)/,
    );
    await expect(classify(logits, pixels(6), { preprocess: false })).rejects.toThrow(ZooOptionError);
    tf.dispose([x, bytes, nan]);
  });

  it('refuses a crop the model cannot take and a model without classifier', async () => {
    await expect(classify(logits, pixels(7), { dataConfig: { cropSize: 64 } })).rejects.toThrow(`cropSize ${S}`);
    const headless = tiny.create({ includeTop: false, pooling: 'avg' });
    await expect(classify(headless, pixels(7))).rejects.toThrow(/embed/);
  });
});

describe('embed', () => {
  it('returns the input of the classifier: fc applied to it gives the logits', () => {
    const x = preprocess(pixels(8), dataConfigOf(tiny));
    const f = embed(logits, x, { preprocess: false });
    expect(f.shape).toEqual([1, 8]);
    const [kernel, bias] = logits.getLayer('fc').getWeights();
    const viaFc = tf.add(tf.matMul(f, kernel), bias);
    const direct = logits.predict(x) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(viaFc, direct))).dataSync()[0]).toBeLessThan(1e-5);
    tf.dispose([x, f, viaFc, direct]);
  });

  it('gives the same features for a model without its top, pooled or not, and for a named layer', () => {
    const pooled = tiny.create({ includeTop: false, pooling: 'avg' });
    const map = tiny.create({ includeTop: false });
    for (const m of [pooled, map])
      for (const layer of m.layers) if (layer.weights.length) layer.setWeights(logits.getLayer(layer.name).getWeights());
    const want = embed(logits, pixels(9)).dataSync();
    for (const f of [embed(pooled, pixels(9)), embed(map, pixels(9)), embed(logits, pixels(9), { layerName: 'avgpool' })]) {
      const got = f.dataSync();
      expect(
        Array.from(got)
          .map((v, i) => Math.abs(v - want[i]))
          .every((d) => d < 1e-6),
      ).toBe(true);
      f.dispose();
    }
    expect(() => embed(logits, pixels(9), { layerName: 'nope' })).toThrow(/no layer `nope`/);
    // Any layer's output can be asked for by name.
    const m = tiny.create();
    const viaName = embed(m, pixels(9), { layerName: 'relu1' });
    expect(viaName.shape).toEqual([1, 8]);
    viaName.dispose();
    m.dispose();
  });
});
