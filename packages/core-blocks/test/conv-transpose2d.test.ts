import { describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { apply, ConvTranspose2d, ZooOptionError } from '../src/family.js';

/**
 * The transposed convolution written from its definition: every input pixel (i, j) of channel c
 * adds x * w[a][b][c][o] to output (i*s + a - p, j*s + b - p) of each output channel o of its group.
 */
function writtenOut(x: number[][][], w: number[][][][], bias: number[], filters: number, groups: number, k: number, s: number, p: number) {
  const [h, wd, cin] = [x.length, x[0].length, x[0][0].length];
  const [oh, ow] = [(h - 1) * s - 2 * p + k, (wd - 1) * s - 2 * p + k];
  const perGroup = filters / groups;
  const y = Array.from({ length: oh }, () => Array.from({ length: ow }, () => [...bias]));
  for (let i = 0; i < h; i++)
    for (let j = 0; j < wd; j++)
      for (let c = 0; c < cin; c++)
        for (let a = 0; a < k; a++)
          for (let b = 0; b < k; b++)
            for (let m = 0; m < perGroup; m++) {
              const [r, q] = [i * s + a - p, j * s + b - p];
              const o = groups === 1 ? m : c * perGroup + m;
              if (r >= 0 && r < oh && q >= 0 && q < ow) y[r][q][o] += x[i][j][c] * w[a][b][c][m];
            }
  return y;
}

describe.each(['cpu', 'wasm'])('ConvTranspose2d on %s', (backend) => {
  it.each([
    { groups: 4, cin: 4, filters: 4, k: 4, s: 4, p: 0 }, // EdgeViT's LocalProp
    { groups: 4, cin: 4, filters: 4, k: 2, s: 2, p: 0 },
    { groups: 1, cin: 3, filters: 5, k: 3, s: 2, p: 1 },
    { groups: 1, cin: 2, filters: 3, k: 2, s: 1, p: 0 },
  ])('equals the transposed convolution written out: %o', async ({ groups, cin, filters, k, s, p }) => {
    await tf.setBackend(backend);
    const input = tfl.input({ shape: [3, 5, cin] });
    const layer = new ConvTranspose2d({ filters, kernelSize: k, strides: s, padding: p, groups, name: 'up' });
    const model = tfl.model({ inputs: input, outputs: apply(layer, input) });
    const kernel = tf.randomNormal([k, k, cin, filters / groups], 0, 1, 'float32', 1);
    const bias = tf.randomNormal([filters], 0, 1, 'float32', 2);
    layer.setWeights([kernel, bias]);
    const x = tf.randomNormal([2, 3, 5, cin], 0, 1, 'float32', 3);
    const got = model.predict(x) as tf.Tensor;
    const want = tf.tensor(
      (x.arraySync() as number[][][][]).map((sample) =>
        writtenOut(sample, kernel.arraySync() as number[][][][], bias.arraySync() as number[], filters, groups, k, s, p),
      ),
    );
    expect(got.shape).toEqual(want.shape);
    expect(tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]).toBeLessThan(1e-5);
  });
});

describe('ConvTranspose2d', () => {
  it('counts input elements x out/groups x kernel area (the reference convention)', () => {
    const layer = new ConvTranspose2d({ filters: 36, kernelSize: 4, strides: 4, groups: 36, name: 'up' });
    expect(layer.countMacs([[null, 14, 14, 36]])).toEqual({ convLinear: 14 * 14 * 36 * 16, attention: 0 });
  });

  it('rejects groupings other than dense and depthwise, and too much padding', () => {
    expect(() => apply(new ConvTranspose2d({ filters: 4, kernelSize: 2, groups: 2, name: 'u' }), tfl.input({ shape: [3, 3, 4] }))).toThrow(
      ZooOptionError,
    );
    expect(() => new ConvTranspose2d({ filters: 4, kernelSize: 2, padding: 2, name: 'u' })).toThrow(/padding/);
  });
});
