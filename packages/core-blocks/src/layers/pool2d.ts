import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import { ZooOptionError } from '../base/errors.js';
import { checkSpatial, type Pair, pair, windowOutput } from './geometry.js';
import { type MacCount, ZERO_MACS } from './macs.js';

export interface Pool2dArgs extends LayerArgs {
  poolSize: Pair;
  /** Defaults to `poolSize`, as in PyTorch. */
  strides?: Pair;
  padding?: Pair;
  /** PyTorch's `ceil_mode`: round the output size up (GoogLeNet, SqueezeNet). */
  ceilMode?: boolean;
}

/**
 * Shared geometry of PyTorch's `MaxPool2d` and `AvgPool2d`: symmetric padding plus, in ceil
 * mode, the extra right/bottom margin the last window needs. tfjs's `'same'` pooling pads one
 * side only, so these layers pad explicitly and pool `'valid'`.
 */
abstract class Pool2d extends tfl.layers.Layer {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: [number, number];
  readonly ceilMode: boolean;

  constructor(args: Pool2dArgs) {
    super(args);
    this.poolSize = pair(args.poolSize);
    this.strides = pair(args.strides ?? args.poolSize);
    this.padding = pair(args.padding ?? 0);
    this.ceilMode = args.ceilMode ?? false;
    for (let i = 0; i < 2; i++) {
      if (!(this.padding[i] >= 0 && this.padding[i] <= this.poolSize[i] / 2)) {
        throw new ZooOptionError(
          `${this.getClassName()} \`${args.name ?? '?'}\`: padding`,
          this.padding[i],
          'at most half the pool size (as PyTorch requires)',
        );
      }
    }
  }

  protected outputSize(h: number, w: number): [number, number] {
    return [
      windowOutput(h, this.poolSize[0], this.strides[0], this.padding[0], 1, this.ceilMode),
      windowOutput(w, this.poolSize[1], this.strides[1], this.padding[1], 1, this.ceilMode),
    ];
  }

  /** `[[top, bottom], [left, right]]` padding so that a `'valid'` pool gives PyTorch's size. */
  protected paddings(h: number, w: number): [[number, number], [number, number]] {
    const [oh, ow] = this.outputSize(h, w);
    const side = (size: number, out: number, i: number): [number, number] => {
      const needed = (out - 1) * this.strides[i] + this.poolSize[i];
      return [this.padding[i], Math.max(0, needed - size - this.padding[i])];
    };
    return [side(h, oh, 0), side(w, ow, 1)];
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const [h, w] = [shape[1], shape[2]];
    const [oh, ow] = h == null || w == null ? [null, null] : this.outputSize(h, w);
    checkSpatial(this.name, h, w, oh ?? 1, ow ?? 1);
    return [shape[0], oh, ow, shape[3]];
  }

  countMacs(): MacCount {
    return { ...ZERO_MACS };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), poolSize: this.poolSize, strides: this.strides, padding: this.padding, ceilMode: this.ceilMode };
  }
}

/** `torch.nn.MaxPool2d`: padding counts as -infinity, never as a zero that could win the max. */
export class MaxPool2d extends Pool2d {
  static className = 'MaxPool2d';

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      let x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const [ph, pw] = this.paddings(x.shape[1], x.shape[2]);
      if (ph[0] + ph[1] + pw[0] + pw[1] > 0) x = tf.pad(x, [[0, 0], ph, pw, [0, 0]], Number.NEGATIVE_INFINITY);
      return tf.maxPool(x, this.poolSize, this.strides, 'valid');
    });
  }
}

export interface AvgPool2dArgs extends Pool2dArgs {
  /** PyTorch's `count_include_pad` (default true): divide by the full window, padding included. */
  countIncludePad?: boolean;
}

/**
 * `torch.nn.AvgPool2d`. With `countIncludePad` the explicit zero padding is averaged in; the
 * ceil-mode overhang past the padded input is never counted, as in PyTorch. Without it, each
 * window is divided by the number of real input cells it covers.
 */
export class AvgPool2d extends Pool2d {
  static className = 'AvgPool2d';
  readonly countIncludePad: boolean;

  constructor(args: AvgPool2dArgs) {
    super(args);
    this.countIncludePad = args.countIncludePad ?? true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const [h, w] = [x.shape[1], x.shape[2]];
      const [ph, pw] = this.paddings(h, w);
      const [kh, kw] = this.poolSize;
      const padded = tf.pad(x, [[0, 0], ph, pw, [0, 0]]);
      const [H, W] = [h + ph[0] + ph[1], w + pw[0] + pw[1]];
      // Cells that count towards a window's divisor: the input, plus the symmetric padding when
      // `countIncludePad`; never the ceil-mode overhang.
      const [p0, p1] = this.countIncludePad ? this.padding : [0, 0];
      const [inH, inW] = [Math.min(H, ph[0] + h + p0), Math.min(W, pw[0] + w + p1)];
      const [offH, offW] = [ph[0] - p0, pw[0] - p1];
      if (offH === 0 && offW === 0 && inH === H && inW === W) {
        return tf.avgPool(padded, this.poolSize, this.strides, 'valid');
      }
      const sums = tf.mul(tf.avgPool(padded, this.poolSize, this.strides, 'valid'), kh * kw);
      const mask = tf.pad(tf.ones([1, inH - offH, inW - offW, 1]), [
        [0, 0],
        [offH, H - inH],
        [offW, W - inW],
        [0, 0],
      ]) as tf.Tensor4D;
      const counts = tf.mul(tf.avgPool(mask, this.poolSize, this.strides, 'valid'), kh * kw);
      return tf.div(sums, counts);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), countIncludePad: this.countIncludePad };
  }
}
