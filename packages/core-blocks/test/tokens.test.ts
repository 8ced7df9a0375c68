import { beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { apply, bicubicAntialiasMatrix, ClassToken, PositionEmbedding, TakeToken } from '../src/family.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];

describe('bicubicAntialiasMatrix', () => {
  // Rows of F.interpolate(mode='bicubic', antialias=True, align_corners=False) applied to the
  // basis vectors, from PyTorch 1.13.1 (Debian): the resampling timm's resample_abs_pos_embed does.
  const pytorch: Record<string, number[][]> = {
    '4->6': [
      [1.06578947, -0.06578947, 0, 0],
      [0.52941176, 0.52941176, -0.05882353, 0],
      [-0.05787037, 0.9375, 0.13194444, -0.01157407],
      [-0.01157407, 0.13194444, 0.9375, -0.05787037],
      [0, -0.05882353, 0.52941176, 0.52941176],
      [0, 0, -0.06578947, 1.06578947],
    ],
    '6->4': [
      [0.65533981, 0.39320388, -0.04045307, -0.00809061, 0, 0],
      [-0.03828484, 0.37212864, 0.6202144, 0.08728943, -0.04134763, 0],
      [0, -0.04134763, 0.08728943, 0.6202144, 0.37212864, -0.03828484],
      [0, 0, -0.00809061, -0.04045307, 0.39320388, 0.65533981],
    ],
    '5->2': [
      [0.34709513, 0.41562034, 0.23941264, 0.02915514, -0.03128325],
      [-0.03128325, 0.02915514, 0.23941264, 0.41562034, 0.34709513],
    ],
  };
  it.each(Object.entries(pytorch))("equals PyTorch's weights for %s (upsampling and antialiased downsampling)", (key, want) => {
    const [a, b] = key.split('->').map(Number);
    const m = bicubicAntialiasMatrix(a, b);
    for (let i = 0; i < b; i++) {
      for (let j = 0; j < a; j++) expect(m[i * a + j]).toBeCloseTo(want[i][j], 7);
    }
  });

  it('is the identity at the same size, and rows sum to one', () => {
    const m = bicubicAntialiasMatrix(5, 5);
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) expect(m[i * 5 + j]).toBeCloseTo(i === j ? 1 : 0, 7);
    const r = bicubicAntialiasMatrix(14, 37);
    for (let i = 0; i < 37; i++) expect(r.slice(i * 14, i * 14 + 14).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
  });
});

describe.each(['cpu', 'wasm'])('token layers on %s', (name) => {
  it('ClassToken prepends one learned token; TakeToken takes it back out', async () => {
    await tf.setBackend(name);
    const input = tfl.input({ shape: [3, 4] });
    const cls = new ClassToken({ name: 'class_token' });
    const withToken = apply(cls, input);
    const model = tfl.model({ inputs: input, outputs: [withToken, apply(new TakeToken({ name: 'take' }), withToken)] });
    const token = tf.randomNormal([1, 1, 4], 0, 1, 'float32', 1);
    cls.setWeights([token]);
    const x = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 2);
    const [seq, first] = model.predict(x) as tf.Tensor[];
    expect(seq.shape).toEqual([2, 4, 4]);
    expect(maxDiff(tf.slice(seq, [0, 1, 0], [-1, -1, -1]), x)).toBe(0);
    expect(maxDiff(first, tf.reshape(tf.tile(token, [2, 1, 1]), [2, 4]))).toBe(0);
    expect(cls.getWeights()[0].shape).toEqual([1, 1, 4]);
  });

  it('PositionEmbedding adds its weight at the stored grid, and a separable resampling of the patch part elsewhere', async () => {
    await tf.setBackend(name);
    const [gh, gw, th, tw, d] = [4, 6, 6, 4, 3];
    const input = tfl.input({ shape: [1 + th * tw, d] });
    const layer = new PositionEmbedding({ name: 'pos', grid: [gh, gw], tokenGrid: [th, tw], prefixTokens: 1 });
    const model = tfl.model({ inputs: input, outputs: apply(layer, input) });
    const pos = tf.randomNormal([1, 1 + gh * gw, d], 0, 1, 'float32', 3);
    layer.setWeights([pos]);
    const x = tf.zeros([1, 1 + th * tw, d]);
    const got = (model.predict(x) as tf.Tensor).arraySync() as number[][][];
    // Written out: out[i][j] = sum_a sum_b Ah[i][a] Aw[j][b] P[a][b].
    const p = pos.arraySync() as number[][][];
    const ah = bicubicAntialiasMatrix(gh, th);
    const aw = bicubicAntialiasMatrix(gw, tw);
    expect(got[0][0]).toEqual(p[0][0].map((v) => Math.fround(v)));
    let err = 0;
    for (let i = 0; i < th; i++) {
      for (let j = 0; j < tw; j++) {
        for (let c = 0; c < d; c++) {
          let s = 0;
          for (let a = 0; a < gh; a++) for (let b = 0; b < gw; b++) s += ah[i * gh + a] * aw[j * gw + b] * p[0][1 + a * gw + b][c];
          err = Math.max(err, Math.abs(s - got[0][1 + i * tw + j][c]));
        }
      }
    }
    expect(err).toBeLessThan(1e-5);
    expect(layer.getWeights()[0].shape).toEqual([1, 1 + gh * gw, d]);
  });
});
