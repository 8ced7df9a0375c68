import { describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { AvgPool2d, apply, MaxPool2d, windowOutput } from '../src/family.js';

/**
 * PyTorch's pooling written out from its definition (ATen's CPU kernels): window o starts at
 * o*stride - pad; max ignores padding; avg divides by the window clipped to input + pad
 * (count_include_pad) or by the real cells it covers.
 */
function torchPool(x: number[][], kind: 'max' | 'avg', k: number, s: number, p: number, ceil: boolean, includePad = true): number[][] {
  const [H, W] = [x.length, x[0].length];
  const [oh, ow] = [windowOutput(H, k, s, p, 1, ceil), windowOutput(W, k, s, p, 1, ceil)];
  const out: number[][] = [];
  for (let i = 0; i < oh; i++) {
    const row: number[] = [];
    for (let j = 0; j < ow; j++) {
      let h0 = i * s - p;
      let w0 = j * s - p;
      let h1 = Math.min(h0 + k, H + p);
      let w1 = Math.min(w0 + k, W + p);
      const poolSize = (h1 - h0) * (w1 - w0);
      h0 = Math.max(h0, 0);
      w0 = Math.max(w0, 0);
      h1 = Math.min(h1, H);
      w1 = Math.min(w1, W);
      let acc = kind === 'max' ? -Infinity : 0;
      for (let a = h0; a < h1; a++) for (let b = w0; b < w1; b++) acc = kind === 'max' ? Math.max(acc, x[a][b]) : acc + x[a][b];
      row.push(kind === 'max' ? acc : acc / (includePad ? poolSize : (h1 - h0) * (w1 - w0)));
    }
    out.push(row);
  }
  return out;
}

function run(layer: tfl.layers.Layer, x: number[][]): number[][] {
  const input = tfl.input({ shape: [x.length, x[0].length, 1] });
  const model = tfl.model({ inputs: input, outputs: apply(layer, input) });
  const t = tf.tensor4d(x.flat(), [1, x.length, x[0].length, 1]);
  const y = model.predict(t) as tf.Tensor4D;
  expect(model.outputs[0].shape.slice(1, 3)).toEqual(y.shape.slice(1, 3));
  return tf.squeeze(y, [0, 3]).arraySync() as number[][];
}

function expectClose(got: number[][], want: number[][]): void {
  for (let i = 0; i < want.length; i++) for (let j = 0; j < want[i].length; j++) expect(got[i][j]).toBeCloseTo(want[i][j], 5);
}

function grid(h: number, w: number, seed: number, offset = 0): number[][] {
  const v = tf.randomNormal([h, w], offset, 1, 'float32', seed).arraySync() as number[][];
  return v;
}

const geometries = [
  { h: 112, w: 112, k: 3, s: 2, p: 1, ceil: false },
  { h: 112, w: 111, k: 3, s: 2, p: 0, ceil: true },
  { h: 13, w: 14, k: 3, s: 2, p: 0, ceil: true },
  { h: 7, w: 9, k: 3, s: 2, p: 1, ceil: true },
  { h: 10, w: 10, k: 2, s: 2, p: 0, ceil: true },
  { h: 9, w: 8, k: 3, s: 1, p: 1, ceil: false },
];

describe('MaxPool2d', () => {
  it.each(geometries)('matches PyTorch semantics: %o', ({ h, w, k, s, p, ceil }) => {
    const x = grid(h, w, h * w + k, -3); // mostly negative: zero padding would win the max
    const got = run(new MaxPool2d({ poolSize: k, strides: s, padding: p, ceilMode: ceil }), x);
    const want = torchPool(x, 'max', k, s, p, ceil);
    expect(got.length).toBe(want.length);
    expect(got[0].length).toBe(want[0].length);
    expectClose(got, want);
  });
});

describe('AvgPool2d', () => {
  it.each(
    geometries.flatMap((g) => [
      { ...g, includePad: true },
      { ...g, includePad: false },
    ]),
  )('matches PyTorch semantics: %o', ({ h, w, k, s, p, ceil, includePad }) => {
    const x = grid(h, w, h + w + k + 1);
    const got = run(new AvgPool2d({ poolSize: k, strides: s, padding: p, ceilMode: ceil, countIncludePad: includePad }), x);
    const want = torchPool(x, 'avg', k, s, p, ceil, includePad);
    expect(got.length).toBe(want.length);
    expect(got[0].length).toBe(want[0].length);
    expectClose(got, want);
  });
});

describe('windowOutput', () => {
  it('follows the PyTorch formula, and drops a ceil-mode window that starts in the padding', () => {
    expect(windowOutput(224, 7, 2, 3)).toBe(112);
    expect(windowOutput(112, 3, 2, 0, 1, false)).toBe(55);
    expect(windowOutput(112, 3, 2, 0, 1, true)).toBe(56);
    // 5 with k=2, s=2, p=1, ceil: ceil(5/2)+1 = 4, but the 4th window would start at 3*2-1 = 5,
    // inside the right padding only, so PyTorch drops it.
    expect(windowOutput(5, 2, 2, 1, 1, true)).toBe(3);
    // 4 with k=2, s=2, p=1, ceil: ceil(4/2)+1 = 3; window 2 starts at 4-1 = 3 < 4+1: kept.
    expect(windowOutput(4, 2, 2, 1, 1, true)).toBe(3);
    expect(windowOutput(2, 3, 1, 0)).toBe(0);
  });
});
