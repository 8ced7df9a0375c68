import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import { ZooOptionError } from '../base/errors.js';
import { type LayerStateDict, sameLayout, transposed } from '../keys/rules.js';
import { type Pair, pair } from './geometry.js';
import { type InitName, initializer } from './init.js';
import { elementsPerSample, type MacCount } from './macs.js';

export interface ConvTranspose2dArgs extends LayerArgs {
  filters: number;
  kernelSize: Pair;
  strides?: Pair;
  /** PyTorch's `padding`: rows/columns removed from each side of the full transposed output. */
  padding?: Pair;
  /** 1 (dense) or the input channels (depthwise, as EdgeViT's `LocalProp`). */
  groups?: number;
  useBias?: boolean;
  kernelInit?: InitName;
}

/**
 * `torch.nn.ConvTranspose2d` in NHWC, output size `(in - 1) * stride - 2 * padding + kernel`,
 * dense or depthwise. tfjs has no depthwise transposed convolution, so both run as what a
 * transposed convolution is: the input spread out with stride - 1 zeros between pixels, padded
 * by kernel - 1 - padding, and convolved at stride 1 with the spatially flipped kernel
 * (`conv2d` or `depthwiseConv2d`: every backend has them, with gradients).
 *
 * The kernel is `[kh, kw, in, out / groups]`, PyTorch's `[in, out / groups, kh, kw]` permuted.
 * MACs follow the reference: input elements x (out / groups) x kernel area.
 */
export class ConvTranspose2d extends tfl.layers.Layer {
  static className = 'ConvTranspose2d';
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: [number, number];
  readonly groups: number;
  readonly useBias: boolean;
  readonly kernelInit: InitName;
  private kernel?: tfl.LayerVariable;
  private bias?: tfl.LayerVariable;

  constructor(args: ConvTranspose2dArgs) {
    super(args);
    this.filters = args.filters;
    this.kernelSize = pair(args.kernelSize);
    this.strides = pair(args.strides ?? 1);
    this.padding = pair(args.padding ?? 0);
    this.groups = args.groups ?? 1;
    this.useBias = args.useBias ?? true;
    this.kernelInit = args.kernelInit ?? 'torchDefault';
    const where = `ConvTranspose2d \`${args.name ?? '?'}\``;
    for (const v of [this.filters, ...this.kernelSize, ...this.strides]) {
      if (!Number.isInteger(v) || v < 1) throw new ZooOptionError(`${where}: filters/kernel/stride`, v, 'a positive integer');
    }
    this.padding.forEach((p, i) => {
      if (!Number.isInteger(p) || p < 0 || p > this.kernelSize[i] - 1) {
        throw new ZooOptionError(`${where}: padding`, p, `an integer in [0, kernel - 1 = ${this.kernelSize[i] - 1}]`);
      }
    });
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const inChannels = shape[3];
    if (inChannels == null || (this.groups !== 1 && (this.groups !== inChannels || this.filters !== inChannels))) {
      throw new ZooOptionError(
        `ConvTranspose2d \`${this.name}\`: groups`,
        this.groups,
        `1, or the input channels (${inChannels}) with as many filters (depthwise)`,
      );
    }
    const [kh, kw] = this.kernelSize;
    this.kernel = this.addWeight('kernel', [kh, kw, inChannels, this.filters / this.groups], 'float32', initializer(this.kernelInit));
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', initializer('zeros'));
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const [b, h, w] = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const out = (v: number | null, i: number) => (v == null ? null : (v - 1) * this.strides[i] - 2 * this.padding[i] + this.kernelSize[i]);
    return [b, out(h, 0), out(w, 1), this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const [kh, kw] = this.kernelSize;
      const [ph, pw] = this.padding;
      const spread = tf.pad(spreadOut(x, this.strides), [
        [0, 0],
        [kh - 1 - ph, kh - 1 - ph],
        [kw - 1 - pw, kw - 1 - pw],
        [0, 0],
      ]);
      const flipped = tf.reverse(this.kernel!.read(), [0, 1]) as tf.Tensor4D;
      const y = this.groups === 1 ? tf.conv2d(spread, flipped, 1, 'valid') : tf.depthwiseConv2d(spread, flipped, 1, 'valid');
      return this.bias ? tf.add(y, this.bias.read()) : y;
    });
  }

  countMacs(inputShapes: tfl.Shape[]): MacCount {
    const [kh, kw] = this.kernelSize;
    return { convLinear: elementsPerSample(inputShapes[0]) * (this.filters / this.groups) * kh * kw, attention: 0 };
  }

  /** PyTorch's `weight` `[in, out / groups, kh, kw]` and `bias`. */
  stateDictParams(): LayerStateDict {
    return {
      params: [
        transposed(`${this.name}.weight`, this.kernel!, [2, 3, 0, 1]),
        ...(this.bias ? [sameLayout(`${this.name}.bias`, this.bias)] : []),
      ],
    };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      groups: this.groups,
      useBias: this.useBias,
      kernelInit: this.kernelInit,
    };
  }
}

/** `stride - 1` zeros between neighbouring pixels: `[B, h, w, C]` to `[B, (h-1)sh+1, (w-1)sw+1, C]`. */
function spreadOut(x: tf.Tensor4D, [sh, sw]: [number, number]): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  let y: tf.Tensor4D = x;
  if (sh > 1) {
    const rows = tf.pad(tf.reshape(y, [b * h, 1, w, c]), [
      [0, 0],
      [0, sh - 1],
      [0, 0],
      [0, 0],
    ]);
    y = tf.slice(tf.reshape(rows, [b, h * sh, w, c]), [0, 0, 0, 0], [b, (h - 1) * sh + 1, w, c]) as tf.Tensor4D;
  }
  if (sw > 1) {
    const hh = y.shape[1];
    const cols = tf.pad(tf.reshape(y, [b * hh, w, 1, c]), [
      [0, 0],
      [0, 0],
      [0, sw - 1],
      [0, 0],
    ]);
    y = tf.slice(tf.reshape(cols, [b, hh, w * sw, c]), [0, 0, 0, 0], [b, hh, (w - 1) * sw + 1, c]) as tf.Tensor4D;
  }
  return y;
}
