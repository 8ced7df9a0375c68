/**
 * The matrix `[outSize, inSize]` of PyTorch's `F.interpolate(mode='bicubic', antialias=True,
 * align_corners=False)` along one axis, the resampling timm applies to position embeddings
 * (`resample_abs_pos_embed`). Written from PyTorch's separable anti-aliased kernel: a cubic
 * filter with a = -0.5 (PIL's), widened by the scale when shrinking, truncated at the borders and
 * normalised to sum 1. Interpolation is linear, so a 2-D resize is `A_h . X . A_w^T`: two matMuls
 * that run on every backend (tfjs's own `resizeBilinear` has no bicubic mode).
 */
export function bicubicAntialiasMatrix(inSize: number, outSize: number): Float32Array {
  const scale = inSize / outSize;
  const support = scale >= 1 ? 2 * scale : 2;
  const invScale = scale >= 1 ? 1 / scale : 1;
  const m = new Float32Array(outSize * inSize);
  for (let i = 0; i < outSize; i++) {
    const center = scale * (i + 0.5);
    // C++ integer casts truncate towards zero.
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize);
    const ws: number[] = [];
    let total = 0;
    for (let j = xmin; j < xmax; j++) {
      const wgt = cubicFilter((j - center + 0.5) * invScale);
      ws.push(wgt);
      total += wgt;
    }
    for (let j = xmin; j < xmax; j++) m[i * inSize + j] = total !== 0 ? ws[j - xmin] / total : ws[j - xmin];
  }
  return m;
}

function cubicFilter(x: number, a = -0.5): number {
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}
