import { describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ChannelPool, CUSTOM_LAYERS, cbam, eca, ZooOptionError } from '../src/family.js';
import { reload } from './helpers/memory-io.js';

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
type Map3 = number[][][]; // [h][w][c]

function randomValues(shape: number[], seed: number, mean = 0, std = 1): tf.Tensor {
  return tf.randomNormal(shape, mean, std, 'float32', seed);
}

/** Gives every weight of the model random values (BatchNorm variance positive). */
function randomise(model: tfl.LayersModel): void {
  let seed = 10;
  for (const layer of model.layers) {
    const ws = layer.getWeights();
    if (!ws.length) continue;
    layer.setWeights(
      ws.map((w, i) => {
        const isVariance = layer.getClassName() === 'BatchNormalization' && i === 3;
        return isVariance ? tf.add(tf.abs(randomValues(w.shape, seed++)), 0.5) : randomValues(w.shape, seed++, 0, 0.5);
      }),
    );
  }
}

const weights = (m: tfl.LayersModel, name: string) =>
  m
    .getLayer(name)
    .getWeights()
    .map((w) => Array.from(w.dataSync()));

/**
 * CBAM written out from the authors' `MODELS/cbam.py`, in eval mode: channel gate from the
 * shared MLP on avg- and max-pooled descriptors, then the spatial gate on [max, mean] over
 * channels through a zero-padded k x k convolution and BatchNorm with running statistics.
 */
function reference(m: tfl.LayersModel, x: Map3, name: string, k: number): Map3 {
  const [H, W, C] = [x.length, x[0].length, x[0][0].length];
  const [w1, b1] = weights(m, `${name}.ChannelGate.mlp.1`);
  const [w2, b2] = weights(m, `${name}.ChannelGate.mlp.3`);
  const hidden = b1.length;
  const mlp = (v: number[]) => {
    const h = Array.from({ length: hidden }, (_, j) => Math.max(0, b1[j] + v.reduce((s, vi, i) => s + vi * w1[i * hidden + j], 0)));
    return Array.from({ length: C }, (_, c) => b2[c] + h.reduce((s, hj, j) => s + hj * w2[j * C + c], 0));
  };
  const avg = Array.from({ length: C }, (_, c) => x.flat().reduce((s, px) => s + px[c], 0) / (H * W));
  const max = Array.from({ length: C }, (_, c) => Math.max(...x.flat().map((px) => px[c])));
  const [ma, mm] = [mlp(avg), mlp(max)];
  const gate = ma.map((v, c) => sigmoid(v + mm[c]));
  const y = x.map((row) => row.map((px) => px.map((v, c) => v * gate[c])));

  const [kernel] = weights(m, `${name}.SpatialGate.spatial.conv`); // [k, k, 2, 1]
  const [gamma, beta, mean, variance] = weights(m, `${name}.SpatialGate.spatial.bn`);
  const pooled = y.map((row) => row.map((px) => [Math.max(...px), px.reduce((a, b) => a + b, 0) / C]));
  const p = (k - 1) / 2;
  return y.map((row, i) =>
    row.map((px, j) => {
      let s = 0;
      for (let a = 0; a < k; a++)
        for (let b = 0; b < k; b++) {
          const [ii, jj] = [i + a - p, j + b - p];
          if (ii < 0 || jj < 0 || ii >= H || jj >= W) continue;
          for (let c = 0; c < 2; c++) s += pooled[ii][jj][c] * kernel[(a * k + b) * 2 + c];
        }
      const bn = ((s - mean[0]) / Math.sqrt(variance[0] + 1e-5)) * gamma[0] + beta[0];
      return px.map((v) => v * sigmoid(bn));
    }),
  );
}

function build(shape: [number, number, number], args: Parameters<typeof cbam>[1]): tfl.LayersModel {
  const input = tfl.input({ shape });
  return tfl.model({ inputs: input, outputs: cbam(input, args) });
}

describe('cbam', () => {
  it.each([
    { h: 9, w: 7, c: 32, r: 16, k: 7 },
    { h: 5, w: 6, c: 24, r: 4, k: 3 },
  ])('equals the authors’ CBAM written out: %o', ({ h, w, c, r, k }) => {
    const m = build([h, w, c], { name: 'cbam', reductionRatio: r, spatialKernelSize: k });
    randomise(m);
    const x = randomValues([1, h, w, c], 3);
    const got = (m.predict(x) as tf.Tensor).arraySync() as number[][][][];
    const want = reference(m, (x.arraySync() as number[][][][])[0], 'cbam', k);
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++) for (let q = 0; q < c; q++) expect(got[0][i][j][q]).toBeCloseTo(want[i][j][q], 4);
    m.dispose();
  });

  it('names its parts after the authors’ module paths and holds their parameters', () => {
    const m = build([8, 8, 64], { name: 'layer1.0.cbam' });
    const params = (n: string) => m.getLayer(n).trainableWeights.reduce((s, v) => s + (v.shape as number[]).reduce((a, b) => a * b, 1), 0);
    expect(params('layer1.0.cbam.ChannelGate.mlp.1')).toBe(64 * 4 + 4);
    expect(params('layer1.0.cbam.ChannelGate.mlp.3')).toBe(4 * 64 + 64);
    expect(params('layer1.0.cbam.SpatialGate.spatial.conv')).toBe(2 * 49);
    expect(params('layer1.0.cbam.SpatialGate.spatial.bn')).toBe(2);
    // One MLP shared by both pooled descriptors: two applications of the same layers.
    expect(m.getLayer('layer1.0.cbam.ChannelGate.mlp.1').inboundNodes.length).toBe(2);
    m.dispose();
  });

  it('uses the spatial gate BatchNorm momentum of the authors (0.01 in PyTorch terms)', () => {
    const m = build([8, 8, 16], { name: 'g', reductionRatio: 4 });
    const bn = m.getLayer('g.SpatialGate.spatial.bn').getConfig();
    expect(bn.momentum).toBeCloseTo(0.99, 10);
    expect(bn.epsilon).toBe(1e-5);
    m.dispose();
  });

  it('can start the spatial gate at one half, as the authors initialise it', () => {
    const m = build([4, 4, 16], { name: 'g', reductionRatio: 4, zeroInitSpatialGate: true });
    expect(Array.from(m.getLayer('g.SpatialGate.spatial.bn').getWeights()[0].dataSync())).toEqual([0]);
    m.dispose();
  });

  it('has a channel-only form', () => {
    const m = build([4, 4, 16], { name: 'g', reductionRatio: 4, noSpatial: true });
    expect(m.layers.some((l) => l.name.includes('SpatialGate'))).toBe(false);
    m.dispose();
  });

  it('rejects a reduction that leaves no hidden unit, and an even spatial kernel', () => {
    expect(() => build([4, 4, 8], { name: 'g' })).toThrow(ZooOptionError);
    expect(() => build([4, 4, 32], { name: 'g', spatialKernelSize: 4 })).toThrow(/odd/);
  });

  it('trains: gradients reach the MLP and the spatial convolution', () => {
    const m = build([6, 6, 16], { name: 'g', reductionRatio: 4 });
    const x = randomValues([2, 6, 6, 16], 5);
    const vars = m.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(m.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar, vars);
    for (const n of ['g.ChannelGate.mlp.1', 'g.SpatialGate.spatial.conv']) {
      const g = grads[(m.getLayer(n).trainableWeights[0].read() as tf.Variable).name];
      expect(g).toBeDefined();
      expect(tf.max(tf.abs(g)).dataSync()[0]).toBeGreaterThan(0);
    }
    m.dispose();
  });
});

describe('ChannelPool', () => {
  it('stacks the maximum and the mean over channels, in that order, and round-trips its config', () => {
    const x = tf.tensor4d([1, -2, 3, 4, 5, -6], [1, 1, 2, 3]);
    const layer = new ChannelPool({ name: 'cp' });
    const y = layer.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([1, 1, 2, 2]);
    const v = Array.from(y.dataSync());
    for (const [i, want] of [3, 2 / 3, 5, 1].entries()) expect(v[i]).toBeCloseTo(want, 6);
    expect(layer.countMacs()).toEqual({ convLinear: 0, attention: 0 });
    expect(CUSTOM_LAYERS).toContain(ChannelPool);
  });
});

describe('serialisation', () => {
  it('a model with CBAM and ECA saves and loads back to the same function', async () => {
    const input = tfl.input({ shape: [6, 5, 32] });
    const y = eca(cbam(input, { name: 'a.cbam', reductionRatio: 8 }), { name: 'a.eca', kernelSize: 3 });
    const m = tfl.model({ inputs: input, outputs: y });
    randomise(m);
    const loaded = await reload(m);
    const x = randomValues([2, 6, 5, 32], 11);
    const diff = tf.max(tf.abs(tf.sub(m.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor))).dataSync()[0];
    expect(diff).toBe(0);
    expect(loaded.getLayer('a.cbam.SpatialGate.compress').getClassName()).toBe('ChannelPool');
    m.dispose();
    loaded.dispose();
  });
});
