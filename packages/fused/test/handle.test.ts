import { describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { createModel, registerFamily } from '@zoo/core-blocks/family';
import { catalog } from '@zoo/mobile';
import '../src/index.js';

// Importing @zoo/fused makes ZooModel.compile() run the fused plan: classify, embed and features
// then give what the model's own predict gives.
describe("the front door's compile()", () => {
  it('runs classify, embed and features through the fused plan, equal to predict', async () => {
    await tf.setBackend('wasm');
    registerFamily('@zoo/mobile', () => catalog);
    const image = tf.randomUniform([1, 224, 224, 3], 0, 255, 'int32', 5) as tf.Tensor4D;
    const m = await createModel('mobilenet_v3_small');
    const want = await m.classify(image);
    const wantEmbedding = m.embed(image);
    m.compile();
    expect(m.compiled).toBe(true);
    const got = await m.classify(image);
    expect(got.map((p) => p.index)).toEqual(want.map((p) => p.index));
    for (const [i, p] of got.entries()) expect(Math.abs(p.probability - want[i].probability)).toBeLessThan(1e-5);
    const e = m.embed(image);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(e, wantEmbedding))).dataSync()[0]);
    expect(diff).toBeLessThan(1e-4 * tf.tidy(() => tf.max(tf.abs(wantEmbedding)).dataSync()[0]));

    const f = await createModel('mobilenet_v3_small', { featuresOnly: true });
    for (const l of f.model.layers) if (l.weights.length) l.setWeights(m.model.getLayer(l.name).getWeights());
    const maps = f.features(image);
    f.compile();
    const fused = f.features(image);
    expect(fused.map((t) => t.shape)).toEqual(maps.map((t) => t.shape));
    fused.forEach((t, i) => {
      const d = tf.tidy(() => tf.max(tf.abs(tf.sub(t, maps[i]))).dataSync()[0]);
      expect(d).toBeLessThan(1e-4 * tf.tidy(() => tf.max(tf.abs(maps[i])).dataSync()[0]));
    });
    tf.dispose([image, e, wantEmbedding, ...maps, ...fused]);
    m.dispose();
    f.dispose();
  }, 120_000);
});
