/**
 * Keys' cubic convolution kernel: A = -0.75 in PyTorch's bicubic, -0.5 in PIL's (and PyTorch's
 * antialiased) one.
 */
export function cubic(x: number, a: number): number {
  const t = Math.abs(x);
  if (t <= 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
  return 0;
}

/** Weights of output positions along one axis: `taps` input indices and their weights per position. */
export interface AxisTaps {
  readonly taps: number;
  readonly index: Int32Array;
  readonly weight: Float64Array;
}

/**
 * The taps of an antialiased resize along one axis, for output positions `start .. start +
 * count - 1`, as PyTorch's separable antialiased kernel (`interpolate(..., antialias=True)`) and
 * PIL compute them: the filter (triangle for bilinear, cubic with a = -0.5 for bicubic) widened by
 * the scale when shrinking, truncated at the borders and normalised to sum 1. `scale` is in / out,
 * in the precision the caller's reference uses. Unused taps of a position point at its first
 * index with weight 0.
 */
export function antialiasTaps(
  inSize: number,
  scale: number,
  start: number,
  count: number,
  interpolation: 'bilinear' | 'bicubic',
): AxisTaps {
  const interpSize = interpolation === 'bilinear' ? 2 : 4;
  const filter = interpolation === 'bilinear' ? (x: number) => Math.max(0, 1 - Math.abs(x)) : (x: number) => cubic(x, -0.5);
  const support = scale >= 1 ? (interpSize / 2) * scale : interpSize / 2;
  const invScale = scale >= 1 ? 1 / scale : 1;
  const taps = Math.ceil(support) * 2 + 1;
  const index = new Int32Array(count * taps);
  const weight = new Float64Array(count * taps);
  for (let o = 0; o < count; o++) {
    const center = scale * (start + o + 0.5);
    // C++ integer casts truncate towards zero.
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xsize = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let total = 0;
    const k = o * taps;
    for (let j = 0; j < xsize; j++) {
      const w = filter((j + xmin - center + 0.5) * invScale);
      index[k + j] = xmin + j;
      weight[k + j] = w;
      total += w;
    }
    for (let j = 0; j < xsize; j++) weight[k + j] = total === 0 ? 0 : weight[k + j] / total;
    for (let j = xsize; j < taps; j++) index[k + j] = xmin;
  }
  return { taps, index, weight };
}

/**
 * The matrix `[outSize, inSize]` of PyTorch's `F.interpolate(mode='bicubic', antialias=True,
 * align_corners=False)` along one axis, the resampling timm applies to position embeddings
 * (`resample_abs_pos_embed`): the antialiased taps above as rows. Interpolation is linear, so a
 * 2-D resize is `A_h . X . A_w^T`: two matMuls that run on every backend (tfjs's own
 * `resizeBilinear` has no bicubic mode).
 */
export function bicubicAntialiasMatrix(inSize: number, outSize: number): Float32Array {
  const { taps, index, weight } = antialiasTaps(inSize, inSize / outSize, 0, outSize, 'bicubic');
  const m = new Float32Array(outSize * inSize);
  for (let i = 0; i < outSize; i++) {
    const k = i * taps;
    // Padding taps repeat the row's first index (with weight 0): only the real ones are written.
    for (let j = 0; j < taps && (j === 0 || index[k + j] !== index[k]); j++) m[i * inSize + index[k + j]] = weight[k + j];
  }
  return m;
}
