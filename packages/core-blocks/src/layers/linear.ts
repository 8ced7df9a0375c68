import * as tfl from '@tensorflow/tfjs-layers';
import { type InitName, initializer } from './init.js';

export interface LinearArgs {
  bias?: boolean;
  /** Weight initialisation (default: truncated normal, std 0.02, as the transformers use). */
  init?: InitName;
}

/**
 * `nn.Linear` over the last axis of any rank (tokens `[B, N, D]` or maps `[B, H, W, C]`), with a
 * zero bias. The profiler counts it as output elements x input features.
 */
export function linear(units: number, name: string, { bias = true, init = 'truncNormal02' }: LinearArgs = {}): tfl.layers.Layer {
  return tfl.layers.dense({
    units,
    name,
    useBias: bias,
    kernelInitializer: initializer(init),
    biasInitializer: initializer('zeros'),
  });
}
