import { beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { apply, relativePositionIndex, shiftedWindowAttention, WindowAttention, ZooShapeError } from '../src/family.js';

/**
 * Swin's window attention written out from its definition: the map is rolled by -shift (a shift
 * is dropped along an axis one window covers), each window attends within itself with the
 * relative-position bias, tokens from different regions of the rolled map (rows [0, H-m),
 * [H-m, H-s), [H-s, H), the same for columns) get -100, and the result is rolled back.
 */
function writtenOut(x: number[][][], heads: number, m: number, shift: number, table: number[][]): number[][][] {
  const [h, w, c3] = [x.length, x[0].length, x[0][0].length];
  const c = c3 / 3;
  const hd = c / heads;
  const sh = m >= h ? 0 : shift;
  const sw = m >= w ? 0 : shift;
  const rolled = (i: number, j: number) => x[(i + sh) % h][(j + sw) % w];
  const region = (i: number, n: number, s: number) => (s === 0 ? 0 : i < n - m ? 0 : i < n - s ? 1 : 2);
  const out = x.map((row) => row.map(() => new Array<number>(c).fill(0)));
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      const [wi, wj] = [Math.floor(i / m) * m, Math.floor(j / m) * m];
      for (let head = 0; head < heads; head++) {
        const keys: [number, number][] = [];
        for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) keys.push([wi + a, wj + b]);
        const scores = keys.map(([ki, kj]) => {
          let s = 0;
          for (let k = 0; k < hd; k++) s += rolled(i, j)[head * hd + k] * rolled(ki, kj)[c + head * hd + k];
          s /= Math.sqrt(hd);
          s += table[(i - ki + m - 1) * (2 * m - 1) + (j - kj + m - 1)][head];
          const same = region(i, h, sh) === region(ki, h, sh) && region(j, w, sw) === region(kj, w, sw);
          return sh + sw > 0 && !same ? s - 100 : s;
        });
        const top = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - top));
        const z = e.reduce((a, b) => a + b, 0);
        for (let k = 0; k < hd; k++) {
          out[(i + sh) % h][(j + sw) % w][head * hd + k] = keys.reduce(
            (acc, [ki, kj], n) => acc + (e[n] / z) * rolled(ki, kj)[2 * c + head * hd + k],
            0,
          );
        }
      }
    }
  }
  return out;
}

// Importing the wasm backend makes it the default; each test picks its backend.
beforeAll(async () => {
  await tf.setBackend('cpu');
});

const cases = [
  { h: 6, w: 6, m: 3, shift: 1, heads: 2 },
  { h: 6, w: 9, m: 3, shift: 0, heads: 2 },
  { h: 3, w: 6, m: 3, shift: 1, heads: 1 }, // one window covers the rows: shift only the columns
  { h: 8, w: 8, m: 4, shift: 2, heads: 2 },
];

describe.each(['cpu', 'wasm'])('WindowAttention on %s', (name) => {
  it.each(cases)('equals window attention written out: %o', async ({ h, w, m, shift, heads }) => {
    await tf.setBackend(name);
    const input = tfl.input({ shape: [h, w, 3 * 4 * heads] });
    const layer = new WindowAttention({ numHeads: heads, windowSize: m, shiftSize: shift, name: 'attn' });
    const model = tfl.model({ inputs: input, outputs: apply(layer, input) });
    const table = tf.randomNormal([(2 * m - 1) ** 2, heads], 0, 1, 'float32', 5);
    layer.setWeights([table]);
    const x = tf.randomNormal([2, h, w, 3 * 4 * heads], 0, 1, 'float32', 9);
    const got = model.predict(x) as tf.Tensor;
    const want = tf.tensor(
      (x.arraySync() as number[][][][]).map((sample) => writtenOut(sample, heads, m, shift, table.arraySync() as number[][])),
    );
    expect(got.shape).toEqual([2, h, w, 4 * heads]);
    expect(tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]).toBeLessThan(1e-5);
  });
});

describe('WindowAttention', () => {
  it("indexes the bias table as torchvision's relative_position_index", () => {
    const index = relativePositionIndex(2);
    // Tokens (0,0),(0,1),(1,0),(1,1); offsets (dh, dw) shifted by m - 1 = 1, row-major in a 3x3 table.
    expect(Array.from(index)).toEqual([4, 3, 1, 0, 5, 4, 2, 1, 7, 6, 4, 3, 8, 7, 5, 4]);
  });

  it('counts q@k^T and attn@v inside windows as attention', () => {
    const layer = new WindowAttention({ numHeads: 3, windowSize: 7, shiftSize: 3, name: 'a' });
    expect(layer.countMacs([[null, 56, 56, 288]], [null, 56, 56, 96])).toEqual({ convLinear: 0, attention: 2 * 56 * 56 * 49 * 96 });
  });

  it('pads maps that are not whole windows, as a block, and crops back', () => {
    const input = tfl.input({ shape: [10, 12, 8] });
    const y = shiftedWindowAttention(input, { numHeads: 2, windowSize: 7, shiftSize: 3, name: 'b.attn' });
    const model = tfl.model({ inputs: input, outputs: y });
    expect(y.shape).toEqual([null, 10, 12, 8]);
    expect(model.getLayer('b.attn').getWeights()[0].shape).toEqual([169, 2]);
    expect(model.getLayer('b.attn.qkv').outputShape).toEqual([null, 14, 14, 24]);
  });

  it('rejects maps that are not whole windows and bad shifts, with typed errors', () => {
    const input = tfl.input({ shape: [10, 14, 24] });
    expect(() => apply(new WindowAttention({ numHeads: 2, windowSize: 7, shiftSize: 3, name: 'a' }), input)).toThrow(ZooShapeError);
    expect(() => new WindowAttention({ numHeads: 2, windowSize: 7, shiftSize: 7, name: 'a' })).toThrow(/shiftSize/);
  });
});
