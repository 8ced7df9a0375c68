import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { StochasticDepth, withZeroInit, ZooOptionError, ZooShapeError } from '@zoo/core-blocks/family';
import { profileModel } from '@zoo/profiler';
import { getReference } from '@zoo/reference';
import { EDGEVIT_DROP_PATH_RATE, EDGEVIT_SPECS, edgevit_s, edgevit_xxs } from '../src/index.js';

// The cpu backend (fit step) is slow on a loaded 2-core machine.
jest.setTimeout(300_000);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('EdgeViT layout and options', () => {
  it('has local aggregation where the sparse ratio is above 1, and a depthwise LocalProp', () => {
    const m = withZeroInit(() => edgevit_xxs.create());
    const names = new Set(m.layers.map((l) => l.name));
    expect(names.has('blocks3.2.LocalAgg.attn')).toBe(true);
    expect(names.has('blocks4.0.LocalAgg.attn')).toBe(false);
    expect(names.has('blocks4.0.SelfAttn.attn.LocalProp')).toBe(false);
    expect(m.getLayer('blocks1.0.SelfAttn.attn.LocalProp').getWeights()[0].shape).toEqual([4, 4, 36, 1]);
    expect(m.getLayer('blocks1.0.SelfAttn.attn').getConfig().numHeads).toBe(1);
    expect(m.getLayer('blocks4.1.SelfAttn.attn').getConfig().numHeads).toBe(8);
    m.dispose();
  });

  it.each([
    [null, [null, 7, 7, 288]],
    ['avg', [null, 288]],
  ] as const)('includeTop false with pooling %p gives %p (after the final BatchNorm)', (pooling, shape) => {
    const f = withZeroInit(() => edgevit_xxs.create({ includeTop: false, pooling }));
    expect(f.outputs[0].shape).toEqual(shape);
    f.dispose();
  });

  // The authors' code (saic-fi/edgevit, built with img_size = the side) runs at 224-227 and 256-259
  // and fails its attention's reshape at 199, 200, 228 and 260: the patch embeddings floor, and
  // each stage's map must divide by its sparse ratio.
  it('rejects the sizes the authors’ code rejects, naming the sizes that work', () => {
    for (const side of [199, 200, 228, 260]) {
      expect(() => edgevit_xxs.create({ inputShape: [side, 224, 3] })).toThrow(ZooShapeError);
    }
    expect(() => edgevit_xxs.create({ inputShape: [200, 224, 3] })).toThrow(
      /edgevit_xxs cannot take a 200x224 input.*32k to 32k \+ 3 pixels \(nearest: 192 to 195 or 224 by 224\)/,
    );
    expect(() => edgevit_xxs.create({ inputShape: [20, 224, 3] })).toThrow(/nearest: 32 by 224/);
  });

  it('takes 227x227, as the authors’ code does: the maps of 224, the last 3 pixels outside the patch grid', async () => {
    await tf.setBackend('wasm');
    for (const side of [225, 226, 259]) withZeroInit(() => edgevit_xxs.create({ inputShape: [side, side, 3] })).dispose();
    const full = withZeroInit(() => edgevit_xxs.create({ inputShape: [227, 227, 3] }));
    const feats = withZeroInit(() => edgevit_xxs.create({ inputShape: [227, 227, 3], featuresOnly: true }));
    expect(feats.outputs.map((o) => o.shape)).toEqual([
      [null, 56, 56, 36],
      [null, 28, 28, 72],
      [null, 14, 14, 144],
      [null, 7, 7, 288],
    ]);
    const x = tf.randomNormal([1, 227, 227, 3], 0, 1, 'float32', 9);
    const y = full.predict(x) as tf.Tensor;
    const maps = feats.predict(x) as tf.Tensor[];
    expect(y.shape).toEqual([1, 1000]);
    expect(maps.map((m) => m.shape[1])).toEqual([56, 28, 14, 7]);
    expect([y, ...maps].every((t) => Array.from(t.dataSync()).every(Number.isFinite))).toBe(true);
    tf.dispose([x, y, ...maps]);
    full.dispose();
    feats.dispose();
    await tf.setBackend('cpu');
  });

  it('runs on wasm at another size', async () => {
    await tf.setBackend('wasm');
    const model = edgevit_xxs.create({ inputShape: [64, 96, 3], numClasses: 4 });
    const y = model.predict(tf.randomNormal([2, 64, 96, 3], 0, 1, 'float32', 7)) as tf.Tensor;
    expect(y.shape).toEqual([2, 4]);
    expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
    model.dispose();
    await tf.setBackend('cpu');
  });

  it('trains: one fit step on cpu gives a finite loss and changes the weights', async () => {
    await tf.setBackend('cpu');
    const model = edgevit_xxs.create({ inputShape: [32, 32, 3], numClasses: 2, classifierActivation: 'softmax' });
    // categoricalCrossentropy expects probabilities (it clips logits, which zeroes the gradient).
    model.compile({ optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy' });
    const watched = ['blocks1.0.SelfAttn.attn.qkv', 'blocks1.0.SelfAttn.attn.LocalProp', 'blocks1.0.LocalAgg.attn'];
    const before = watched.map((n) => (model.getLayer(n).getWeights()[0].dataSync() as Float32Array).slice());
    const x = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 8);
    const h = await model.fit(x, tf.oneHot(tf.tensor1d([0, 1], 'int32'), 2), { epochs: 1, batchSize: 2, verbose: 0 });
    expect(Number.isFinite(h.history.loss[0] as number)).toBe(true);
    watched.forEach((n, i) => {
      const after = model.getLayer(n).getWeights()[0].dataSync() as Float32Array;
      expect({ n, changed: after.some((v, j) => v !== before[i][j]) }).toEqual({ n, changed: true });
    });
    model.dispose();
  });
});

/** Every weight of `from` copied into `to` by layer name (stochastic depth has none). */
function copyWeights(from: tfl.LayersModel, to: tfl.LayersModel): void {
  for (const l of from.layers) if (l.getWeights().length) to.getLayer(l.name).setWeights(l.getWeights());
}

describe('EdgeViT stochastic depth (dropPathRate)', () => {
  it("puts the authors' drop path on both residual branches of LocalAgg and SelfAttn, rising linearly over the blocks", () => {
    const spec = EDGEVIT_SPECS.edgevit_s;
    const total = spec.depths.reduce((a, b) => a + b, 0);
    const rate = 0.3;
    const m = withZeroInit(() => edgevit_s.create({ dropPathRate: rate }));
    const drops = m.layers.filter((l) => l instanceof StochasticDepth) as StochasticDepth[];
    // Block k (counted over all stages) has rate * k / (total - 1): the first none, the last `rate`.
    const expected: Array<[string, number]> = [];
    let k = 0;
    spec.depths.forEach((depth, s) => {
      for (let i = 0; i < depth; i++, k++) {
        if (k === 0) continue;
        const r = (rate * k) / (total - 1);
        // Local aggregation exists where the sparse ratio is above 1: every stage but the last.
        if (s < 3) expected.push([`blocks${s + 1}.${i}.LocalAgg.drop_path`, r]);
        expected.push([`blocks${s + 1}.${i}.SelfAttn.drop_path`, r]);
      }
    });
    expect(drops.map((d) => d.name)).toEqual(expected.map(([n]) => n));
    drops.forEach((d, i) => {
      expect(d.rate).toBeCloseTo(expected[i][1], 12);
    });
    expect(drops[drops.length - 1].rate).toBeCloseTo(rate, 12);
    // One module per LocalAgg / SelfAttn, called on its two branches.
    for (const d of drops) expect(d.inboundNodes).toHaveLength(2);
    m.dispose();
  });

  it("defaults to the authors' training rate, changes no parameter, and rejects rates outside [0, 1)", () => {
    const byDefault = withZeroInit(() => edgevit_xxs.create());
    const last = byDefault.getLayer('blocks4.1.SelfAttn.drop_path') as StochasticDepth;
    expect(last.rate).toBeCloseTo(EDGEVIT_DROP_PATH_RATE, 12);
    const none = withZeroInit(() => edgevit_xxs.create({ dropPathRate: 0 }));
    expect(none.layers.some((l) => l instanceof StochasticDepth)).toBe(false);
    const ref = getReference('edgevit_xxs')!;
    for (const m of [byDefault, none]) {
      const p = profileModel(m);
      expect(p.params.trainable).toBe(ref.params);
      expect(p.macs.total).toBe(ref.macs.total);
      m.dispose();
    }
    for (const bad of [1, -0.1, 1.5, Number.NaN, '0.1'])
      expect(() => edgevit_xxs.create({ dropPathRate: bad } as never)).toThrow(ZooOptionError);
  });

  it('is the identity at inference and acts in training (same weights, with and without it, on wasm)', async () => {
    await tf.setBackend('wasm');
    const plain = edgevit_xxs.create({ inputShape: [32, 32, 3], dropPathRate: 0 });
    // Its weights all come from `plain`: random draws would be wasted.
    const dropped = withZeroInit(() => edgevit_xxs.create({ inputShape: [32, 32, 3], dropPathRate: 0.5 }));
    copyWeights(plain, dropped);
    const x = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 11);
    const run = (m: tfl.LayersModel, training: boolean) => Array.from((m.apply(x, { training }) as tf.Tensor).dataSync());
    const inference = run(plain, false);
    expect(inference.every(Number.isFinite)).toBe(true);
    expect(run(dropped, false)).toEqual(inference);
    // Training mode without drop path is deterministic (BatchNorm uses the batch's statistics)...
    const training = run(plain, true);
    expect(run(plain, true)).toEqual(training);
    // ...with it, each sample's branches are dropped or rescaled by 1 / (1 - rate), so the outputs move.
    expect(run(dropped, true)).not.toEqual(training);
    plain.dispose();
    dropped.dispose();
    tf.dispose(x);
    await tf.setBackend('cpu');
  });
});
