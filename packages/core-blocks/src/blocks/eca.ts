import * as tfl from '@tensorflow/tfjs-layers';
import { ZooOptionError } from '../base/errors.js';
import { activation } from '../layers/activation.js';
import { apply } from '../layers/apply.js';
import { initializer } from '../layers/init.js';

export interface EcaArgs {
  /** Module path of the ECA module (`layer1.0.eca`); its parts are named under it. */
  name: string;
  /** Odd kernel of the 1-D convolution across channels; default: `ecaKernelSize(channels)`. */
  kernelSize?: number;
}

/**
 * The kernel size rule of the ECA-Net paper (Wang et al., 2020, eq. 12): the odd number nearest
 * above |log2(C) / gamma + b / gamma|, with gamma = 2 and b = 1 (64 channels -> 3, 256 -> 5,
 * 2048 -> 7).
 */
export function ecaKernelSize(channels: number, gamma = 2, b = 1): number {
  const t = Math.floor(Math.abs((Math.log2(channels) + b) / gamma));
  return t % 2 === 1 ? t : t + 1;
}

/**
 * ECA (Wang et al., 2020), as the authors write it (`models/eca_module.py`): global average
 * pooling (`avg_pool`), a 1-D convolution of kernel k across the channel axis with padding
 * (k - 1) / 2 and no bias (`conv`, one input and one output channel), sigmoid, and the input
 * scaled by the result. Works on any NHWC feature map.
 */
export function eca(x: tfl.SymbolicTensor, args: EcaArgs): tfl.SymbolicTensor {
  const { name } = args;
  const channels = x.shape[x.shape.length - 1];
  if (x.shape.length !== 4 || channels == null) {
    throw new ZooOptionError(`eca \`${name}\`: input`, x.shape, 'an NHWC feature map with a known channel count');
  }
  const k = args.kernelSize ?? ecaKernelSize(channels);
  if (!Number.isInteger(k) || k < 1 || k % 2 === 0) {
    throw new ZooOptionError(`eca \`${name}\`: kernelSize`, k, 'an odd positive integer (PyTorch pads (k - 1) / 2 on both sides)');
  }
  let y = apply(tfl.layers.globalAveragePooling2d({ name: `${name}.avg_pool` }), x);
  // The channels become the steps of a one-channel sequence. For an odd kernel at stride 1,
  // 'same' pads (k - 1) / 2 on both sides, as PyTorch does.
  y = apply(tfl.layers.reshape({ targetShape: [channels, 1], name: `${name}.to_sequence` }), y);
  y = apply(
    tfl.layers.conv1d({
      name: `${name}.conv`,
      filters: 1,
      kernelSize: k,
      padding: 'same',
      useBias: false,
      kernelInitializer: initializer('torchDefault'),
    }),
    y,
  );
  y = apply(tfl.layers.reshape({ targetShape: [1, 1, channels], name: `${name}.to_map` }), y);
  y = apply(activation('sigmoid', `${name}.sigmoid`), y);
  return apply(tfl.layers.multiply({ name: `${name}.scale` }), [x, y]);
}
