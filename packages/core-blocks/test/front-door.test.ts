import { beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  activation,
  apply,
  type CompiledPlan,
  Conv2d,
  createModel,
  defineModel,
  embed,
  exportStateDict,
  featureInfoOf,
  getModel,
  listModels,
  type ModelEntry,
  registerCompiler,
  registeredFamilies,
  registerFamily,
  toSafetensors,
  weightsOf,
  ZooCompilerError,
  ZooModel,
  ZooOptionError,
  ZooShapeError,
  ZooUnknownModelError,
} from '../src/family.js';
import { makeImage } from './helpers/images.js';
import { tiny } from './helpers/tiny-model.js';

const paper = { title: 't', authors: 'a', year: 2026, url: 'https://example.org' };

/** Two stages, then a classifier that is a 1x1 convolution to the classes (as SqueezeNet's). */
const convHead = defineModel({
  name: 'conv_head_net',
  family: 'TestConvHead',
  package: '@zoo/test-family',
  paper,
  defaultInputSize: 16,
  architecture: {
    features(input) {
      const x = apply(
        activation('relu', 'act1'),
        apply(new Conv2d({ name: 'conv1', filters: 4, kernelSize: 3, strides: 2, padding: 1 }), input),
      );
      return apply(activation('relu', 'act2'), apply(new Conv2d({ name: 'conv2', filters: 6, kernelSize: 3, strides: 2, padding: 1 }), x));
    },
    classifier(features, o) {
      const y = apply(new Conv2d({ name: 'classifier.1', filters: o.numClasses, kernelSize: 1 }), features);
      return apply(tfl.layers.globalAveragePooling2d({ name: 'classifier.3' }), apply(activation('relu', 'classifier.2'), y));
    },
    stages: () => [
      { layer: 'act1', module: 'features.1', channels: 4, reduction: 2 },
      { layer: 'act2', module: 'features.3', channels: 6, reduction: 4 },
    ],
  },
});

const image = { data: makeImage(3, 20, 24), width: 24, height: 20 };
let loads = 0;

beforeAll(async () => {
  await tf.setBackend('wasm');
  registerFamily('@zoo/test-family', async () => {
    loads++;
    return [convHead];
  });
  registerFamily('@zoo/core-blocks-tiny', () => [tiny as ModelEntry]);
});

describe('listModels, getModel', () => {
  it('lists the registered families, filtered, loading each catalog once', async () => {
    expect(registeredFamilies()).toEqual(expect.arrayContaining(['@zoo/test-family', '@zoo/core-blocks-tiny']));
    expect((await listModels()).map((e) => e.name)).toEqual(expect.arrayContaining(['conv_head_net', 'tiny']));
    expect((await listModels({ family: 'testconvhead' })).map((e) => e.name)).toEqual(['conv_head_net']);
    expect((await listModels({ package: '@zoo/core-blocks' })).map((e) => e.name)).toEqual(['tiny']);
    expect(await listModels({ pretrained: true })).toEqual([]);
    expect((await listModels({ pretrained: false })).length).toBeGreaterThanOrEqual(2);
    await expect(listModels({ pretrained: 'yes' as never })).rejects.toThrow(ZooOptionError);
    expect(loads).toBe(1);
  });

  it('finds an entry by name, and says what was meant for a typo', async () => {
    expect(await getModel('conv_head_net')).toBe(convHead);
    const err = await getModel('conv_haed_net').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZooUnknownModelError);
    expect((err as ZooUnknownModelError).suggestions).toEqual(['conv_head_net']);
    expect((err as Error).message).toMatch(/Did you mean `conv_head_net`\?.*registered families are/);
  });
});

describe('createModel and the handle', () => {
  it('builds a model by name, refuses options that need weights without them', async () => {
    const m = await createModel('conv_head_net', { numClasses: 5 });
    expect(m).toBeInstanceOf(ZooModel);
    expect(m.model.outputs[0].shape).toEqual([null, 5]);
    expect(m.dataConfig.cropSize).toBe(16);
    expect(await m.labels()).toBeNull();
    m.dispose();
    await expect(createModel('conv_head_net', { sha256: 'abc' })).rejects.toThrow(/sha256.*unset unless the model is loaded/);
    await expect(createModel('conv_head_net', { pretrained: 3 as never })).rejects.toThrow(ZooOptionError);
    await expect(createModel('conv_head_net', { pretrained: false, from: new Uint8Array(4) })).rejects.toThrow(ZooOptionError);
  });

  it('loads a checkpoint (`from`), whole or as a features-only model, and keeps it across resetClassifier', async () => {
    const source = convHead.create({ numClasses: 5 });
    const bytes = toSafetensors(source);
    const m = await createModel('conv_head_net', { from: bytes, numClasses: 5 });
    const f = await createModel('conv_head_net', { from: bytes, featuresOnly: true });
    expect(weightsOf(m.model)?.source).toBe('bytes');
    for (const [key, t] of exportStateDict(m.model))
      expect([key, Array.from(t.data)]).toEqual([key, Array.from(exportStateDict(source).get(key)!.data)]);
    // Every weight of the features-only model comes from the checkpoint (the head is not needed).
    for (const [key, t] of exportStateDict(f.model))
      expect([key, Array.from(t.data)]).toEqual([key, Array.from(exportStateDict(source).get(key)!.data)]);
    m.resetClassifier(2);
    expect(weightsOf(m.model)?.dataConfig).toEqual(weightsOf(f.model)?.dataConfig);
    source.dispose();
    m.dispose();
    f.dispose();
  });

  it('classifies and embeds with the pre-logits features of a convolutional classifier', async () => {
    const m = await createModel('conv_head_net', { numClasses: 3 });
    const top = await m.classify(image, { topK: 2 });
    expect(top.map((p) => p.label)).toEqual(top.map((p) => `class ${p.index}`));
    const e = m.embed(image);
    // What the 1x1 convolution reads, averaged over space: act2's 6 channels, not the 3 scores.
    expect(e.shape).toEqual([1, 6]);
    const byLayer = embed(m.model, image, { layerName: 'act2' });
    expect(Array.from(e.dataSync())).toEqual(Array.from(byLayer.dataSync()));
    tf.dispose([e, byLayer]);
    m.dispose();
  });

  it('computes the stage maps of a classifier with its own layers, equal to a featuresOnly model', async () => {
    const m = await createModel('conv_head_net');
    const f = await createModel('conv_head_net', { featuresOnly: true });
    expect(f.featuresOnly).toBe(true);
    expect(featureInfoOf(f.model)?.map((i) => [i.module, i.channels, i.reduction])).toEqual([
      ['features.1', 4, 2],
      ['features.3', 6, 4],
    ]);
    for (const l of f.model.layers) if (l.weights.length) l.setWeights(m.model.getLayer(l.name).getWeights());
    const a = m.features(image);
    const b = f.features(image);
    expect(a.map((t) => t.shape)).toEqual([
      [1, 8, 8, 4],
      [1, 4, 4, 6],
    ]);
    for (const [i, t] of a.entries()) expect(Array.from(t.dataSync())).toEqual(Array.from(b[i].dataSync()));
    expect(() => f.embed(image)).toThrow(ZooShapeError);
    await expect(f.classify(image)).rejects.toThrow(/needs conv_head_net with its classifier/);
    tf.dispose([...a, ...b]);
    m.dispose();
    f.dispose();
  });

  it('resetClassifier keeps every backbone weight and gives a fresh head of the new size', async () => {
    const m = await createModel('conv_head_net');
    const before = exportStateDict(m.model);
    m.resetClassifier(7);
    expect(m.model.outputs[0].shape).toEqual([null, 7]);
    const after = exportStateDict(m.model);
    for (const [key, t] of after) {
      if (key.startsWith('classifier.')) continue;
      expect(Array.from(t.data)).toEqual(Array.from(before.get(key)!.data));
    }
    expect(after.get('classifier.1.weight')!.shape).toEqual([7, 6, 1, 1]);
    expect((await m.classify(image)).length).toBe(5);
    expect(() => m.resetClassifier(0)).toThrow(ZooOptionError);
    m.dispose();
  });

  it('compile() needs a registered compiler, and then runs classify and embed through its plan', async () => {
    const m = await createModel('conv_head_net');
    expect(() => m.compile()).toThrow(ZooCompilerError);
    let calls = 0;
    let compiledOutputs = 0;
    registerCompiler((model): CompiledPlan => {
      compiledOutputs = model.outputs.length;
      return {
        predict: (x) => {
          calls++;
          return model.predict(x) as tf.Tensor[];
        },
        dispose: () => {},
      };
    });
    const want = await m.classify(image);
    const wantEmbedding = m.embed(image);
    m.compile();
    expect(m.compiled).toBe(true);
    // One plan for the logits and the pre-logits features.
    expect(compiledOutputs).toBe(2);
    expect(await m.classify(image)).toEqual(want);
    const e = m.embed(image);
    expect(Array.from(e.dataSync())).toEqual(Array.from(wantEmbedding.dataSync()));
    expect(calls).toBe(2);
    m.resetClassifier(4);
    expect(m.compiled).toBe(false);
    tf.dispose([e, wantEmbedding]);
    m.dispose();
  });

  it('leaves no tensor behind across classify, embed and features', async () => {
    const m = await createModel('conv_head_net');
    await m.classify(image);
    tf.dispose([m.embed(image), ...m.features(image)]);
    const before = tf.memory().numTensors;
    await m.classify(image);
    tf.dispose([m.embed(image), ...m.features(image)]);
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });
});

describe('featuresOnly options', () => {
  it('checks outIndices against the stages, and pools each map on request', () => {
    expect(() => convHead.create({ featuresOnly: true, outIndices: [2] })).toThrow(/from -2 to 1/);
    expect(() => convHead.create({ featuresOnly: true, outIndices: [0, -2] })).toThrow(ZooOptionError);
    expect(() => convHead.create({ outIndices: [0] })).toThrow(/unset unless featuresOnly/);
    expect(() => convHead.create({ featuresOnly: true, includeTop: true })).toThrow(ZooOptionError);
    const pooled = convHead.create({ featuresOnly: true, outIndices: [-1], pooling: 'avg' });
    expect(pooled.outputs.map((o) => o.shape)).toEqual([[null, 6]]);
    expect(featureInfoOf(pooled)?.map((f) => f.index)).toEqual([1]);
    // Only the layers up to the deepest stage chosen.
    const first = convHead.create({ featuresOnly: true, outIndices: [0] });
    expect(first.layers.map((l) => l.name)).toEqual(['input', 'conv1', 'act1']);
    pooled.dispose();
    first.dispose();
  });

  it('frees the weights of the layers past the deepest stage', () => {
    const before = tf.memory().numTensors;
    const first = convHead.create({ featuresOnly: true, outIndices: [0] });
    expect(tf.memory().numTensors - before).toBe(first.weights.length);
    first.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
