import type { Interpolation } from './data-config.js';

/**
 * torchvision's resize and center crop, computed on the CPU in plain arithmetic so that every
 * backend gives the same numbers. tfjs has no bicubic and no antialiased resize, and its
 * bilinear differs from PyTorch's at the borders; writing the resampling weights out as
 * PyTorch's `interpolate` defines them (and PIL, for antialias) makes the result match
 * torchvision instead of approximating it.
 */

/** Weights of one output position along one axis: input indices and their weights. */
interface AxisTaps {
  readonly taps: number;
  readonly index: Int32Array;
  readonly weight: Float64Array;
}

/** torchvision's `Resize(size)` with one int: the shorter side becomes `size`, the longer `int(size * long / short)`. */
export function resizedSize(height: number, width: number, size: number): [number, number] {
  const shortIsWidth = width <= height;
  const short = shortIsWidth ? width : height;
  const long = shortIsWidth ? height : width;
  const newLong = Math.trunc((size * long) / short);
  return shortIsWidth ? [newLong, size] : [size, newLong];
}

/**
 * First resized index a crop takes, torchvision's `center_crop`: `int(round((size - crop) / 2))`
 * with Python's round-half-to-even; when the crop is larger it pads `(crop - size) // 2` zeros
 * first, returned here as a negative offset.
 */
export function cropOffset(size: number, crop: number): number {
  if (crop > size) return -Math.floor((crop - size) / 2);
  return roundHalfEven((size - crop) / 2);
}

export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Keys' cubic convolution: A = -0.75 in PyTorch's bicubic, -0.5 in PIL's (and PyTorch's antialiased) one. */
function cubic(x: number, a: number): number {
  const t = Math.abs(x);
  if (t <= 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
  return 0;
}

/**
 * The taps for output positions `start .. start + count - 1` of an axis resized from `inSize`
 * to `outSize`, as PyTorch's `interpolate(..., align_corners=False)` computes them (scale =
 * in / out in float32, half-pixel centres); with `antialias`, PIL's filter widened by the scale.
 */
export function axisTaps(
  inSize: number,
  outSize: number,
  start: number,
  count: number,
  interpolation: Interpolation,
  antialias: boolean,
): AxisTaps {
  const scale = Math.fround(inSize / outSize);
  if (antialias && interpolation !== 'nearest') return antialiasTaps(inSize, scale, start, count, interpolation);
  const taps = interpolation === 'nearest' ? 1 : interpolation === 'bilinear' ? 2 : 4;
  const index = new Int32Array(count * taps);
  const weight = new Float64Array(count * taps);
  const clampIndex = (i: number) => Math.min(Math.max(i, 0), inSize - 1);
  for (let o = 0; o < count; o++) {
    const dst = start + o;
    const k = o * taps;
    if (interpolation === 'nearest') {
      // PyTorch's legacy 'nearest': floor(dst * scale), float32 arithmetic.
      index[k] = Math.min(Math.floor(Math.fround(dst * scale)), inSize - 1);
      weight[k] = 1;
      continue;
    }
    const src = Math.fround(Math.fround(scale * Math.fround(dst + 0.5)) - 0.5);
    if (interpolation === 'bilinear') {
      const s = Math.max(src, 0);
      const i0 = Math.trunc(s);
      const lambda = Math.min(Math.max(s - i0, 0), 1);
      index[k] = i0;
      index[k + 1] = i0 < inSize - 1 ? i0 + 1 : i0;
      weight[k] = 1 - lambda;
      weight[k + 1] = lambda;
    } else {
      const i0 = Math.floor(src);
      const t = src - i0;
      for (let j = 0; j < 4; j++) {
        index[k + j] = clampIndex(i0 - 1 + j);
        weight[k + j] = cubic(t + 1 - j, -0.75);
      }
    }
  }
  return { taps, index, weight };
}

function antialiasTaps(inSize: number, scale: number, start: number, count: number, interpolation: Interpolation): AxisTaps {
  const interpSize = interpolation === 'bilinear' ? 2 : 4;
  const filter = interpolation === 'bilinear' ? (x: number) => Math.max(0, 1 - Math.abs(x)) : (x: number) => cubic(x, -0.5);
  const support = scale >= 1 ? (interpSize / 2) * scale : interpSize / 2;
  const invScale = scale >= 1 ? 1 / scale : 1;
  const taps = Math.ceil(support) * 2 + 1;
  const index = new Int32Array(count * taps);
  const weight = new Float64Array(count * taps);
  for (let o = 0; o < count; o++) {
    const center = scale * (start + o + 0.5);
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

export interface ResampleSpec {
  resizeSize: number;
  cropSize: number;
  interpolation: Interpolation;
  antialias: boolean;
}

/**
 * Resizes an HWC image (3 or more channels; only the first 3 are read) so its shorter side is
 * `resizeSize`, and returns the central `cropSize` square as RGB in the input's scale. Only the
 * cropped part of the resized image is computed. `round` rounds to integers and clamps to
 * 0-255 after resizing, as torchvision does for 8-bit images (PIL, or uint8 tensors).
 */
export function resizeCrop(
  data: ArrayLike<number>,
  height: number,
  width: number,
  channels: number,
  spec: ResampleSpec,
  round: boolean,
): Float64Array {
  const [nh, nw] = resizedSize(height, width, spec.resizeSize);
  const crop = spec.cropSize;
  const top = cropOffset(nh, crop);
  const left = cropOffset(nw, crop);
  // Crop positions inside the resized image; the rest is torchvision's zero padding.
  const y0 = Math.max(top, 0);
  const y1 = Math.min(top + crop, nh);
  const x0 = Math.max(left, 0);
  const x1 = Math.min(left + crop, nw);
  const ty = axisTaps(height, nh, y0, y1 - y0, spec.interpolation, spec.antialias);
  const tx = axisTaps(width, nw, x0, x1 - x0, spec.interpolation, spec.antialias);

  let rowMin = height;
  let rowMax = -1;
  for (let i = 0; i < ty.index.length; i++) {
    if (ty.weight[i] === 0) continue;
    rowMin = Math.min(rowMin, ty.index[i]);
    rowMax = Math.max(rowMax, ty.index[i]);
  }
  const cw = x1 - x0;
  // Horizontal pass over the input rows the vertical taps reach.
  const rows = Math.max(rowMax - rowMin + 1, 0);
  const tmp = new Float64Array(rows * cw * 3);
  for (let r = 0; r < rows; r++) {
    const rowBase = (rowMin + r) * width * channels;
    for (let x = 0; x < cw; x++) {
      let a = 0;
      let b = 0;
      let c = 0;
      for (let j = 0; j < tx.taps; j++) {
        const w = tx.weight[x * tx.taps + j];
        if (w === 0) continue;
        const p = rowBase + tx.index[x * tx.taps + j] * channels;
        a += w * data[p];
        b += w * data[p + 1];
        c += w * data[p + 2];
      }
      const q = (r * cw + x) * 3;
      tmp[q] = a;
      tmp[q + 1] = b;
      tmp[q + 2] = c;
    }
  }
  const out = new Float64Array(crop * crop * 3);
  for (let y = y0; y < y1; y++) {
    const oy = y - top;
    const ky = (y - y0) * ty.taps;
    for (let x = 0; x < cw; x++) {
      const q = (oy * crop + (x0 - left) + x) * 3;
      for (let ch = 0; ch < 3; ch++) {
        let v = 0;
        for (let j = 0; j < ty.taps; j++) {
          const w = ty.weight[ky + j];
          if (w === 0) continue;
          v += w * tmp[((ty.index[ky + j] - rowMin) * cw + x) * 3 + ch];
        }
        out[q + ch] = round ? Math.min(Math.max(roundHalfEven(v), 0), 255) : v;
      }
    }
  }
  return out;
}
