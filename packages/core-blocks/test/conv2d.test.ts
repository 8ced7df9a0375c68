import { describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { apply, Conv2d, ZooOptionError } from '../src/family.js';
import { reload } from './helpers/memory-io.js';

/** A trusted grouped convolution: zero-pad, then one plain tf.conv2d per group, concatenated. */
function loopConv(x: tf.Tensor4D, kernel: tf.Tensor4D, groups: number, stride: number, pad: number, dilation: number): tf.Tensor4D {
  const padded = tf.pad(x, [
    [0, 0],
    [pad, pad],
    [pad, pad],
    [0, 0],
  ]) as tf.Tensor4D;
  const cin = x.shape[3] / groups;
  const cout = kernel.shape[3] / groups;
  const outs: tf.Tensor4D[] = [];
  for (let g = 0; g < groups; g++) {
    const xg = tf.slice(padded, [0, 0, 0, g * cin], [-1, -1, -1, cin]) as tf.Tensor4D;
    const kg = tf.slice(kernel, [0, 0, 0, g * cout], [-1, -1, -1, cout]) as tf.Tensor4D;
    outs.push(tf.conv2d(xg, kg, stride, 'valid', 'NHWC', dilation));
  }
  return tf.concat(outs, 3);
}

function build(args: ConstructorParameters<typeof Conv2d>[0], inputShape: [number, number, number]) {
  const input = tfl.input({ shape: inputShape });
  const layer = new Conv2d(args);
  const model = tfl.model({ inputs: input, outputs: apply(layer, input) });
  return { model, layer };
}

describe('Conv2d', () => {
  const cases = [
    { groups: 1, cin: 6, cout: 8, k: 3, stride: 1, pad: 1, dilation: 1 },
    { groups: 2, cin: 6, cout: 8, k: 3, stride: 2, pad: 1, dilation: 1 },
    { groups: 3, cin: 6, cout: 9, k: 1, stride: 1, pad: 0, dilation: 1 },
    { groups: 6, cin: 6, cout: 6, k: 3, stride: 2, pad: 1, dilation: 1 }, // depthwise
    { groups: 6, cin: 6, cout: 12, k: 5, stride: 1, pad: 4, dilation: 2 }, // depthwise, multiplier 2
    { groups: 2, cin: 4, cout: 4, k: 3, stride: 1, pad: 2, dilation: 2 },
  ];
  it.each(cases)('matches a per-group loop of tf.conv2d: %o', ({ groups, cin, cout, k, stride, pad, dilation }) => {
    const { model, layer } = build(
      { filters: cout, kernelSize: k, strides: stride, padding: pad, dilation, groups, useBias: true, name: 'c' },
      [11, 9, cin],
    );
    const [kernel, bias] = layer.getWeights() as [tf.Tensor4D, tf.Tensor1D];
    expect(kernel.shape).toEqual([k, k, cin / groups, cout]);
    // Random bias so that the bias path is exercised too.
    layer.setWeights([kernel, tf.randomNormal([cout], 0, 1, 'float32', 3)]);
    const x = tf.randomNormal([2, 11, 9, cin], 0, 1, 'float32', 7) as tf.Tensor4D;
    const got = model.predict(x) as tf.Tensor4D;
    const want = tf.add(loopConv(x, kernel, groups, stride, pad, dilation), layer.getWeights()[1]);
    expect(got.shape).toEqual(want.shape);
    expect(tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]).toBeLessThan(1e-5);
    expect(model.countParams()).toBe(k * k * (cin / groups) * cout + cout);
    void bias;
  });

  it('gives PyTorch output sizes, including odd sizes at stride 2', () => {
    const { model } = build({ filters: 4, kernelSize: 7, strides: 2, padding: 3, name: 'c' }, [199, 200, 3]);
    expect(model.outputs[0].shape).toEqual([null, 100, 100, 4]);
  });

  it('counts output elements x in/groups x kernel area', () => {
    const { layer } = build({ filters: 8, kernelSize: 3, strides: 2, padding: 1, groups: 2, name: 'c' }, [10, 10, 4]);
    expect(layer.countMacs([[null, 10, 10, 4]], [null, 5, 5, 8])).toEqual({ convLinear: 5 * 5 * 8 * 2 * 9, attention: 0 });
  });

  it('rejects groups that do not divide the channels, with a typed error', () => {
    expect(() => new Conv2d({ filters: 6, kernelSize: 1, groups: 4, name: 'c' })).toThrow(ZooOptionError);
    expect(() => build({ filters: 4, kernelSize: 1, groups: 4, name: 'c' }, [5, 5, 6])).toThrow(/divisor of the input channels \(6\)/);
    expect(() => new Conv2d({ filters: 4, kernelSize: 0, name: 'c' })).toThrow(ZooOptionError);
    expect(() => new Conv2d({ filters: 4, kernelSize: 3, padding: -1, name: 'c' })).toThrow(ZooOptionError);
  });

  it('saves and loads through the layers format with the same outputs', async () => {
    const { model } = build({ filters: 4, kernelSize: 3, strides: 2, padding: 1, groups: 2, name: 'c' }, [8, 8, 4]);
    const loaded = await reload(model);
    const x = tf.randomNormal([1, 8, 8, 4], 0, 1, 'float32', 1);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(x) as tf.Tensor).dataSync()));
    expect(loaded.layers[1]).toBeInstanceOf(Conv2d);
  });
});
