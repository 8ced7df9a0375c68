import { beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { apply, MultiHeadAttention, multiHeadSelfAttention, ZooOptionError } from '../src/family.js';

/** Multi-head attention written out: for each sample, head and query, a softmax over keys. */
function writtenOut(qkv: number[][][], heads: number): number[][][] {
  return qkv.map((tokens) => {
    const d = tokens[0].length / 3;
    const hd = d / heads;
    return tokens.map((_, i) => {
      const out = new Array<number>(d).fill(0);
      for (let h = 0; h < heads; h++) {
        const q = (t: number, c: number) => tokens[t][h * hd + c];
        const k = (t: number, c: number) => tokens[t][d + h * hd + c];
        const v = (t: number, c: number) => tokens[t][2 * d + h * hd + c];
        const scores = tokens.map((__, j) => {
          let s = 0;
          for (let c = 0; c < hd; c++) s += q(i, c) * k(j, c);
          return s / Math.sqrt(hd);
        });
        const top = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - top));
        const z = e.reduce((a, b) => a + b, 0);
        for (let c = 0; c < hd; c++) out[h * hd + c] = e.reduce((acc, w, j) => acc + (w / z) * v(j, c), 0);
      }
      return out;
    });
  });
}

// Importing the wasm backend makes it the default; each test picks its backend.
beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe.each(['cpu', 'wasm'])('MultiHeadAttention on %s', (name) => {
  it('equals attention written out per head', async () => {
    await tf.setBackend(name);
    const input = tfl.input({ shape: [5, 24] });
    const model = tfl.model({ inputs: input, outputs: apply(new MultiHeadAttention({ numHeads: 2, name: 'attn' }), input) });
    const x = tf.randomNormal([2, 5, 24], 0, 1, 'float32', 11);
    const got = model.predict(x) as tf.Tensor;
    const want = tf.tensor(writtenOut(x.arraySync() as number[][][], 2));
    expect(got.shape).toEqual([2, 5, 8]);
    expect(tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]).toBeLessThan(1e-5);
  });
});

describe('MultiHeadAttention', () => {
  it('counts q@k^T and attn@v as attention, tokens^2 x dim each', () => {
    const layer = new MultiHeadAttention({ numHeads: 4, name: 'a' });
    expect(layer.countMacs([[null, 197, 3 * 64]], [null, 197, 64])).toEqual({ convLinear: 0, attention: 2 * 197 * 197 * 64 });
  });

  it('rejects a packed width that heads do not divide, with a typed error', () => {
    const input = tfl.input({ shape: [5, 21] });
    expect(() => apply(new MultiHeadAttention({ numHeads: 2, name: 'a' }), input)).toThrow(ZooOptionError);
    expect(() => new MultiHeadAttention({ numHeads: 0, name: 'a' })).toThrow(ZooOptionError);
  });

  it('as a block: qkv and proj are Dense layers named after the reference, around the core', () => {
    const input = tfl.input({ shape: [7, 16] });
    const y = multiHeadSelfAttention(input, { numHeads: 4, names: { qkv: 'sa.in_proj', attention: 'sa', proj: 'sa.out_proj' } });
    const model = tfl.model({ inputs: input, outputs: y });
    expect(model.layers.slice(1).map((l) => [l.name, l.getClassName()])).toEqual([
      ['sa.in_proj', 'Dense'],
      ['sa', 'MultiHeadAttention'],
      ['sa.out_proj', 'Dense'],
    ]);
    expect(model.getLayer('sa.in_proj').getWeights()[0].shape).toEqual([16, 48]);
    expect(y.shape).toEqual([null, 7, 16]);
  });
});
