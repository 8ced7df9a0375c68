import { describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { apply, PatchMerge, patchMerging } from '../src/family.js';

describe('PatchMerge', () => {
  it.each([
    [4, 6],
    [5, 7],
  ])("equals torchvision's strided gathering at %ix%i (odd sides padded with zeros)", async (h, w) => {
    await tf.setBackend('cpu');
    const c = 3;
    const input = tfl.input({ shape: [h, w, c] });
    const model = tfl.model({ inputs: input, outputs: apply(new PatchMerge({ name: 'm' }), input) });
    const x = tf.randomNormal([2, h, w, c], 0, 1, 'float32', 4);
    const got = (model.predict(x) as tf.Tensor).arraySync() as number[][][][];
    const xs = x.arraySync() as number[][][][];
    // x0 = x[0::2, 0::2], x1 = x[1::2, 0::2], x2 = x[0::2, 1::2], x3 = x[1::2, 1::2]
    const offsets = [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ];
    const [h2, w2] = [Math.ceil(h / 2), Math.ceil(w / 2)];
    expect([got[0].length, got[0][0].length, got[0][0][0].length]).toEqual([h2, w2, 4 * c]);
    for (let b = 0; b < 2; b++) {
      for (let i = 0; i < h2; i++) {
        for (let j = 0; j < w2; j++) {
          offsets.forEach(([dh, dw], k) => {
            for (let ch = 0; ch < c; ch++) {
              const [si, sj] = [2 * i + dh, 2 * j + dw];
              const want = si < h && sj < w ? xs[b][si][sj][ch] : 0;
              expect(got[b][i][j][k * c + ch]).toBe(want);
            }
          });
        }
      }
    }
  });

  it('as torchvision PatchMerging: merge, norm over 4C, reduction to 2C without bias', () => {
    const input = tfl.input({ shape: [8, 8, 6] });
    const y = patchMerging(input, { name: 'features.2' });
    const model = tfl.model({ inputs: input, outputs: y });
    expect(y.shape).toEqual([null, 4, 4, 12]);
    expect(
      model
        .getLayer('features.2.reduction')
        .getWeights()
        .map((t) => t.shape),
    ).toEqual([[24, 12]]);
    expect(
      model
        .getLayer('features.2.norm')
        .getWeights()
        .map((t) => t.shape),
    ).toEqual([[24], [24]]);
  });
});
