import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import { ZooOptionError } from '../base/errors.js';
import { type MacCount, ZERO_MACS } from './macs.js';

export interface ChannelShuffleArgs extends LayerArgs {
  groups: number;
  /**
   * false (default): view the channels as `[groups, C / groups]` and transpose, the shuffle of the
   * ShuffleNet paper and of torchvision's `channel_shuffle`. true: view them as
   * `[C / groups, groups]` and transpose, the inverse permutation, which megvii's ShuffleNetV1
   * code applies. Both mix the groups; only the matching one maps a checkpoint's channels.
   */
  inverse?: boolean;
}

/**
 * Channel shuffle (ShuffleNet): after a grouped convolution, reorders the channels so that the
 * next grouped convolution sees every group. No weights; a pure permutation of the channel axis.
 */
export class ChannelShuffle extends tfl.layers.Layer {
  static className = 'ChannelShuffle';
  readonly groups: number;
  readonly inverse: boolean;

  constructor(args: ChannelShuffleArgs) {
    super(args);
    if (!Number.isInteger(args.groups) || args.groups < 1) {
      throw new ZooOptionError(`ChannelShuffle \`${args.name ?? '?'}\`: groups`, args.groups, 'a positive integer');
    }
    this.groups = args.groups;
    this.inverse = args.inverse ?? false;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const channels = shape[shape.length - 1];
    if (channels == null || channels % this.groups !== 0) {
      throw new ZooOptionError(`ChannelShuffle \`${this.name}\`: groups`, this.groups, `a divisor of the input channels (${channels})`);
    }
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (this.groups === 1) return tf.clone(x);
      const lead = x.shape.slice(0, -1);
      const c = x.shape[x.shape.length - 1];
      const [a, b] = this.inverse ? [c / this.groups, this.groups] : [this.groups, c / this.groups];
      const r = lead.length;
      const perm = [...lead.map((_, i) => i), r + 1, r];
      return tf.reshape(tf.transpose(tf.reshape(x, [...lead, a, b]), perm), x.shape);
    });
  }

  countMacs(): MacCount {
    return { ...ZERO_MACS };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), groups: this.groups, inverse: this.inverse };
  }
}
