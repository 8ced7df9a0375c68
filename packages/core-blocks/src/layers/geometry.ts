import { ZooShapeError } from '../base/errors.js';

/** A value given either once for both spatial axes or as `[height, width]`. */
export type Pair = number | readonly [number, number];

export function pair(v: Pair): [number, number] {
  return typeof v === 'number' ? [v, v] : [v[0], v[1]];
}

/**
 * Output length of a sliding window along one axis, as PyTorch computes it for convolution and
 * pooling (`torch.nn.Conv2d`, `MaxPool2d` docs). With `ceilMode`, the last window may run past the
 * end but must start inside the input or the left padding.
 */
export function windowOutput(size: number, kernel: number, stride: number, padding: number, dilation = 1, ceilMode = false): number {
  const span = size + 2 * padding - dilation * (kernel - 1) - 1;
  if (span < 0) return 0;
  let out = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (ceilMode && (out - 1) * stride >= size + padding) out -= 1;
  return out;
}

/** Checks a layer's spatial output and throws a typed error naming the layer when it is empty. */
export function checkSpatial(layer: string, inH: number | null, inW: number | null, outH: number, outW: number): void {
  if (inH !== null && inW !== null && (outH < 1 || outW < 1)) {
    throw new ZooShapeError(
      `Input too small at layer \`${layer}\`: a ${inH}x${inW} feature map gives an empty output (${outH}x${outW}). ` +
        'Use a larger input size.',
    );
  }
}
