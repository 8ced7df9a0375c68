import { describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadLayersModelChecked } from '../src/checkpoint/load-layers-model.js';
import { releaseSharedLayersOnDispose } from '../src/model/release-shared-layers.js';
import { saveToMemory } from './helpers/memory-io.js';

/** A model that calls one dense layer twice (as CBAM calls its shared MLP) and sums the two results. */
function sharedDenseModel(): { model: tfl.LayersModel; dense: tfl.layers.Layer; input: tfl.SymbolicTensor } {
  const input = tfl.input({ shape: [4], name: 'input' });
  const dense = tfl.layers.dense({ units: 3, name: 'mlp' });
  const twice = tfl.layers.dense({ units: 4, name: 'pre' }).apply(input) as tfl.SymbolicTensor;
  const a = dense.apply(input) as tfl.SymbolicTensor;
  const b = dense.apply(twice) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: tfl.layers.add({ name: 'sum' }).apply([a, b]) as tfl.SymbolicTensor });
  return { model, dense, input };
}

describe('a model that calls a layer twice', () => {
  it("keeps that layer's weights after dispose in TF.js as it is (what the helper is for)", () => {
    const before = tf.memory().numTensors;
    const { model, dense } = sharedDenseModel();
    model.dispose();
    // The shared layer's kernel and bias are left.
    expect(tf.memory().numTensors).toBe(before + 2);
    dense.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('frees every weight on dispose once the helper has seen it', () => {
    const before = tf.memory().numTensors;
    const { model } = sharedDenseModel();
    const result = releaseSharedLayersOnDispose(model).dispose();
    expect(result).toEqual({ refCountAfterDispose: 0, numDisposedVariables: 4 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaves the layer to another model that calls it too', () => {
    const before = tf.memory().numTensors;
    const { model, dense, input } = sharedDenseModel();
    releaseSharedLayersOnDispose(model);
    const other = tfl.model({ inputs: input, outputs: dense.apply(input) as tfl.SymbolicTensor });
    model.dispose();
    const x = tf.ones([1, 4]);
    const y = other.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([1, 3]);
    tf.dispose([x, y]);
    other.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('frees every weight of such a model read back from its model.json', async () => {
    const { model } = sharedDenseModel();
    const artifacts = await saveToMemory(model);
    releaseSharedLayersOnDispose(model).dispose();
    const before = tf.memory().numTensors;
    const loaded = await loadLayersModelChecked(tf.io.fromMemory(artifacts));
    expect(loaded.getLayer('mlp').inboundNodes.length).toBe(2);
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
