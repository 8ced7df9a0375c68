import { antialiasWeights, cubic } from '../layers/resample.js';
import type { Interpolation } from '../model/data-config.js';

/**
 * torchvision's resize and center crop, computed on the CPU in plain arithmetic so that every
 * backend gives the same numbers. tfjs has no bicubic and no antialiased resize, and its
 * bilinear differs from PyTorch's at the borders; writing the resampling weights out as
 * PyTorch's `interpolate` defines them (and PIL, for antialias) makes the result match
 * torchvision instead of approximating it.
 */

/** Weights of output positions along one axis: `taps` input indices and their weights per position. */
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

// Read once: inside a vm context (jest) a global lookup per pixel is slow.
const mathAbs = Math.abs;
const mathRound = Math.round;
const mathMax = Math.max;
const mathMin = Math.min;

export function roundHalfEven(x: number): number {
  const r = mathRound(x);
  return mathAbs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * PIL's antialiased taps (triangle for bilinear, cubic with a = -0.5 for bicubic, widened by the
 * scale when shrinking), in a fixed number of taps per position: unused ones point at the
 * position's first index with weight 0.
 */
function antialiasTaps(inSize: number, scale: number, start: number, count: number, interpolation: Interpolation): AxisTaps {
  const interpSize = interpolation === 'bilinear' ? 2 : 4;
  const filter = interpolation === 'bilinear' ? (x: number) => Math.max(0, 1 - Math.abs(x)) : (x: number) => cubic(x, -0.5);
  const support = scale >= 1 ? (interpSize / 2) * scale : interpSize / 2;
  const taps = Math.ceil(support) * 2 + 1;
  const index = new Int32Array(count * taps);
  const weight = new Float64Array(count * taps);
  for (let o = 0; o < count; o++) {
    const [xmin, ws] = antialiasWeights(inSize, scale, start + o, support, filter);
    const k = o * taps;
    for (let j = 0; j < taps; j++) {
      index[k + j] = j < ws.length ? xmin + j : xmin;
      weight[k + j] = j < ws.length ? ws[j] : 0;
    }
  }
  return { taps, index, weight };
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

export interface ResampleSpec {
  resizeSize: number;
  cropSize: number;
  interpolation: Interpolation;
  antialias: boolean;
}

/** Where the crop lies in the resized image: its size, offsets, and the part inside the image. */
interface CropGeometry {
  nh: number;
  nw: number;
  crop: number;
  top: number;
  left: number;
  y0: number;
  y1: number;
  x0: number;
  x1: number;
}

function cropGeometry(height: number, width: number, spec: ResampleSpec): CropGeometry {
  const [nh, nw] = resizedSize(height, width, spec.resizeSize);
  const crop = spec.cropSize;
  const top = cropOffset(nh, crop);
  const left = cropOffset(nw, crop);
  // Crop positions inside the resized image; the rest is torchvision's zero padding.
  return {
    nh,
    nw,
    crop,
    top,
    left,
    y0: Math.max(top, 0),
    y1: Math.min(top + crop, nh),
    x0: Math.max(left, 0),
    x1: Math.min(left + crop, nw),
  };
}

/**
 * Resizes an HWC image (3 or more channels; only the first 3 are read) so its shorter side is
 * `resizeSize`, and returns the central `cropSize` square as RGB in the input's scale, as
 * torchvision's tensor transforms compute it. Only the cropped part of the resized image is
 * computed. `round` rounds to integers and clamps to 0-255 after resizing, as torchvision does
 * for uint8 tensors. For PIL images see `pilResizeCrop`.
 */
export function resizeCrop(
  data: ArrayLike<number>,
  height: number,
  width: number,
  channels: number,
  spec: ResampleSpec,
  round: boolean,
): Float64Array {
  const { crop, top, left, y0, y1, x0, x1, nh, nw } = cropGeometry(height, width, spec);
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
        const r = round ? roundHalfEven(v) : v;
        out[q + ch] = round ? mathMin(mathMax(r, 0), 255) : v;
      }
    }
  }
  return out;
}

/*
 * PIL's resize (Pillow's `ImagingResample`, src/libImaging/Resample.c, as in Pillow 9.4) for
 * 8-bit images. torchvision's transforms on a PIL image call `Image.resize`, and so does timm's
 * eval transform: that is how published accuracies were measured. It differs from the tensor
 * path above in three ways that move values by several 8-bit levels near hard edges:
 *  - the filter's scale is `in / out` in double precision (PyTorch uses float32);
 *  - the weights are turned into fixed point with 22 fractional bits, rounded half away from 0;
 *  - the horizontal pass runs first and its result is rounded and clipped to 0-255, 8-bit,
 *    before the vertical pass (which rounds and clips again), so overshoot of the bicubic
 *    filter at a saturated edge is lost between the passes.
 * 'nearest' is not a resampling filter in Pillow: `Image.resize` maps output pixel centres
 * back by an affine transform (`ImagingScaleAffine`), accumulating the step.
 */

/** Fractional bits of PIL's fixed-point weights: 32 - 8 (pixel) - 2 (overshoot and sign). */
const PRECISION_BITS = 22;
const ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);

/** Pillow's triangle filter (support 1), as Pillow evaluates it. */
function pilTriangle(x: number): number {
  const t = x < 0 ? -x : x;
  return t < 1 ? 1 - t : 0;
}

/** Pillow's bicubic filter (a = -0.5, support 2), with Pillow's order of operations. */
function pilCubic(x: number): number {
  const a = -0.5;
  const t = x < 0 ? -x : x;
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

/** Fixed-point taps of output positions `start .. start + count - 1`: first input index, tap count, weights. */
interface FixedTaps {
  readonly taps: number;
  readonly first: Int32Array;
  readonly count: Int32Array;
  readonly weight: Int32Array;
}

/**
 * Pillow's `precompute_coeffs` and `normalize_coeffs_8bpc` for output positions `start ..
 * start + count - 1` of an axis resized from `inSize` to `outSize`: the filter widened by
 * `in / out` (double) when downscaling, normalised to sum 1, then each weight scaled by 2^22
 * and rounded half away from zero. An axis that keeps its size is not resampled by Pillow; its
 * taps here are the identity (one weight of exactly 1), which gives the same pixels.
 */
export function pilAxisTaps(inSize: number, outSize: number, start: number, count: number, interpolation: Interpolation): FixedTaps {
  if (inSize === outSize || interpolation === 'nearest') {
    const index = inSize === outSize ? null : pilNearestIndex(inSize, outSize);
    const first = new Int32Array(count);
    const weight = new Int32Array(count);
    for (let o = 0; o < count; o++) {
      const i = index ? index[start + o] : start + o;
      // PIL leaves a pixel whose source falls outside the image at 0 (it cannot happen for a plain resize).
      const inside = i >= 0 && i < inSize;
      first[o] = inside ? i : 0;
      weight[o] = inside ? ONE : 0;
    }
    return { taps: 1, first, count: new Int32Array(count).fill(1), weight };
  }
  const filter = interpolation === 'bilinear' ? pilTriangle : pilCubic;
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = (interpolation === 'bilinear' ? 1 : 2) * filterScale;
  const taps = Math.ceil(support) * 2 + 1;
  const inv = 1 / filterScale;
  const first = new Int32Array(count);
  const sizes = new Int32Array(count);
  const weight = new Int32Array(count * taps);
  const w = new Float64Array(taps);
  for (let o = 0; o < count; o++) {
    const center = (start + o + 0.5) * scale;
    // C's (int) cast truncates towards zero.
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xsize = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let total = 0;
    for (let j = 0; j < xsize; j++) {
      w[j] = filter((j + xmin - center + 0.5) * inv);
      total += w[j];
    }
    for (let j = 0; j < xsize; j++) {
      const k = total !== 0 ? w[j] / total : w[j];
      weight[o * taps + j] = k < 0 ? Math.trunc(-0.5 + k * ONE) : Math.trunc(0.5 + k * ONE);
    }
    first[o] = xmin;
    sizes[o] = xsize;
  }
  return { taps, first, count: sizes, weight };
}

/**
 * The source index of each output position of PIL's nearest-neighbour resize: the centre of
 * output pixel x maps to `(x + 0.5) * in / out`, accumulated step by step in double as Pillow's
 * `ImagingScaleAffine` does, and truncated.
 */
function pilNearestIndex(inSize: number, outSize: number): Int32Array {
  const step = inSize / outSize;
  const index = new Int32Array(outSize);
  let pos = step * 0.5;
  for (let x = 0; x < outSize; x++) {
    index[x] = pos < 0 ? -1 : Math.trunc(pos);
    pos += step;
  }
  return index;
}

/** PIL's `clip8`: the accumulator (which started at one half) shifted down to an integer, clamped to 0-255. */
function clip8(ss: number): number {
  return mathMin(mathMax(ss >> PRECISION_BITS, 0), 255);
}

/**
 * torchvision's resize and center crop of a PIL image, exactly: PIL's `Image.resize` of an RGB
 * image (`pilAxisTaps`; horizontal pass into an 8-bit image, then vertical pass), then the
 * central `cropSize` square with torchvision's zero padding where the crop is larger. Reads the
 * first 3 channels of an HWC image of integers 0-255 and returns RGB bytes. Only the cropped
 * part is computed: each output pixel depends on its own taps alone, so this changes nothing.
 * `interpolation` 'bilinear' and 'bicubic' always antialias, as PIL does; `spec.antialias` is
 * not read.
 */
export function pilResizeCrop(data: ArrayLike<number>, height: number, width: number, channels: number, spec: ResampleSpec): Uint8Array {
  const { crop, top, left, y0, y1, x0, x1, nh, nw } = cropGeometry(height, width, spec);
  const ty = pilAxisTaps(height, nh, y0, y1 - y0, spec.interpolation);
  const tx = pilAxisTaps(width, nw, x0, x1 - x0, spec.interpolation);
  // Input rows the vertical pass reads (Pillow's ybox_first .. ybox_last).
  let rowMin = height;
  let rowMax = -1;
  for (let o = 0; o < ty.first.length; o++) {
    if (ty.count[o] === 0) continue;
    rowMin = Math.min(rowMin, ty.first[o]);
    rowMax = Math.max(rowMax, ty.first[o] + ty.count[o] - 1);
  }
  const cw = x1 - x0;
  const rows = Math.max(rowMax - rowMin + 1, 0);
  // Horizontal pass: an 8-bit intermediate, as Pillow's (rounded and clipped per pass).
  const tmp = new Uint8Array(rows * cw * 3);
  for (let r = 0; r < rows; r++) {
    const rowBase = (rowMin + r) * width * channels;
    for (let x = 0; x < cw; x++) {
      let a = HALF;
      let b = HALF;
      let c = HALF;
      const k0 = x * tx.taps;
      let p = rowBase + tx.first[x] * channels;
      for (let j = 0; j < tx.count[x]; j++, p += channels) {
        const w = tx.weight[k0 + j];
        a += data[p] * w;
        b += data[p + 1] * w;
        c += data[p + 2] * w;
      }
      const q = (r * cw + x) * 3;
      tmp[q] = clip8(a);
      tmp[q + 1] = clip8(b);
      tmp[q + 2] = clip8(c);
    }
  }
  // Vertical pass from the intermediate, into the crop (zeros where torchvision pads).
  const out = new Uint8Array(crop * crop * 3);
  for (let y = y0; y < y1; y++) {
    const o = y - y0;
    const k0 = o * ty.taps;
    const r0 = ty.first[o] - rowMin;
    const n = ty.count[o];
    for (let x = 0; x < cw; x++) {
      const q = ((y - top) * crop + (x0 - left) + x) * 3;
      for (let ch = 0; ch < 3; ch++) {
        let ss = HALF;
        for (let j = 0; j < n; j++) ss += tmp[((r0 + j) * cw + x) * 3 + ch] * ty.weight[k0 + j];
        out[q + ch] = clip8(ss);
      }
    }
  }
  return out;
}
