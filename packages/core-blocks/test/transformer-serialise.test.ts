import { describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  apply,
  ClassToken,
  ConvTranspose2d,
  InProjection,
  layerNorm,
  mlp,
  multiHeadSelfAttention,
  PositionEmbedding,
  patchEmbed,
  patchMerging,
  shiftedWindowAttention,
  stateDictParams,
  TakeToken,
} from '../src/family.js';
import { reload } from './helpers/memory-io.js';

/** A small network using every attention and token layer: a ViT branch and a Swin branch. */
function network(): tfl.LayersModel {
  const input = tfl.input({ shape: [16, 24, 3] });
  let v = patchEmbed(input, { dim: 8, patchSize: 4, conv: 'conv_proj' });
  v = apply(tfl.layers.reshape({ targetShape: [24, 8], name: 'tokens' }), v);
  v = apply(new ClassToken({ name: 'class_token', init: 'truncNormal02' }), v);
  // Stored at 2x2, used at 4x6: the resampling is part of the saved function.
  v = apply(new PositionEmbedding({ name: 'pos', grid: [2, 2], tokenGrid: [4, 6], prefixTokens: 1 }), v);
  v = multiHeadSelfAttention(apply(layerNorm('ln', 1e-6), v), {
    numHeads: 2,
    torchMultiheadAttention: true,
    names: { qkv: 'sa.in_proj', attention: 'sa', proj: 'sa.out_proj' },
  });
  v = mlp(v, { hidden: 16, out: 8, names: { fc1: 'mlp.0', act: 'mlp.1', fc2: 'mlp.3' } });
  v = apply(new TakeToken({ name: 'take' }), v);
  let s = patchEmbed(input, { dim: 8, patchSize: 2, conv: 'f.0', norm: { name: 'f.0.norm', eps: 1e-5 } });
  s = shiftedWindowAttention(s, { numHeads: 2, windowSize: 5, shiftSize: 2, name: 'f.1.attn' });
  s = patchMerging(s, { name: 'f.2' });
  s = apply(new ConvTranspose2d({ filters: 16, kernelSize: 2, strides: 2, groups: 16, name: 'up' }), s);
  s = apply(tfl.layers.globalAveragePooling2d({ name: 'pool' }), s);
  return tfl.model({ inputs: input, outputs: apply(tfl.layers.concatenate({ name: 'cat' }), [v, s]) });
}

describe.each(['cpu', 'wasm'])('attention layers serialise on %s', (name) => {
  it('save through the layers format, load, and predict the same', async () => {
    await tf.setBackend(name);
    const model = network();
    // Random tables and biases, so that every weight matters.
    for (const layer of model.layers) {
      layer.setWeights(layer.getWeights().map((w, i) => tf.randomNormal(w.shape, 0, 0.5, 'float32', i + 1)));
    }
    const loaded = await reload(model);
    const x = tf.randomNormal([2, 16, 24, 3], 0, 1, 'float32', 1);
    const want = model.predict(x) as tf.Tensor;
    expect(want.shape).toEqual([2, 24]);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from(want.dataSync()));
    expect(loaded.getLayer('f.1.attn').getClassName()).toBe('WindowAttention');
    expect(loaded.getLayer('sa.in_proj').getClassName()).toBe('InProjection');
    expect(loaded.getLayer('up').getClassName()).toBe('ConvTranspose2d');
    expect(loaded.getLayer('pos').getWeights()[0].shape).toEqual([1, 5, 8]);
  });
});

describe('attention layers map onto PyTorch state dicts', () => {
  it("use the reference's keys and layouts", async () => {
    await tf.setBackend('cpu');
    const { params, ignored } = stateDictParams(network());
    const shapes = Object.fromEntries([...params].map(([k, p]) => [k, p.shape]));
    expect(shapes).toMatchObject({
      class_token: [1, 1, 8],
      pos: [1, 5, 8],
      'sa.in_proj_weight': [24, 8],
      'sa.in_proj_bias': [24],
      'sa.out_proj.weight': [8, 8],
      'f.1.attn.relative_position_bias_table': [81, 2],
      'f.1.attn.qkv.weight': [24, 8],
      'up.weight': [16, 1, 2, 2],
      'up.bias': [16],
    });
    expect([...ignored]).toContain('f.1.attn.relative_position_index');
    const p = params.get('up.weight')!;
    const t = tf.randomNormal([16, 1, 2, 2]);
    expect(tf.max(tf.abs(tf.sub(p.toTorch(p.toZoo(t)), t))).dataSync()[0]).toBe(0);
  });
});

describe('InProjection saved and loaded', () => {
  it("keeps an attention path with underscores (TF.js camel-cases a loaded config's strings)", async () => {
    await tf.setBackend('cpu');
    const input = tfl.input({ shape: [4, 8] });
    const attention = 'encoder.layers.encoder_layer_0.self_attention';
    const out = apply(new InProjection({ units: 24, attention, name: `${attention}.in_proj` }), input);
    const model = tfl.model({ inputs: input, outputs: out });
    const loaded = await reload(model);
    expect((loaded.getLayer(`${attention}.in_proj`) as InProjection).attention).toBe(attention);
    expect([...stateDictParams(loaded).params.keys()]).toEqual([`${attention}.in_proj_weight`, `${attention}.in_proj_bias`]);
    model.dispose();
    loaded.dispose();
  });
});
