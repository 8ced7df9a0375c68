import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { apply, batchNorm2d, Conv2d, linear } from '../src/family.js';

/** A small model with every mapped layer kind: dense, depthwise and grouped Conv2d, BatchNorm, Dense, LayerNorm. */
export function smallNet(seed = 1): tfl.LayersModel {
  const input = tfl.input({ shape: [8, 8, 3] });
  let x = apply(new Conv2d({ name: 'stem.conv', filters: 4, kernelSize: 3, padding: 1, useBias: false }), input);
  x = apply(batchNorm2d('stem.bn'), x);
  x = apply(new Conv2d({ name: 'block.dw', filters: 8, kernelSize: 3, padding: 1, groups: 4 }), x);
  x = apply(new Conv2d({ name: 'block.pw', filters: 6, kernelSize: 1, groups: 2 }), x);
  x = apply(tfl.layers.globalAveragePooling2d({ name: 'pool' }), x);
  x = apply(linear(5, 'fc', { init: 'torchDefault' }), x);
  x = apply(tfl.layers.layerNormalization({ name: 'norm', epsilon: 1e-5 }), x);
  const model = tfl.model({ inputs: input, outputs: x });
  // Non-trivial values everywhere, so that a weight in the wrong place shows in the output.
  let s = seed;
  for (const w of model.weights) {
    const isVar = w.originalName.endsWith('moving_variance');
    w.write(
      isVar
        ? tf.randomUniform(w.shape as number[], 0.5, 1.5, 'float32', s++)
        : tf.randomNormal(w.shape as number[], 0, 0.5, 'float32', s++),
    );
  }
  return model;
}

export const INPUT = () => tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 42);

export function outputs(model: tfl.LayersModel): Float32Array {
  return tf.tidy(() => (model.predict(INPUT()) as tf.Tensor).dataSync() as Float32Array).slice();
}

/** A safetensors file with exactly the header text and data given, and optionally a forged length field. */
export function forge(header: string | object | Uint8Array, data: Uint8Array = new Uint8Array(0), declaredLength?: bigint): Uint8Array {
  const json =
    header instanceof Uint8Array ? header : new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, declaredLength ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}
