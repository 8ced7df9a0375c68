import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import { ZooOptionError } from '../base/errors.js';
import { type MacCount, ZERO_MACS } from './macs.js';

export interface ChannelSplitArgs extends LayerArgs {
  /** Number of equal parts (default 2). */
  parts?: number;
}

/**
 * `x.chunk(parts, dim=1)` in NHWC: splits the channel axis into equal parts, one output each
 * (ShuffleNetV2's channel split). tfjs-layers has no layer for it.
 */
export class ChannelSplit extends tfl.layers.Layer {
  static className = 'ChannelSplit';
  readonly parts: number;

  constructor(args: ChannelSplitArgs) {
    super(args);
    this.parts = args.parts ?? 2;
    if (!Number.isInteger(this.parts) || this.parts < 1) {
      throw new ZooOptionError(`ChannelSplit \`${args.name ?? '?'}\`: parts`, this.parts, 'a positive integer');
    }
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const channels = shape[shape.length - 1];
    if (channels == null || channels % this.parts !== 0) {
      throw new ZooOptionError(`ChannelSplit \`${this.name}\`: parts`, this.parts, `a divisor of the input channels (${channels})`);
    }
    const part = [...shape.slice(0, -1), channels / this.parts];
    return Array.from({ length: this.parts }, () => [...part]);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor[] {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return tf.split(x, this.parts, x.shape.length - 1);
    });
  }

  countMacs(): MacCount {
    return { ...ZERO_MACS };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), parts: this.parts };
  }
}
