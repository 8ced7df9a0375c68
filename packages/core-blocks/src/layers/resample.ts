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

/**
 * The weights one output position takes from the input along one axis in an antialiased resize,
 * as PyTorch's separable antialiased kernel (`interpolate(..., antialias=True)`) and PIL compute
 * them: the filter (support `support` input pixels either side, widened by the scale when
 * shrinking) truncated at the borders and normalised to sum 1. `scale` is in / out, in the
 * precision the caller's reference uses. Returns the first input index and the weights from there.
 */
export function antialiasWeights(
  inSize: number,
  scale: number,
  position: number,
  support: number,
  filter: (x: number) => number,
): [first: number, weights: number[]] {
  const invScale = scale >= 1 ? 1 / scale : 1;
  const center = scale * (position + 0.5);
  // C++ integer casts truncate towards zero.
  const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
  const xmax = Math.min(Math.trunc(center + support + 0.5), inSize);
  const ws: number[] = [];
  let total = 0;
  for (let j = xmin; j < xmax; j++) {
    const w = filter((j - center + 0.5) * invScale);
    ws.push(w);
    total += w;
  }
  return [xmin, ws.map((w) => (total === 0 ? 0 : w / total))];
}

/**
 * The matrix `[outSize, inSize]` of PyTorch's `F.interpolate(mode='bicubic', antialias=True,
 * align_corners=False)` along one axis, the resampling timm applies to position embeddings
 * (`resample_abs_pos_embed`): rows of `antialiasWeights` with the cubic filter (a = -0.5).
 * Interpolation is linear, so a 2-D resize is `A_h . X . A_w^T`: two matMuls that run on every
 * backend (tfjs's own `resizeBilinear` has no bicubic mode).
 */
export function bicubicAntialiasMatrix(inSize: number, outSize: number): Float32Array {
  const scale = inSize / outSize;
  const m = new Float32Array(outSize * inSize);
  for (let i = 0; i < outSize; i++) {
    const [xmin, ws] = antialiasWeights(inSize, scale, i, scale >= 1 ? 2 * scale : 2, (x) => cubic(x, -0.5));
    m.set(ws, i * inSize + xmin);
  }
  return m;
}
