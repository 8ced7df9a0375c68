import * as tfl from '@tensorflow/tfjs-layers';
import { type ActivationName, activation } from '../layers/activation.js';
import { apply } from '../layers/apply.js';
import { Conv2d } from '../layers/conv2d.js';
import type { InitName } from '../layers/init.js';

export interface SqueezeExciteArgs {
  /** Module path of the block (`features.1.0.block.1`); its convolutions are `<name>.fc1`, `<name>.fc2`. */
  name: string;
  /** Channels of the bottleneck (EfficientNet: in/4 of the block's input; MobileNetV3: divisible by 8). */
  squeezeChannels: number;
  /** torchvision's `activation` (default relu; EfficientNet silu). */
  activation?: ActivationName;
  /** torchvision's `scale_activation` (default sigmoid; MobileNetV3 hardsigmoid). */
  gate?: ActivationName;
  kernelInit?: InitName;
}

/**
 * torchvision's `SqueezeExcitation`: global average, 1x1 conv `fc1` (with bias), activation,
 * 1x1 conv `fc2` (with bias), gate, then the input scaled channel by channel.
 */
export function squeezeExcite(x: tfl.SymbolicTensor, args: SqueezeExciteArgs): tfl.SymbolicTensor {
  const { name, squeezeChannels, kernelInit } = args;
  const channels = x.shape[3] as number;
  let s = apply(tfl.layers.globalAveragePooling2d({ name: `${name}.avgpool` }), x);
  s = apply(tfl.layers.reshape({ targetShape: [1, 1, channels], name: `${name}.avgpool.keepdims` }), s);
  s = apply(new Conv2d({ name: `${name}.fc1`, filters: squeezeChannels, kernelSize: 1, kernelInit }), s);
  s = apply(activation(args.activation ?? 'relu', `${name}.activation`), s);
  s = apply(new Conv2d({ name: `${name}.fc2`, filters: channels, kernelSize: 1, kernelInit }), s);
  s = apply(activation(args.gate ?? 'sigmoid', `${name}.scale_activation`), s);
  return apply(tfl.layers.multiply({ name: `${name}.scale` }), [x, s]);
}
