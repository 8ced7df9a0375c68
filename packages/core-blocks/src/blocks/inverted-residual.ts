import * as tfl from '@tensorflow/tfjs-layers';
import { ZooOptionError } from '../base/errors.js';
import type { ActivationName } from '../layers/activation.js';
import { apply } from '../layers/apply.js';
import { Conv2d } from '../layers/conv2d.js';
import type { InitName } from '../layers/init.js';
import { batchNorm2d, type NormArgs } from '../layers/norm.js';
import { StochasticDepth } from '../layers/stochastic-depth.js';
import { convNormAct } from './conv-norm-act.js';
import { squeezeExcite } from './squeeze-excite.js';

export interface InvertedResidualArgs extends NormArgs {
  /** Module path of the block (`features.2.0`, `features.4`). */
  name: string;
  outChannels: number;
  /** Channels after the 1x1 expansion; equal to the input's, the expansion is left out. */
  expandedChannels: number;
  kernelSize: number;
  stride: number;
  /** Dilation of the depthwise conv (MobileNetV3's dilated tail); padding follows it. */
  dilation?: number;
  /** Activation of the expansion and the depthwise conv (relu6, relu, hardswish, silu). */
  activation: ActivationName;
  /** Squeeze-and-excitation after the depthwise conv, when the block has one. */
  se?: { squeezeChannels: number; activation?: ActivationName; gate?: ActivationName };
  /**
   * Module layout. `'block'` (MobileNetV3, EfficientNet): `<name>.block.<i>` with every unit a
   * `Conv2dNormActivation` (`block.<i>.0` conv, `.1` norm). `'conv'` (MobileNetV2):
   * `<name>.conv.<i>`, with the projection split into a conv `conv.<k>` and a norm `conv.<k+1>`.
   */
  layout?: 'block' | 'conv';
  /** Stochastic depth on the branch before the residual add (EfficientNet's `stochastic_depth`). */
  dropPath?: number;
  kernelInit?: InitName;
}

/**
 * The inverted residual / MBConv block of MobileNetV2, MobileNetV3 and EfficientNet: optional
 * 1x1 expansion, kxk depthwise, optional squeeze-and-excitation, linear 1x1 projection, and the
 * identity shortcut when the stride is 1 and the channels match. Names follow torchvision.
 */
export function invertedResidual(x: tfl.SymbolicTensor, args: InvertedResidualArgs): tfl.SymbolicTensor {
  const { name, outChannels, expandedChannels, kernelSize, stride, eps, momentum, kernelInit } = args;
  const dilation = args.dilation ?? 1;
  const layout = args.layout ?? 'block';
  const inChannels = x.shape[3] as number;
  if (stride !== 1 && stride !== 2) throw new ZooOptionError(`inverted residual \`${name}\`: stride`, stride, '1 or 2');
  if (kernelSize % 2 !== 1) throw new ZooOptionError(`inverted residual \`${name}\`: kernelSize`, kernelSize, 'an odd number');
  const unit = (i: number) => `${name}.${layout}.${i}`;
  let i = 0;
  let y = x;
  if (expandedChannels !== inChannels) {
    y = convNormAct(y, {
      conv: `${unit(i)}.0`,
      norm: `${unit(i)}.1`,
      act: { kind: args.activation, name: `${unit(i)}.2` },
      filters: expandedChannels,
      kernelSize: 1,
      eps,
      momentum,
      kernelInit,
    });
    i++;
  }
  y = convNormAct(y, {
    conv: `${unit(i)}.0`,
    norm: `${unit(i)}.1`,
    act: { kind: args.activation, name: `${unit(i)}.2` },
    filters: expandedChannels,
    kernelSize,
    strides: stride,
    padding: ((kernelSize - 1) / 2) * dilation,
    dilation,
    groups: expandedChannels,
    eps,
    momentum,
    kernelInit,
  });
  i++;
  if (args.se) {
    y = squeezeExcite(y, { name: unit(i), ...args.se, kernelInit });
    i++;
  }
  if (layout === 'block') {
    y = convNormAct(y, { conv: `${unit(i)}.0`, norm: `${unit(i)}.1`, filters: outChannels, kernelSize: 1, eps, momentum, kernelInit });
  } else {
    y = apply(new Conv2d({ name: unit(i), filters: outChannels, kernelSize: 1, useBias: false, kernelInit }), y);
    y = apply(batchNorm2d(unit(i + 1), { eps, momentum }), y);
  }
  if (stride !== 1 || inChannels !== outChannels) return y;
  if (args.dropPath) y = apply(new StochasticDepth({ rate: args.dropPath, name: `${name}.stochastic_depth` }), y);
  return apply(tfl.layers.add({ name: `${name}.add` }), [y, x]);
}
