import { describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { eca, ecaKernelSize, ZooOptionError } from '../src/family.js';

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

function build(shape: [number, number, number], kernelSize?: number): tfl.LayersModel {
  const input = tfl.input({ shape });
  return tfl.model({ inputs: input, outputs: eca(input, { name: 'layer1.0.eca', kernelSize }) });
}

describe('eca', () => {
  it.each([
    { h: 5, w: 7, c: 16, k: 3 },
    { h: 4, w: 4, c: 9, k: 5 },
    { h: 3, w: 2, c: 12, k: 7 },
  ])('equals the authors’ eca_layer written out: %o', ({ h, w, c, k }) => {
    const m = build([h, w, c], k);
    const conv = m.getLayer('layer1.0.eca.conv');
    conv.setWeights([tf.randomNormal([k, 1, 1], 0, 1, 'float32', 7)]);
    const weight = Array.from(conv.getWeights()[0].dataSync()); // PyTorch's weight[0, 0, :]
    const x = tf.randomNormal([1, h, w, c], 0, 1, 'float32', 8);
    const xs = (x.arraySync() as number[][][][])[0];
    // y = avg_pool(x) over H, W; z[c] = sum_t weight[t] * y[c + t - (k-1)/2], zero outside.
    const y = Array.from({ length: c }, (_, q) => xs.flat().reduce((s, px) => s + px[q], 0) / (h * w));
    const p = (k - 1) / 2;
    const gate = y.map((_, q) => sigmoid(weight.reduce((s, wt, t) => s + wt * (y[q + t - p] ?? 0), 0)));
    const got = (m.predict(x) as tf.Tensor).arraySync() as number[][][][];
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++) for (let q = 0; q < c; q++) expect(got[0][i][j][q]).toBeCloseTo(xs[i][j][q] * gate[q], 5);
    m.dispose();
  });

  it('has k parameters, named after the authors’ module path, and C x k MACs', () => {
    const m = build([4, 4, 256], 5);
    const conv = m.getLayer('layer1.0.eca.conv');
    expect(conv.countParams()).toBe(5);
    expect(conv.outputShape).toEqual([null, 256, 1]);
    m.dispose();
  });

  it('follows the paper’s adaptive kernel size rule', () => {
    // |log2(C)/2 + 1/2|, rounded to the odd number at or above its integer part.
    const cases: [number, number][] = [
      [64, 3],
      [128, 5],
      [256, 5],
      [512, 5],
      [1024, 5],
      [2048, 7],
    ];
    for (const [c, k] of cases) {
      const t = Math.trunc((Math.log2(c) + 1) / 2);
      expect(k).toBe(t % 2 ? t : t + 1);
      expect(ecaKernelSize(c)).toBe(k);
    }
    expect(ecaKernelSize(256, 1, 0)).toBe(9);
    const m = build([2, 2, 2048]);
    expect(m.getLayer('layer1.0.eca.conv').countParams()).toBe(7);
    m.dispose();
  });

  it('rejects an even kernel with a typed error', () => {
    expect(() => build([4, 4, 16], 4)).toThrow(ZooOptionError);
  });
});
