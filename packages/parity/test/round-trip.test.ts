import { describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { apply, convNormAct, defineModel } from '@zoo/core-blocks/family';
import { saveLoadRoundTrip } from '../src/index.js';

/** Multiplies by a factor its config must carry. */
class Scale extends tfl.layers.Layer {
  static className = 'ParityTestScale';
  readonly factor: number;
  constructor(args: { factor?: number; name?: string }) {
    super(args);
    this.factor = args.factor ?? 1;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.mul(Array.isArray(inputs) ? inputs[0]! : inputs, this.factor);
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), factor: this.factor };
  }
}

/** The bug the round trip exists to catch: a config that forgets a field, so the loaded layer differs. */
class ForgetfulScale extends Scale {
  static override className = 'ParityTestForgetfulScale';
  override getConfig(): tf.serialization.ConfigDict {
    const { factor: _, ...rest } = super.getConfig();
    return rest;
  }
}
tf.serialization.registerClass(Scale);
tf.serialization.registerClass(ForgetfulScale);

const entry = (name: string, layer: (n: string) => tfl.layers.Layer) =>
  defineModel({
    name,
    family: 'Test',
    package: '@zoo/parity',
    paper: { title: 'none', authors: 'none', year: 2026, url: 'https://example.invalid' },
    defaultInputSize: 16,
    architecture: {
      features: (input) =>
        apply(
          layer('scale'),
          convNormAct(input, {
            conv: 'conv1',
            norm: 'bn1',
            act: { kind: 'relu', name: 'relu1' },
            filters: 8,
            kernelSize: 3,
            strides: 2,
            padding: 1,
          }),
        ),
    },
  });

describe('saveLoadRoundTrip', () => {
  it('passes a model whose layers round-trip: same topology, bit-identical outputs, informative weights', async () => {
    const r = await saveLoadRoundTrip(
      entry('good', (name) => new Scale({ factor: 3, name })),
      { sizes: [16] },
    );
    expect(r).toMatchObject({ identical: true, topologyEqual: true, configDiffs: [], informative: true, inputSize: 16, backend: 'wasm' });
    expect(r.weightBytes).toBe(4 * r.params);
  });

  it('catches a custom layer whose getConfig loses a field: the saved config agrees with itself, the outputs do not', async () => {
    const r = await saveLoadRoundTrip(
      entry('forgetful', (name) => new ForgetfulScale({ factor: 3, name })),
      { sizes: [16] },
    );
    expect(r.configDiffs).toEqual([]);
    expect(r.identical).toBe(false);
    expect(r.firstDifference).not.toBeNull();
  });

  it('runs models over the wasm bound on the cpu backend', async () => {
    const r = await saveLoadRoundTrip(
      entry('large', (name) => new Scale({ factor: 2, name })),
      { sizes: [16], wasmMaxParams: 10 },
    );
    expect(r.backend).toBe('cpu');
    expect(r.identical).toBe(true);
  });
});
