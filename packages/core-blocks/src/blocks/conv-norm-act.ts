import type * as tfl from '@tensorflow/tfjs-layers';
import { type ActivationName, activation } from '../layers/activation.js';
import { apply } from '../layers/apply.js';
import { Conv2d, type Conv2dArgs } from '../layers/conv2d.js';
import { batchNorm2d, type NormArgs } from '../layers/norm.js';

export interface ConvNormActArgs extends Omit<Conv2dArgs, 'name' | 'useBias'>, NormArgs {
  /** Module path of the convolution (`conv1`, `features.0.0`). */
  conv: string;
  /** Module path of the BatchNorm (`bn1`, `features.0.1`). */
  norm: string;
  /** Activation and the name of its layer; omit for none (a projection or the last conv). */
  act?: { kind: ActivationName; name: string };
}

/**
 * Convolution (no bias), BatchNorm, optional activation: the unit torchvision calls
 * `Conv2dNormActivation` and ResNet writes out as `conv1`/`bn1`/`relu`.
 */
export function convNormAct(x: tfl.SymbolicTensor, args: ConvNormActArgs): tfl.SymbolicTensor {
  const { conv, norm, act, eps, momentum, ...convArgs } = args;
  let y = apply(new Conv2d({ ...convArgs, name: conv, useBias: false }), x);
  y = apply(batchNorm2d(norm, { eps, momentum }), y);
  return act ? apply(activation(act.kind, act.name), y) : y;
}
