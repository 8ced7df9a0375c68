import type { Shape } from '@tensorflow/tfjs-layers';

/**
 * Multiply-accumulates of one layer for one sample, under the two conventions of the reference
 * data: `convLinear` counts convolutions and fully-connected layers; `attention` counts the matrix
 * products inside attention (q@k^T and attn@v), which the `total` convention adds.
 */
export interface MacCount {
  convLinear: number;
  attention: number;
}

/**
 * A layer that knows its own cost. The profiler asks every layer that has this method, so a
 * custom layer (the zoo's or a user's) is counted by its own rule rather than guessed at.
 */
export interface CountsMacs {
  countMacs(inputShapes: Shape[], outputShape: Shape): MacCount;
}

export const ZERO_MACS: Readonly<MacCount> = Object.freeze({ convLinear: 0, attention: 0 });

export function countsMacs(layer: unknown): layer is CountsMacs {
  return typeof (layer as Partial<CountsMacs> | null)?.countMacs === 'function';
}

/** Product of the known dimensions of a shape without its batch axis. */
export function elementsPerSample(shape: Shape): number {
  let n = 1;
  for (let i = 1; i < shape.length; i++) n *= shape[i] ?? 1;
  return n;
}
