import type * as tfl from '@tensorflow/tfjs-layers';
import { torchBatchNorm } from './batch-norm.js';

export interface NormArgs {
  /** PyTorch's `eps` (default 1e-5; tfjs would default to 1e-3). */
  eps?: number;
  /** PyTorch's `momentum` (default 0.1), the weight of the new batch; tfjs's is 1 - that. */
  momentum?: number;
}

/** `nn.BatchNorm2d` over the channel (last) axis, with PyTorch's epsilon, momentum and training step. */
export function batchNorm2d(name: string, { eps = 1e-5, momentum = 0.1 }: NormArgs = {}): tfl.layers.Layer {
  return torchBatchNorm({ axis: -1, epsilon: eps, momentum: 1 - momentum, name });
}
