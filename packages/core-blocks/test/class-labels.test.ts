import { describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { classify, classLabels, IMAGENET_LABELS, LABELLED_DATASETS } from '../src/family.js';
import { rememberWeights } from '../src/inference/loaded-weights.js';
import type { WeightSet } from '../src/model/weight-set.js';

/**
 * The class names of the larger ImageNet subsets, as timm names them: that they equal timm's
 * lists is checked against timm itself in @zoo/tooling (labels-generated.test.ts).
 */
describe('classLabels', () => {
  it('has each subset at its size, ImageNet-1k as torchvision names it, and nothing for a data set it does not know', async () => {
    const sizes = Object.fromEntries(await Promise.all(LABELLED_DATASETS.map(async (d) => [d, (await classLabels(d))!.length])));
    expect(sizes).toEqual({
      'imagenet-1k': 1000,
      'imagenet-21k-goog': 21843,
      'imagenet-22k': 21841,
      'imagenet-12k': 11821,
      'imagenet-21k-miil': 11221,
    });
    expect(await classLabels('imagenet-1k')).toBe(IMAGENET_LABELS);
    expect(await classLabels('clip_laion2b')).toBeNull();
    expect(await classLabels('toString')).toBeNull();
    // Every name is a real name, not an empty line of the shared lemma table.
    for (const d of LABELLED_DATASETS) expect((await classLabels(d))!.filter((n) => !n || n.includes('\n'))).toEqual([]);
  });

  it("classify names a model's classes from its weight set's data set", async () => {
    await tf.setBackend('cpu');
    const input = tfl.input({ shape: [1, 1, 3] });
    const flat = tfl.layers.flatten().apply(input) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ units: 11821, useBias: false, kernelInitializer: 'zeros' }).apply(flat) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    // Class 7 wins.
    const kernel = tf.buffer([3, 11821]);
    kernel.set(1, 0, 7);
    model.layers[2].setWeights([kernel.toTensor()]);
    const x = tf.ones([1, 1, 1, 3]);
    expect((await classify(model, x, { preprocess: false, topK: 1 }))[0].label).toBe('class 7');
    const set = { name: 'timm/test.in12k', classes: { dataset: 'imagenet-12k', count: 11821 } } as unknown as WeightSet;
    rememberWeights(model, { model: 'test', set, source: 'bytes', convention: 'timm', dataConfig: {} as never, report: {} as never });
    const names = (await classLabels('imagenet-12k'))!;
    expect((await classify(model, x, { preprocess: false, topK: 1 }))[0]).toMatchObject({ index: 7, label: names[7] });
    expect(names[7]).not.toBe('class 7');
    tf.dispose(x);
    model.dispose();
  });
});
