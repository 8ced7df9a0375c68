import { describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { AdaptiveAvgPool2d, apply, ZooOptionError } from '../src/family.js';

/** ATen's adaptive_avg_pool2d: window i spans [floor(i*H/oh), ceil((i+1)*H/oh)). */
function torchAdaptive(x: number[][], oh: number, ow: number): number[][] {
  const [H, W] = [x.length, x[0].length];
  const out: number[][] = [];
  for (let i = 0; i < oh; i++) {
    const row: number[] = [];
    const [h0, h1] = [Math.floor((i * H) / oh), Math.ceil(((i + 1) * H) / oh)];
    for (let j = 0; j < ow; j++) {
      const [w0, w1] = [Math.floor((j * W) / ow), Math.ceil(((j + 1) * W) / ow)];
      let sum = 0;
      for (let a = h0; a < h1; a++) for (let b = w0; b < w1; b++) sum += x[a][b];
      row.push(sum / ((h1 - h0) * (w1 - w0)));
    }
    out.push(row);
  }
  return out;
}

describe('AdaptiveAvgPool2d', () => {
  it.each([
    [13, 13, 6, 6],
    [14, 14, 7, 7],
    [9, 11, 7, 7],
    [1, 1, 6, 6],
    [3, 5, 6, 7],
    [7, 7, 7, 7],
  ])('pools %ix%i to %ix%i as PyTorch', (h, w, oh, ow) => {
    const input = tfl.input({ shape: [h, w, 1] });
    const m = tfl.model({ inputs: input, outputs: apply(new AdaptiveAvgPool2d({ outputSize: [oh, ow], name: 'avgpool' }), input) });
    expect(m.outputs[0].shape).toEqual([null, oh, ow, 1]);
    const x = tf.randomNormal([1, h, w, 1], 0, 1, 'float32', h * 100 + w);
    const got = tf.squeeze(m.predict(x) as tf.Tensor, [0, 3]).arraySync() as number[][];
    const want = torchAdaptive(tf.squeeze(x, [0, 3]).arraySync() as number[][], oh, ow);
    for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) expect(got[i][j]).toBeCloseTo(want[i][j], 5);
  });

  it('rejects a non-positive output size', () => {
    expect(() => new AdaptiveAvgPool2d({ outputSize: 0 })).toThrow(ZooOptionError);
  });
});
