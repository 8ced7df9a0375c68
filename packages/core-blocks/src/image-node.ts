import { readFile } from 'node:fs/promises';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe } from './base/errors.js';
import { ZooInputTypeError } from './inference/errors.js';
import type { PixelArray } from './inference/preprocess.js';

/** The largest image decoded (pixels), so that a hostile header cannot claim gigabytes. */
const MAX_PIXELS = 100_000_000;

/**
 * Decodes a JPEG or PNG file (a path, or its bytes) into RGB(A) pixels that `preprocess`,
 * `classify` and `embed` take: the Node counterpart of a browser's `<img>`. Decoding is done by
 * jpeg-js and pngjs (pure JavaScript, no native build). Other formats throw a typed error.
 */
export async function readImage(image: string | Uint8Array | ArrayBuffer): Promise<PixelArray> {
  const what = typeof image === 'string' ? image : 'the image bytes';
  const bytes =
    typeof image === 'string' ? new Uint8Array(await readFile(image)) : image instanceof Uint8Array ? image : new Uint8Array(image);
  return decodeImage(bytes, what);
}

/** `readImage` for bytes in memory, synchronously. */
export function decodeImage(bytes: Uint8Array, what = 'the image bytes'): PixelArray {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    try {
      const img = jpeg.decode(buffer, {
        useTArray: true,
        formatAsRGBA: false,
        maxResolutionInMP: MAX_PIXELS / 1e6,
        maxMemoryUsageInMB: 2048,
      });
      return { data: img.data, width: img.width, height: img.height, channels: 3 };
    } catch (err) {
      throw new ZooInputTypeError(`Could not decode ${what} as JPEG: ${(err as Error).message}.`);
    }
  }
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    let png: PNG;
    try {
      png = PNG.sync.read(buffer);
    } catch (err) {
      throw new ZooInputTypeError(`Could not decode ${what} as PNG: ${(err as Error).message}.`);
    }
    if (png.width * png.height > MAX_PIXELS)
      throw new ZooInputTypeError(`${what} has ${png.width}x${png.height} pixels, over the ${MAX_PIXELS} decoded.`);
    // pngjs expands every colour type (grey, palette, 16-bit) to 8-bit RGBA; alpha is ignored.
    return {
      data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength),
      width: png.width,
      height: png.height,
      channels: 4,
    };
  }
  throw new ZooInputTypeError(
    `${what} is neither JPEG nor PNG (it starts with ${describe(Array.from(bytes.subarray(0, 4)))}); convert it, or decode it yourself and pass the pixels.`,
  );
}
