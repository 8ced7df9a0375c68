import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import { ZooOptionError } from '../base/errors.js';
import { checkSpatial, type Pair, pair, windowOutput } from './geometry.js';
import { type InitName, initializer } from './init.js';
import { elementsPerSample, type MacCount } from './macs.js';
import { registerWasmGradients } from './wasm-gradients.js';

// Training a zoo convolution on wasm needs the gradient kernels wasm lacks (a used call: bundlers keep it).
registerWasmGradients();

export interface Conv2dArgs extends LayerArgs {
  filters: number;
  kernelSize: Pair;
  strides?: Pair;
  /** Zero padding on both sides of each spatial axis, as `nn.Conv2d(padding=...)`. */
  padding?: Pair;
  dilation?: Pair;
  /** Channel groups, as `nn.Conv2d(groups=...)`: 1 is a dense conv, `in_channels` is depthwise. */
  groups?: number;
  useBias?: boolean;
  kernelInit?: InitName;
}

/**
 * `torch.nn.Conv2d` in NHWC: symmetric zero padding, dilation and channel groups.
 *
 * tfjs-layers' Conv2D ignores `groups` and pads stride-2 `'same'` convolutions on one side only,
 * so the zoo uses this layer everywhere. The kernel is `[kh, kw, in/groups, out]` (HWIO per
 * group), the layout a PyTorch `[out, in/groups, kh, kw]` weight maps onto by one transpose.
 * Dense convolutions run as one `conv2d`, depthwise ones (groups = in = out / multiplier) as one
 * `depthwiseConv2d`, other groupings as one `conv2d` per group.
 */
export class Conv2d extends tfl.layers.Layer {
  static className = 'Conv2d';
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: [number, number];
  readonly dilation: [number, number];
  readonly groups: number;
  readonly useBias: boolean;
  readonly kernelInit: InitName;
  private kernel?: tfl.LayerVariable;
  private bias?: tfl.LayerVariable;

  constructor(args: Conv2dArgs) {
    super(args);
    this.filters = args.filters;
    this.kernelSize = pair(args.kernelSize);
    this.strides = pair(args.strides ?? 1);
    this.padding = pair(args.padding ?? 0);
    this.dilation = pair(args.dilation ?? 1);
    this.groups = args.groups ?? 1;
    this.useBias = args.useBias ?? true;
    this.kernelInit = args.kernelInit ?? 'torchDefault';
    const where = `Conv2d \`${args.name ?? '?'}\``;
    positiveInt(this.filters, `${where}: filters`);
    positiveInt(this.groups, `${where}: groups`);
    for (const v of [...this.kernelSize, ...this.strides, ...this.dilation]) positiveInt(v, `${where}: kernel/stride/dilation`);
    for (const v of this.padding) {
      if (!Number.isInteger(v) || v < 0) throw new ZooOptionError(`${where}: padding`, v, 'a non-negative integer');
    }
    if (this.filters % this.groups !== 0) {
      throw new ZooOptionError(`${where}: groups`, this.groups, `a divisor of filters (${this.filters})`);
    }
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const inChannels = shape[3];
    if (inChannels == null || inChannels % this.groups !== 0) {
      throw new ZooOptionError(`Conv2d \`${this.name}\`: groups`, this.groups, `a divisor of the input channels (${inChannels})`);
    }
    const [kh, kw] = this.kernelSize;
    this.kernel = this.addWeight('kernel', [kh, kw, inChannels / this.groups, this.filters], 'float32', initializer(this.kernelInit));
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', initializer('zeros'));
    this.inputSpec = [{ ndim: 4, axes: { [-1]: inChannels } }];
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const [h, w] = [shape[1], shape[2]];
    const oh = h == null ? null : windowOutput(h, this.kernelSize[0], this.strides[0], this.padding[0], this.dilation[0]);
    const ow = w == null ? null : windowOutput(w, this.kernelSize[1], this.strides[1], this.padding[1], this.dilation[1]);
    checkSpatial(this.name, h, w, oh ?? 1, ow ?? 1);
    return [shape[0], oh, ow, this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      let x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const [ph, pw] = this.padding;
      if (ph > 0 || pw > 0)
        x = tf.pad(x, [
          [0, 0],
          [ph, ph],
          [pw, pw],
          [0, 0],
        ]);
      const kernel = this.kernel!.read() as tf.Tensor4D;
      const inChannels = x.shape[3];
      let y: tf.Tensor4D;
      if (this.groups === 1) {
        y = tf.conv2d(x, kernel, this.strides, 'valid', 'NHWC', this.dilation);
      } else if (this.groups === inChannels) {
        // Depthwise: PyTorch's output channel g*m+j reads input channel g, as tf's depthwise does.
        const [kh, kw] = this.kernelSize;
        const dw = tf.reshape(kernel, [kh, kw, inChannels, this.filters / inChannels]) as tf.Tensor4D;
        y = tf.depthwiseConv2d(x, dw, this.strides, 'valid', 'NHWC', this.dilation);
      } else {
        const xs = tf.split(x, this.groups, 3) as tf.Tensor4D[];
        const ks = tf.split(kernel, this.groups, 3) as tf.Tensor4D[];
        y = tf.concat(
          xs.map((xi, i) => tf.conv2d(xi, ks[i], this.strides, 'valid', 'NHWC', this.dilation)),
          3,
        );
      }
      return this.bias ? tf.add(y, this.bias.read()) : y;
    });
  }

  /** Output elements x (input channels / groups) x kernel area, as the reference counts. */
  countMacs(inputShapes: tfl.Shape[], outputShape: tfl.Shape): MacCount {
    const inChannels = inputShapes[0][3] ?? 0;
    const [kh, kw] = this.kernelSize;
    return { convLinear: elementsPerSample(outputShape) * (inChannels / this.groups) * kh * kw, attention: 0 };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
      useBias: this.useBias,
      kernelInit: this.kernelInit,
    };
  }
}

function positiveInt(v: unknown, what: string): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ZooOptionError(what, v, 'a positive integer');
}
