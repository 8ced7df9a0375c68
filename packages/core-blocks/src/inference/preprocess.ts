import * as tf from '@tensorflow/tfjs-core';
import { describe, ZooOptionError, ZooShapeError } from '../base/errors.js';
import { type DataConfig, dataConfig, IMAGENET_DATA_CONFIG } from '../model/data-config.js';
import { ZooInputTypeError, ZooValueError } from './errors.js';
import { pilResizeCrop, resizeCrop } from './resample.js';

/** Pixels in memory, HWC, row-major: `ImageData`, or an RGB/RGBA `Uint8Array` with its size. */
export interface PixelArray {
  readonly data: ArrayLike<number> & { readonly length: number };
  readonly width: number;
  readonly height: number;
  /** 3 (RGB) or 4 (RGBA, alpha ignored); default: data.length / (width * height). */
  readonly channels?: number;
}

/** What a browser page or worker has: decoded images, canvases, video frames. */
export type BrowserImage = HTMLImageElement | HTMLCanvasElement | HTMLVideoElement | ImageBitmap | OffscreenCanvas;

/** One image (HWC tensor, pixels, browser image) or a batch (NHWC tensor, or an array of images). */
export type ImageInput = tf.Tensor | PixelArray | ImageData | BrowserImage;

export interface PreprocessOptions {
  /**
   * Scale of the input's values: 255 for 8-bit pixels, 1 for floats in [0, 1]. Default: 255 for
   * integer tensors, typed arrays of bytes and browser images; for float data, 255 when a value
   * exceeds 1 and 1 otherwise.
   */
  pixelRange?: 1 | 255;
  /**
   * Whose resize 8-bit input gets. 'pil': PIL's `Image.resize`, exactly (fixed-point weights,
   * rounded and clipped to 0-255 between the horizontal and the vertical pass), which is what
   * torchvision's `weights.transforms()` and timm's eval transform do to a PIL image, and so how
   * every published accuracy was measured. 'tensor': torchvision's transforms on a uint8 tensor
   * (float arithmetic, rounded once at the end; the only choice with `antialias: false`).
   * Default: 'pil' for 8-bit input (integer tensors, `Uint8Array`, `ImageData`, browser images),
   * unless the data configuration turns antialiasing off for bilinear or bicubic, which PIL
   * cannot do. Float input always takes the tensor path (PIL resizes 8-bit images); this option
   * does not change it.
   */
  resampler?: 'pil' | 'tensor';
}

/** An image read into memory: HWC values, and whether they are 8-bit (torchvision rounds those after resizing). */
interface Raster {
  data: ArrayLike<number>;
  height: number;
  width: number;
  channels: number;
  eightBit: boolean;
  /** Where it came from, for error messages. */
  what: string;
}

/**
 * torchvision's `ImageClassification` transform for what a browser or Node user has: resize
 * the shorter side to `resizeSize`, crop the central `cropSize` square, scale to [0, 1] and
 * normalise. Returns an NHWC float32 batch `[n, cropSize, cropSize, 3]`, ready for `predict`.
 *
 * 8-bit input (integer tensors, `Uint8Array`, `ImageData`, browser images) is resized as PIL
 * does it, bit for bit (torchvision and timm on PIL images; `resampler: 'tensor'` gives
 * torchvision's uint8-tensor path instead). Float input is read as [0, 1], or as 0-255 when a
 * value exceeds 1, and resized as torchvision resizes float tensors. Scaling and normalisation
 * are done in float32 in torchvision's order, `(x / 255 - mean) / std`. Bad input throws a
 * typed error: a channels-first tensor (`ZooShapeError`, with the transpose that fixes it), a
 * wrong rank or channel count (`ZooShapeError`), NaN, infinite or out-of-range values
 * (`ZooValueError`).
 */
export function preprocess(
  image: ImageInput | readonly ImageInput[],
  config: Partial<DataConfig> = IMAGENET_DATA_CONFIG,
  options: PreprocessOptions = {},
): tf.Tensor4D {
  const cfg = dataConfig(config);
  const range = options.pixelRange;
  if (range !== undefined && range !== 1 && range !== 255) {
    throw new ZooValueError(
      'range',
      `Invalid option \`pixelRange\`: got ${describe(range)}; expected 1 (floats in [0, 1]) or 255 (8-bit pixels).`,
    );
  }
  const pil = pilResampler(cfg, options.resampler);
  const rasters = Array.isArray(image) ? image.flatMap((x, i) => readImage(x, `image ${i}`)) : readImage(image as ImageInput, 'the image');
  if (rasters.length === 0) throw new ZooInputTypeError('preprocess got an empty batch; pass at least one image.');
  const side = cfg.cropSize;
  const out = new Float32Array(rasters.length * side * side * 3);
  // torchvision's float32 arithmetic: x / 255, then (x - mean) / std, each rounded to float32.
  const f = Math.fround;
  const mean = cfg.mean.map(f);
  const std = cfg.std.map(f);
  rasters.forEach((r, n) => {
    const scale = checkValues(r, range);
    const eightBit = r.eightBit && scale === 255;
    const crop =
      eightBit && pil
        ? pilResizeCrop(r.data, r.height, r.width, r.channels, cfg)
        : resizeCrop(r.data, r.height, r.width, r.channels, cfg, eightBit);
    const base = n * side * side * 3;
    for (let i = 0; i < crop.length; i++) {
      const c = i % 3;
      out[base + i] = f(f(crop[i] / scale) - mean[c]) / std[c];
    }
  });
  return tf.tensor4d(out, [rasters.length, side, side, 3], 'float32');
}

/** Whether 8-bit input takes PIL's resize: the option, or the default ('pil' unless antialiasing is off). */
function pilResampler(cfg: DataConfig, resampler: PreprocessOptions['resampler']): boolean {
  if (resampler === undefined) return cfg.antialias || cfg.interpolation === 'nearest';
  if (resampler !== 'pil' && resampler !== 'tensor') {
    throw new ZooOptionError('resampler', resampler, "'pil' (PIL's Image.resize) or 'tensor' (torchvision's tensor transforms)");
  }
  if (resampler === 'pil' && !cfg.antialias && cfg.interpolation !== 'nearest') {
    throw new ZooOptionError(
      'resampler',
      resampler,
      `'tensor' with antialias: false`,
      `PIL always antialiases ${cfg.interpolation} resizing; leave antialias on for PIL's resize, or use resampler: 'tensor'.`,
    );
  }
  return resampler === 'pil';
}

function isPixelArray(x: unknown): x is PixelArray {
  if (x === null || typeof x !== 'object') return false;
  const p = x as Partial<PixelArray>;
  return ArrayBuffer.isView(p.data) && typeof p.width === 'number' && typeof p.height === 'number';
}

function isBrowserImage(x: unknown): x is BrowserImage {
  const is = (name: string) => {
    const ctor = (globalThis as Record<string, unknown>)[name];
    return typeof ctor === 'function' && x instanceof (ctor as new () => unknown);
  };
  return ['HTMLImageElement', 'HTMLCanvasElement', 'HTMLVideoElement', 'ImageBitmap', 'OffscreenCanvas'].some(is);
}

function readImage(x: ImageInput, what: string): Raster[] {
  if (x instanceof tf.Tensor) return readTensor(x, what);
  if (isPixelArray(x)) return [readPixels(x, what)];
  if (isBrowserImage(x)) {
    // tfjs reads OffscreenCanvas as any canvas (through getContext), though its type omits it.
    const t = tf.browser.fromPixels(x as HTMLCanvasElement, 3);
    try {
      const [height, width] = t.shape;
      return [{ data: t.dataSync(), height, width, channels: 3, eightBit: true, what }];
    } finally {
      t.dispose();
    }
  }
  throw new ZooInputTypeError(
    `preprocess cannot read ${what} (${describe(x)}${x !== null && typeof x === 'object' ? `, a ${x.constructor?.name}` : ''}). ` +
      'Pass a tf.Tensor (HWC or NHWC), ImageData, { data, width, height } with RGB or RGBA bytes, ' +
      'an HTMLImageElement, HTMLCanvasElement, HTMLVideoElement, ImageBitmap or OffscreenCanvas, or an array of these.',
  );
}

function readPixels(p: PixelArray, what: string): Raster {
  const { width, height } = p;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new ZooShapeError(`${what} has size ${describe(width)}x${describe(height)}; width and height must be positive integers.`);
  }
  const channels = p.channels ?? p.data.length / (width * height);
  if (channels !== 3 && channels !== 4) {
    throw new ZooShapeError(
      `${what} has ${p.data.length} values for ${width}x${height} pixels, ${channels} per pixel; expected 3 (RGB) or 4 (RGBA), HWC.` +
        (channels === 1 ? ' For a grayscale image repeat the value over 3 channels.' : ''),
    );
  }
  if (p.data.length !== width * height * channels) {
    throw new ZooShapeError(`${what} has ${p.data.length} values; ${width}x${height}x${channels} needs ${width * height * channels}.`);
  }
  const eightBit = p.data instanceof Uint8Array || p.data instanceof Uint8ClampedArray;
  return { data: p.data, height, width, channels, eightBit, what };
}

function readTensor(t: tf.Tensor, what: string): Raster[] {
  const shape = t.shape;
  if (t.dtype !== 'float32' && t.dtype !== 'int32') {
    throw new ZooInputTypeError(`${what} is a ${t.dtype} tensor; expected int32 pixels (0-255) or float32.`);
  }
  if (shape.length !== 3 && shape.length !== 4) {
    throw new ZooShapeError(
      `${what} has shape [${shape}] (rank ${shape.length}); expected HWC [height, width, 3] or a batch NHWC [n, height, width, 3].` +
        (shape.length === 2 ? ' For a grayscale image add a channel axis and repeat it: tf.tile(tf.expandDims(x, -1), [1, 1, 3]).' : ''),
    );
  }
  const [h, w, c] = shape.slice(-3);
  if (c !== 3 && c !== 4) {
    const first = shape.length === 4 ? shape[1] : shape[0];
    if (first === 3 || first === 4 || first === 1) {
      const perm = shape.length === 4 ? '[0, 2, 3, 1]' : '[1, 2, 0]';
      const layout = shape.length === 4 ? 'NCHW' : 'CHW';
      const fixed = shape.length === 4 ? [shape[0], shape[2], shape[3], shape[1]] : [shape[1], shape[2], shape[0]];
      throw new ZooShapeError(
        `${what} has shape [${shape}], which looks channels-first (${layout}); TensorFlow.js models take channels last (${layout === 'NCHW' ? 'NHWC' : 'HWC'}). ` +
          `Transpose it first: tf.transpose(x, ${perm}) gives [${fixed}].`,
      );
    }
    throw new ZooShapeError(`${what} has shape [${shape}] with ${c} channels; expected 3 (RGB) or 4 (RGBA, alpha ignored), channels last.`);
  }
  if (h === 0 || w === 0 || (shape.length === 4 && shape[0] === 0)) throw new ZooShapeError(`${what} has shape [${shape}]: it is empty.`);
  const data = t.dataSync();
  const eightBit = t.dtype === 'int32';
  if (shape.length === 3) return [{ data, height: h, width: w, channels: c, eightBit, what }];
  const size = h * w * c;
  return Array.from({ length: shape[0] }, (_, n) => ({
    data: data.subarray(n * size, (n + 1) * size),
    height: h,
    width: w,
    channels: c,
    eightBit,
    what: `${what} (batch item ${n})`,
  }));
}

// Read once: inside a vm context (jest) every global lookup in the loop below is slow.
const { isFinite: finite, isNaN: nan_ } = Number;

/** Rejects NaN, infinite and out-of-range values; returns the scale the values are in (1 or 255). */
function checkValues(r: Raster, range: 1 | 255 | undefined): 1 | 255 {
  const { data, channels } = r;
  let max = Number.NEGATIVE_INFINITY;
  let min = Number.POSITIVE_INFINITY;
  let nan = 0;
  let inf = 0;
  let firstBad = -1;
  for (let i = 0; i < data.length; i++) {
    if (channels === 4 && i % 4 === 3) continue;
    const v = data[i];
    if (nan_(v)) {
      nan++;
      if (firstBad < 0) firstBad = i;
    } else if (!finite(v)) {
      inf++;
      if (firstBad < 0) firstBad = i;
    } else {
      if (v > max) max = v;
      if (v < min) min = v;
    }
  }
  if (nan > 0 || inf > 0) {
    const at = firstBad / channels;
    throw new ZooValueError(
      nan > 0 ? 'nan' : 'infinite',
      `${r.what} has ${nan} NaN and ${inf} infinite values (the first at row ${Math.floor(at / r.width)}, column ${Math.floor(at % r.width)}, channel ${firstBad % channels}); ` +
        'pixels must be finite. Check the decoding or the computation that produced them.',
    );
  }
  const scale = range ?? (r.eightBit || max > 1 ? 255 : 1);
  if (min < 0 || max > scale) {
    const hint =
      min < 0
        ? 'Negative values suggest an image that is already normalised: give it to the model directly (classify with { preprocess: false }).'
        : scale === 1
          ? 'Values above 1 are 0-255 pixels: leave out pixelRange: 1.'
          : 'Pixels are expected in 0-255 (8-bit) or [0, 1].';
    throw new ZooValueError('range', `${r.what} has values from ${min} to ${max}, outside [0, ${scale}]. ${hint}`);
  }
  return scale;
}
