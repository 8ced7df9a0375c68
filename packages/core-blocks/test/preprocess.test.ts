import { describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import {
  dataConfig,
  dataConfigOf,
  fromTimmConfig,
  fromTorchvisionWeights,
  IMAGENET_DATA_CONFIG,
  preprocess,
  ZooInputTypeError,
  ZooOptionError,
  ZooShapeError,
  ZooValueError,
} from '../src/family.js';
import { cropOffset, pilAxisTaps, resizedSize } from '../src/inference/resample.js';
import { makeImage } from './helpers/images.js';
import { tiny } from './helpers/tiny-model.js';

const small = dataConfig({ cropSize: 8, resizeSize: 10 });

describe('data configuration', () => {
  it("defaults to torchvision's ImageClassification: resize 256, crop 224, bilinear, ImageNet statistics", () => {
    expect(dataConfig()).toEqual(IMAGENET_DATA_CONFIG);
    expect(dataConfig({ cropSize: 224 }).resizeSize).toBe(256);
  });

  it("derives the resize size with timm's crop_pct rule and reads timm and torchvision metadata", () => {
    expect(dataConfig({ cropSize: 160 }).resizeSize).toBe(Math.floor(160 / 0.875));
    const timm = fromTimmConfig({
      input_size: [3, 288, 288],
      crop_pct: 0.95,
      interpolation: 'bicubic',
      mean: [0.5, 0.5, 0.5],
      std: [0.5, 0.5, 0.5],
    });
    expect(timm).toMatchObject({ cropSize: 288, resizeSize: Math.floor(288 / 0.95), interpolation: 'bicubic', mean: [0.5, 0.5, 0.5] });
    expect(fromTorchvisionWeights({ cropSize: 224, resizeSize: 232, interpolation: 'bilinear' })).toMatchObject({
      cropSize: 224,
      resizeSize: 232,
    });
    // The reference data writes torchvision's default resize (256) as null.
    expect(fromTorchvisionWeights({ cropSize: 224, resizeSize: null, interpolation: 'bilinear' }).resizeSize).toBe(256);
    expect(() => fromTorchvisionWeights({ cropSize: 224, interpolation: 'lanczos' })).toThrow(ZooOptionError);
  });

  it('gives every catalog entry one, at its input size unless the family sets its own', () => {
    expect(tiny.dataConfig).toEqual(dataConfig({ cropSize: tiny.defaultInputSize }));
    expect(dataConfigOf(tiny)).toBe(tiny.dataConfig);
    expect(dataConfigOf({ defaultInputSize: 240 })).toMatchObject({ cropSize: 240, resizeSize: 274 });
  });

  it.each([
    [{ cropSize: 0 }],
    [{ cropSize: 22.5 }],
    [{ resizeSize: -1 }],
    [{ interpolation: 'area' }],
    [{ interpolation: 'nearest', antialias: true }],
    [{ mean: [0.5, 0.5] }],
    [{ std: [0.2, 0, 0.2] }],
    [{ cropPct: 1.5 }],
    [{ cropPct: 0.9, resizeSize: 256 }],
    [{ crop: 224 }],
  ])('rejects %j with a ZooOptionError', (bad) => {
    expect(() => dataConfig(bad as never)).toThrow(ZooOptionError);
  });
});

describe("torchvision's sizes", () => {
  it('resizes the shorter side, truncating the longer one as int() does', () => {
    expect(resizedSize(375, 500, 256)).toEqual([256, Math.trunc((256 * 500) / 375)]);
    expect(resizedSize(500, 375, 256)).toEqual([Math.trunc((256 * 500) / 375), 256]);
    expect(resizedSize(300, 300, 256)).toEqual([256, 256]);
  });

  it("centres the crop with Python's round-half-to-even and pads when the crop is larger", () => {
    expect(cropOffset(256, 224)).toBe(16);
    expect(cropOffset(17, 14)).toBe(2); // round(1.5) = 2
    expect(cropOffset(19, 14)).toBe(2); // round(2.5) = 2
    expect(cropOffset(21, 14)).toBe(4); // round(3.5) = 4
    expect(cropOffset(12, 15)).toBe(-1); // (15 - 12) // 2 zeros before
  });
});

describe("PIL's resize weights", () => {
  it('widens the filter by the scale and writes the weights in fixed point, 22 fractional bits', () => {
    // Halving, triangle: output 1 is centred on input 3 and reads 1..4 with 1/8, 3/8, 3/8, 1/8.
    const t = pilAxisTaps(10, 5, 1, 1, 'bilinear');
    expect([t.first[0], t.count[0]]).toEqual([1, 4]);
    expect(Array.from(t.weight.subarray(0, 4))).toEqual([1, 3, 3, 1].map((k) => k * 2 ** 19));
    // Every output's weights sum to one within the rounding of each (half away from zero).
    const c = pilAxisTaps(309, 256, 0, 256, 'bicubic');
    for (let o = 0; o < 256; o++) {
      let sum = 0;
      for (let j = 0; j < c.count[o]; j++) sum += c.weight[o * c.taps + j];
      expect(Math.abs(sum - 2 ** 22)).toBeLessThanOrEqual(c.count[o]);
    }
  });

  it('keeps an axis of the same size as it is, and maps pixel centres for nearest', () => {
    const same = pilAxisTaps(7, 7, 0, 7, 'bicubic');
    expect(Array.from(same.first)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(Array.from(same.weight)).toEqual(Array(7).fill(2 ** 22));
    // 10 -> 4: centres at 1.25, 3.75, 6.25, 8.75.
    expect(Array.from(pilAxisTaps(10, 4, 0, 4, 'nearest').first)).toEqual([1, 3, 6, 8]);
  });
});

describe('preprocess', () => {
  const rgb = makeImage(1, 12, 14);

  it('returns a normalised NHWC float32 batch of the crop size', () => {
    const x = preprocess({ data: rgb, width: 14, height: 12 }, small);
    expect(x.shape).toEqual([1, 8, 8, 3]);
    expect(x.dtype).toBe('float32');
    x.dispose();
  });

  it('normalises with the mean and std of the configuration', () => {
    const white = new Uint8Array(10 * 10 * 3).fill(255);
    const x = preprocess({ data: white, width: 10, height: 10 }, { ...small, mean: [0.5, 0.25, 0], std: [0.5, 0.25, 2] });
    expect(Array.from(x.dataSync().slice(0, 3))).toEqual([1, 3, 0.5]);
    x.dispose();
  });

  it('reads 0-255 floats and [0, 1] floats as the same image', () => {
    const t = tf.tensor3d(rgb, [12, 14, 3], 'float32');
    const unit = tf.div(t, 255);
    const a = preprocess(t, { ...small, interpolation: 'nearest', antialias: false });
    const b = preprocess(unit, { ...small, interpolation: 'nearest', antialias: false });
    const d = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
    expect(d).toBeLessThan(1e-5);
    tf.dispose([t, unit, a, b]);
  });

  it("resizes 8-bit input as PIL does by default, as torchvision's tensor path on request", () => {
    // Saturated hard edges, upscaled with bicubic: where PIL's clipping between passes shows.
    const edges = Uint8Array.from({ length: 9 * 11 * 3 }, (_, i) => (((i / 3) | 0) % 2 === 0 ? 255 : (i * 37) % 40));
    const img = { data: edges, width: 11, height: 9 };
    const up = { ...small, interpolation: 'bicubic' as const, resizeSize: 20, cropSize: 18 };
    const [byDefault, pil, tensor] = [{}, { resampler: 'pil' as const }, { resampler: 'tensor' as const }].map((o) => {
      const x = preprocess(img, up, o);
      const v = Array.from(x.dataSync());
      x.dispose();
      return v;
    });
    expect(byDefault).toEqual(pil);
    expect(tensor).not.toEqual(pil);
    // Without antialiasing (which PIL cannot do) 8-bit input takes the tensor path.
    const noaa = { ...up, antialias: false };
    const a = preprocess(img, noaa);
    const b = preprocess(img, noaa, { resampler: 'tensor' });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(() => preprocess(img, noaa, { resampler: 'pil' })).toThrow(ZooOptionError);
    expect(() => preprocess(img, noaa, { resampler: 'pil' })).toThrow(/PIL always antialiases bicubic/);
    expect(() => preprocess(img, up, { resampler: 'torch' as never })).toThrow(ZooOptionError);
    // Float input always takes the tensor path.
    const f = tf.tensor3d(
      Float32Array.from(edges, (v) => v / 255),
      [9, 11, 3],
    );
    const c = preprocess(f, up, { resampler: 'pil' });
    const d = preprocess(f, up, { resampler: 'tensor' });
    expect(Array.from(c.dataSync())).toEqual(Array.from(d.dataSync()));
    tf.dispose([a, b, f, c, d]);
  });

  it('reads a canvas through tf.browser.fromPixels, as the other pixel sources', () => {
    const rgba = new Uint8ClampedArray(12 * 14 * 4);
    for (let i = 0; i < 12 * 14; i++) rgba.set([rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2], 255], 4 * i);
    // The part of OffscreenCanvas that fromPixels reads, standing in for the browser's.
    class OffscreenCanvas {
      readonly width = 14;
      readonly height = 12;
      getContext() {
        return { getImageData: () => ({ data: rgba, width: 14, height: 12 }) };
      }
    }
    const g = globalThis as Record<string, unknown>;
    g.OffscreenCanvas = OffscreenCanvas;
    try {
      const a = preprocess(new OffscreenCanvas() as never, small);
      const b = preprocess({ data: rgb, width: 14, height: 12 }, small);
      expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
      tf.dispose([a, b]);
    } finally {
      delete g.OffscreenCanvas;
    }
  });

  it('explains channels-first input and shows the transpose', () => {
    const nchw = tf.zeros([2, 3, 12, 14]);
    expect(() => preprocess(nchw, small)).toThrow(ZooShapeError);
    expect(() => preprocess(nchw, small)).toThrow('tf.transpose(x, [0, 2, 3, 1]) gives [2,12,14,3]');
    const chw = tf.zeros([3, 12, 14]);
    expect(() => preprocess(chw, small)).toThrow('tf.transpose(x, [1, 2, 0]) gives [12,14,3]');
    tf.dispose([nchw, chw]);
  });

  it.each([
    ['a rank-2 tensor', () => tf.zeros([12, 14]), /rank 2.*tf\.tile/],
    ['a rank-5 tensor', () => tf.zeros([1, 1, 12, 14, 3]), /rank 5/],
    ['2 channels', () => tf.zeros([12, 14, 2]), /2 channels/],
    ['5 channels', () => tf.zeros([12, 14, 5]), /5 channels/],
    ['an empty image', () => tf.zeros([0, 14, 3]), /empty/],
  ])('rejects %s with a ZooShapeError', (_what, make, message) => {
    const t = make();
    expect(() => preprocess(t, small)).toThrow(ZooShapeError);
    expect(() => preprocess(t, small)).toThrow(message);
    t.dispose();
  });

  it('rejects pixel arrays whose size does not add up', () => {
    expect(() => preprocess({ data: new Uint8Array(12 * 14), width: 14, height: 12 }, small)).toThrow(/grayscale/);
    expect(() => preprocess({ data: new Uint8Array(100), width: 14, height: 12 }, small)).toThrow(ZooShapeError);
    expect(() => preprocess({ data: rgb, width: 14, height: 12, channels: 4 }, small)).toThrow(ZooShapeError);
    expect(() => preprocess({ data: rgb, width: 0, height: 12 }, small)).toThrow(ZooShapeError);
  });

  it('reports NaN and infinite values with where the first one is', () => {
    const data = new Float32Array(rgb);
    data[(5 * 14 + 6) * 3 + 1] = Number.NaN;
    expect(() => preprocess({ data, width: 14, height: 12 }, small)).toThrow(ZooValueError);
    expect(() => preprocess({ data, width: 14, height: 12 }, small)).toThrow('row 5, column 6, channel 1');
    data[(5 * 14 + 6) * 3 + 1] = Number.POSITIVE_INFINITY;
    expect(() => preprocess({ data, width: 14, height: 12 }, small)).toThrow(/1 infinite/);
  });

  it('rejects values out of range: normalised images, > 255, 0-255 declared as [0, 1]', () => {
    const t = tf.tensor3d(rgb, [12, 14, 3], 'float32');
    const normalised = preprocess(t, small);
    expect(() => preprocess(normalised, small)).toThrow(/already normalised/);
    const big = tf.mul(t, 2);
    expect(() => preprocess(big, small)).toThrow(ZooValueError);
    expect(() => preprocess(t, small, { pixelRange: 1 })).toThrow(/leave out pixelRange/);
    expect(() => preprocess(t, small, { pixelRange: 3 as never })).toThrow(ZooValueError);
    tf.dispose([t, normalised, big]);
  });

  it('rejects what it cannot read, with the accepted types', () => {
    for (const bad of ['cat.jpg', [1, 2, 3], null, 42, { width: 2, height: 2 }]) {
      expect(() => preprocess(bad as never, small)).toThrow(ZooInputTypeError);
    }
    expect(() => preprocess([], small)).toThrow(/empty batch/);
    const b = tf.zeros([2, 12, 14, 3], 'bool');
    expect(() => preprocess(b, small)).toThrow(/bool tensor/);
    b.dispose();
  });

  it('leaves no tensor behind', () => {
    const before = tf.memory().numTensors;
    const t = tf.tensor3d(rgb, [12, 14, 3], 'int32');
    preprocess([t, { data: rgb, width: 14, height: 12 }], small).dispose();
    expect(() => preprocess(tf.zeros([3, 12, 14]), small)).toThrow();
    t.dispose();
    // The zeros made inside the failing call above are the caller's, as with any tensor argument.
    expect(tf.memory().numTensors).toBe(before + 1);
  });
});
