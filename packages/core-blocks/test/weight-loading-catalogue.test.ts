import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  apply,
  Conv2d,
  exportStateDict,
  loadCheckpoint,
  loadLayersModelChecked,
  readModelJson,
  type TensorToWrite,
  toSafetensors,
  writeSafetensors,
  ZooCheckpointError,
  type ZooError,
  ZooModelJsonError,
  ZooSafetensorsDtypeError,
  ZooSafetensorsHeaderError,
  ZooSafetensorsOffsetError,
  ZooSafetensorsShapeError,
  ZooStateDictError,
} from '../src/family.js';
import { forge, smallNet } from './checkpoint-helpers.js';
import { saveToMemory } from './helpers/memory-io.js';

/**
 * The weight-loading part of the bad-input catalogue: a checkpoint for another model, weight
 * paths that leave the model's folder, prototype keys, truncated files, wrong dtypes. Each gives
 * a typed error a user can act on, and a failed load leaves the model exactly as it was (every
 * weight compared bit for bit) or, for a model.json, returns no model and leaks no tensor.
 */

type ErrorClass = new (...args: never[]) => ZooError;

/** smallNet with one more convolution: "the same family, another variant", as resnet34 is to resnet18. */
function deeperNet(): tfl.LayersModel {
  const input = tfl.input({ shape: [8, 8, 3] });
  let x = apply(new Conv2d({ name: 'stem.conv', filters: 4, kernelSize: 3, padding: 1, useBias: false }), input);
  x = apply(new Conv2d({ name: 'stem.conv2', filters: 4, kernelSize: 3, padding: 1 }), x);
  x = apply(tfl.layers.globalAveragePooling2d({ name: 'pool' }), x);
  return tfl.model({ inputs: input, outputs: apply(tfl.layers.dense({ units: 7, name: 'fc' }), x), name: 'deeper_net' });
}

let model: tfl.LayersModel;
let good: Record<string, TensorToWrite>;
let artifacts: tf.io.ModelArtifacts;

const snapshot = (m: tfl.LayersModel) => m.weights.map((w) => Buffer.from((w.read().dataSync() as Float32Array).slice().buffer));

beforeAll(async () => {
  await tf.setBackend('cpu');
  model = smallNet(1);
  good = {};
  for (const [k, t] of exportStateDict(smallNet(2))) good[k] = { dtype: 'F32', ...t };
  const source = smallNet(3);
  artifacts = await saveToMemory(source);
  source.dispose();
});

afterAll(() => {
  model.dispose();
});

const truncate = (bytes: Uint8Array, keep: number) => bytes.slice(0, keep);
const weightBytes = () => new tf.io.CompositeArrayBuffer(artifacts.weightData!).byteLength;

const CHECKPOINTS: Array<[string, () => Uint8Array, ErrorClass, RegExp]> = [
  [
    'a checkpoint for another model, named in its metadata: says which, and the first mismatching names and shapes',
    () => {
      const other = deeperNet();
      const bytes = toSafetensors(other, { model: other.name });
      other.dispose();
      return bytes;
    },
    ZooStateDictError,
    /This checkpoint is for `deeper_net` \(its metadata says so\)[\s\S]*Missing key\(s\) \(\d+\): stem\.bn\.weight[\s\S]*Unexpected key\(s\) \(\d+\): stem\.conv2\.weight[\s\S]*fc\.weight: checkpoint \[7,4\], model expects \[5,6\]/,
  ],
  [
    'a checkpoint for another model, without metadata: says how large it is against the model',
    () => {
      const other = deeperNet();
      const bytes = toSafetensors(other);
      other.dispose();
      return bytes;
    },
    ZooStateDictError,
    /It holds 5 tensors of \d+ values; `\w+` has \d+ weights in all[\s\S]*Size mismatch/,
  ],
  [
    'a header with a __proto__ key',
    () => forge(`{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, new Uint8Array(4)),
    ZooSafetensorsHeaderError,
    /the key `__proto__`; it is refused/,
  ],
  [
    'a header with a constructor key',
    () => forge(`{"constructor":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, new Uint8Array(4)),
    ZooSafetensorsHeaderError,
    /the key `constructor`; it is refused/,
  ],
  [
    'a __proto__ key inside an entry',
    () => forge(`{"fc.bias":{"__proto__":{"dtype":"F32"},"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, new Uint8Array(4)),
    ZooSafetensorsHeaderError,
    /the key `__proto__` in the entry `fc\.bias`/,
  ],
  [
    'a file truncated inside its header',
    () => truncate(writeSafetensors(good), 40),
    ZooSafetensorsHeaderError,
    /runs past the end of the file/,
  ],
  [
    'a file truncated inside its data',
    () => {
      const bytes = writeSafetensors(good);
      return truncate(bytes, bytes.length - 3);
    },
    ZooSafetensorsOffsetError,
    /run past the end of the data/,
  ],
  [
    'a weight stored as F8 (a dtype that does not convert)',
    () => writeSafetensors({ ...good, 'fc.bias': { dtype: 'F8_E4M3', shape: [5], data: new Uint8Array(5) } }),
    ZooStateDictError,
    /Not floating point \(1\): fc\.bias: F8_E4M3/,
  ],
  [
    'a weight whose dtype is not a safetensors dtype',
    () => forge({ 'fc.bias': { dtype: 'float32', shape: [5], data_offsets: [0, 20] } }, new Uint8Array(20)),
    ZooSafetensorsDtypeError,
    /unknown dtype "float32"/,
  ],
  [
    'a shape that disagrees with the byte count',
    () => forge({ 'fc.bias': { dtype: 'F32', shape: [6], data_offsets: [0, 20] } }, new Uint8Array(20)),
    ZooSafetensorsShapeError,
    /needs 24 bytes but data_offsets \[0, 20\] hold 20/,
  ],
];

describe('weight loading: safetensors checkpoints', () => {
  it.each(CHECKPOINTS)('%s', (_what, make, cls, message) => {
    const before = snapshot(model);
    const bytes = make();
    let thrown: unknown;
    try {
      loadCheckpoint(model, bytes);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(cls);
    expect(thrown).toBeInstanceOf(ZooCheckpointError);
    expect((thrown as Error).message).toMatch(message);
    // Never half-loaded: every weight as it was, bit for bit.
    const after = snapshot(model);
    expect(after.every((b, i) => b.equals(before[i]!))).toBe(true);
  });

  it('a checkpoint that fits does change the weights (the snapshot can see a load)', () => {
    const m = smallNet(1);
    const before = snapshot(m);
    loadCheckpoint(m, writeSafetensors(good));
    expect(snapshot(m).some((b, i) => !b.equals(before[i]!))).toBe(true);
    m.dispose();
  });
});

/** An IOHandler for artifacts edited by a case. */
const handler = (edit: (a: tf.io.ModelArtifacts) => tf.io.ModelArtifacts): tf.io.IOHandler => ({
  load: async () => edit({ ...artifacts }),
});
const specs = () => artifacts.weightSpecs!.map((s) => ({ ...s }));

const MODEL_JSONS: Array<[string, () => Promise<unknown>, RegExp]> = [
  [
    'a model.json whose weight path leaves its folder',
    async () =>
      readModelJson({ modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ['../../secrets.bin'], weights: specs() }] }),
    /Weight path "\.\.\/\.\.\/secrets\.bin" points outside the folder/,
  ],
  [
    'a model.json whose weight path is a URL',
    async () =>
      readModelJson({
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['https://evil.test/w.bin'], weights: specs() }],
      }),
    /is a URL/,
  ],
  [
    'weight data truncated by a byte',
    () => loadLayersModelChecked(handler((a) => ({ ...a, weightData: (a.weightData as ArrayBuffer).slice(0, weightBytes() - 1) }))),
    /hold \d+ \(`[^`]+` ends at byte \d+\): a file is truncated or belongs to another model/,
  ],
  [
    'a manifest missing a weight',
    () =>
      loadLayersModelChecked(
        handler((a) => {
          const s = specs();
          const dropped = s.pop()!;
          return {
            ...a,
            weightSpecs: s,
            weightData: (a.weightData as ArrayBuffer).slice(0, weightBytes() - 4 * dropped.shape.reduce((x, y) => x * y, 1)),
          };
        }),
      ),
    /Missing \(1\): stem\.bn\/moving_variance/,
  ],
  [
    'a manifest with a weight the model does not have',
    () =>
      loadLayersModelChecked(
        handler((a) => {
          const s = specs();
          s[0] = { ...s[0]!, name: 'nowhere/kernel' };
          return { ...a, weightSpecs: s };
        }),
      ),
    /Not in the model \(1\): nowhere\/kernel/,
  ],
  [
    'a weight stored as int32 where the model holds float32',
    () =>
      loadLayersModelChecked(
        handler((a) => {
          const s = specs();
          s[0] = { ...s[0]!, dtype: 'int32' };
          return { ...a, weightSpecs: s };
        }),
      ),
    /Wrong dtype \(1\): stem\.conv\/kernel: file int32, model float32/,
  ],
  [
    'shapes swapped between two weights of equal size',
    () =>
      loadLayersModelChecked(
        handler((a) => {
          const s = specs();
          const fc = s.findIndex((w) => w.name === 'fc/kernel');
          s[fc] = { ...s[fc]!, shape: [...s[fc]!.shape].reverse() };
          return { ...a, weightSpecs: s };
        }),
      ),
    /Shape mismatch \(1\): fc\/kernel: file \[5,6\], model \[6,5\]/,
  ],
  [
    'a topology with a __proto__ key',
    () =>
      loadLayersModelChecked(
        handler((a) => ({
          ...a,
          modelTopology: JSON.parse(JSON.stringify(a.modelTopology).replace('"config":{', '"config":{"__proto__":{"x":1},')),
        })),
      ),
    /the key `__proto__` at modelTopology\.config/,
  ],
  [
    'a topology naming a layer class nobody registered',
    () =>
      loadLayersModelChecked(
        handler((a) => ({
          ...a,
          modelTopology: JSON.parse(JSON.stringify(a.modelTopology).replace('"class_name":"Conv2d"', '"class_name":"Conv2dFromElsewhere"')),
        })),
      ),
    /cannot be built: Unknown layer: Conv2dFromElsewhere[\s\S]*import the package that registers them/,
  ],
];

describe('weight loading: model.json and its weights', () => {
  it.each(MODEL_JSONS)('%s', async (_what, run, message) => {
    const tensors = tf.memory().numTensors;
    let thrown: unknown;
    let result: unknown;
    try {
      result = await run();
    } catch (err) {
      thrown = err;
    }
    expect(result).toBeUndefined();
    expect(thrown).toBeInstanceOf(ZooModelJsonError);
    expect((thrown as Error).message).toMatch(message);
    // No model returned, and none half-built left behind.
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('the artifacts these cases start from load whole and predict as the saved model', async () => {
    const loaded = await loadLayersModelChecked(handler((a) => a));
    const source = smallNet(3);
    const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 7);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((source.predict(x) as tf.Tensor).dataSync()));
    x.dispose();
    loaded.dispose();
    source.dispose();
  });
});
