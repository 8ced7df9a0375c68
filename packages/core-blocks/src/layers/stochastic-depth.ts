import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import { ZooOptionError } from '../base/errors.js';
import { type MacCount, ZERO_MACS } from './macs.js';

export interface StochasticDepthArgs extends LayerArgs {
  /** Probability of dropping a sample's residual branch (torchvision's `p`). */
  rate: number;
}

/**
 * torchvision's `StochasticDepth(p, "row")` (timm's `DropPath`): in training, each sample's branch
 * is zeroed with probability `rate` and the survivors are scaled by 1 / (1 - rate), so the
 * expectation is unchanged; at inference it is the identity.
 */
export class StochasticDepth extends tfl.layers.Layer {
  static className = 'StochasticDepth';
  readonly rate: number;

  constructor(args: StochasticDepthArgs) {
    super(args);
    if (typeof args.rate !== 'number' || !(args.rate >= 0 && args.rate <= 1)) {
      throw new ZooOptionError(`StochasticDepth \`${args.name ?? '?'}\`: rate`, args.rate, 'a number in [0, 1]');
    }
    this.rate = args.rate;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!kwargs.training || this.rate === 0) return tf.clone(x);
    return tf.tidy(() => {
      const keep = 1 - this.rate;
      const shape = [x.shape[0], ...x.shape.slice(1).map(() => 1)];
      const mask = tf.cast(tf.less(tf.randomUniform(shape), keep), x.dtype);
      // A rate of 1 drops every sample; there is nothing to rescale (as in torchvision).
      return tf.mul(x, keep > 0 ? tf.div(mask, keep) : mask);
    });
  }

  countMacs(): MacCount {
    return { ...ZERO_MACS };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}
