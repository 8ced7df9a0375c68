import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import { type MacCount, ZERO_MACS } from './macs.js';

/**
 * CBAM's `ChannelPool`: the maximum and the mean over the channel axis, stacked as two channels
 * in that order (`torch.cat((x.max(1), x.mean(1)), dim=1)`), the input of the spatial gate.
 */
export class ChannelPool extends tfl.layers.Layer {
  static className = 'ChannelPool';

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [...shape.slice(0, -1), 2];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const axis = x.rank - 1;
      return tf.concat([tf.max(x, axis, true), tf.mean(x, axis, true)], axis);
    });
  }

  /** Reductions only: the reference counts them as zero. */
  countMacs(): MacCount {
    return { ...ZERO_MACS };
  }
}
