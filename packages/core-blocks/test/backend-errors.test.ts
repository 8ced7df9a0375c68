import { describe, expect, it } from '@jest/globals';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Conv2d, ZooBackendError } from '../src/family.js';

/**
 * A backend without a kernel a layer needs: the zoo's layers say which layer, which backend and
 * which kernel, never a bare kernel message or a wrong answer. A backend registered under a new
 * name has no kernels at all, which stands in for one that lacks some.
 */
describe('a layer on a backend that lacks its kernel', () => {
  it('throws a ZooBackendError naming the layer, its class, the backend and the kernel', async () => {
    tf.registerBackend('bare-for-test', () => new MathBackendCPU(), 0);
    await tf.setBackend('cpu');
    const conv = new Conv2d({ filters: 4, kernelSize: 3, padding: 1, name: 'stem_conv' });
    const x = tf.ones([1, 8, 8, 3]);
    const expected = conv.apply(x) as tf.Tensor; // builds on cpu, where it runs
    expect(expected.shape).toEqual([1, 8, 8, 4]);
    await tf.setBackend('bare-for-test');
    let err: unknown;
    try {
      conv.apply(tf.ones([1, 8, 8, 3]));
    } catch (e) {
      err = e;
    }
    await tf.setBackend('cpu');
    tf.removeBackend('bare-for-test');
    expect(err).toBeInstanceOf(ZooBackendError);
    expect(err).toMatchObject({ layer: 'stem_conv', className: 'Conv2d', backend: 'bare-for-test' });
    expect((err as ZooBackendError).message).toMatch(
      /^Layer `stem_conv` \(Conv2d\) cannot run on the bare-for-test backend: TF\.js has no `\w+` kernel there\./,
    );
    // Other errors pass through unchanged: a wrong input is still the layer's own error.
    let other: unknown;
    try {
      new Conv2d({ filters: 4, kernelSize: 3 }).apply(tfl.input({ shape: [8, 8] }));
    } catch (e) {
      other = e;
    }
    expect(other).toBeInstanceOf(Error);
    expect(other).not.toBeInstanceOf(ZooBackendError);
  });
});
