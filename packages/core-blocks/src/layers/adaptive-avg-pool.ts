import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import { ZooOptionError } from '../base/errors.js';
import { type Pair, pair } from './geometry.js';
import { type MacCount, ZERO_MACS } from './macs.js';

export interface AdaptiveAvgPool2dArgs extends LayerArgs {
  /** Output `[height, width]`, as `nn.AdaptiveAvgPool2d(output_size)`. */
  outputSize: Pair;
}

/**
 * Start and end (exclusive) of PyTorch's adaptive window `i` of `out` over an axis of `size`:
 * `[floor(i * size / out), ceil((i + 1) * size / out))`. Windows overlap when `size` is not a
 * multiple of `out`, and repeat cells when `size < out`.
 */
export function adaptiveWindow(i: number, size: number, out: number): [number, number] {
  return [Math.floor((i * size) / out), Math.ceil(((i + 1) * size) / out)];
}

/**
 * `torch.nn.AdaptiveAvgPool2d`: averages PyTorch's adaptive windows for any input size (AlexNet's
 * 6x6 and VGG's 7x7 before the classifier). When the size divides evenly this is one average
 * pool; otherwise the rectangle mean is taken as a mean over rows, then over columns.
 */
export class AdaptiveAvgPool2d extends tfl.layers.Layer {
  static className = 'AdaptiveAvgPool2d';
  readonly outputSize: [number, number];

  constructor(args: AdaptiveAvgPool2dArgs) {
    super(args);
    this.outputSize = pair(args.outputSize);
    for (const v of this.outputSize) {
      if (!Number.isInteger(v) || v < 1) {
        throw new ZooOptionError(`AdaptiveAvgPool2d \`${args.name ?? '?'}\`: outputSize`, args.outputSize, 'positive integers');
      }
    }
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [shape[0], this.outputSize[0], this.outputSize[1], shape[3]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const [h, w] = [x.shape[1], x.shape[2]];
      const [oh, ow] = this.outputSize;
      if (h % oh === 0 && w % ow === 0) {
        const k: [number, number] = [h / oh, w / ow];
        return k[0] === 1 && k[1] === 1 ? tf.clone(x) : tf.avgPool(x, k, k, 'valid');
      }
      const rows = meanWindows(x, 1, h, oh);
      return meanWindows(rows, 2, w, ow);
    });
  }

  countMacs(): MacCount {
    return { ...ZERO_MACS };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), outputSize: this.outputSize };
  }
}

function meanWindows(x: tf.Tensor4D, axis: 1 | 2, size: number, out: number): tf.Tensor4D {
  const parts: tf.Tensor4D[] = [];
  for (let i = 0; i < out; i++) {
    const [s, e] = adaptiveWindow(i, size, out);
    const begin = [0, 0, 0, 0];
    const extent = [...x.shape];
    begin[axis] = s;
    extent[axis] = e - s;
    parts.push(tf.mean(tf.slice(x, begin, extent), axis, true) as tf.Tensor4D);
  }
  return tf.concat(parts, axis);
}
