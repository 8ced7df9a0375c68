import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** Where Debian's `dataset-fashion-mnist` puts the idx files (`ZOO_FASHION_MNIST` overrides it). */
export const FASHION_MNIST_DIR = process.env.ZOO_FASHION_MNIST ?? '/usr/share/datasets/fashion-mnist';

/** The ten classes, in label order (Zalando's README). */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

export interface Idx {
  /** Sizes of the dimensions, outermost first (images: [count, rows, cols]). */
  shape: number[];
  data: Uint8Array;
}

/**
 * An idx file of unsigned bytes (LeCun's MNIST format, which Fashion-MNIST keeps), gzipped or
 * not: magic 0x00 0x00 0x08 rank, then `rank` big-endian 32-bit sizes, then the bytes.
 */
export function parseIdx(bytes: Uint8Array): Idx {
  const raw = bytes[0] === 0x1f && bytes[1] === 0x8b ? new Uint8Array(gunzipSync(bytes)) : bytes;
  if (raw.length < 4 || raw[0] !== 0 || raw[1] !== 0) throw new Error('Not an idx file: it must start with two zero bytes.');
  if (raw[2] !== 0x08) throw new Error(`Only unsigned-byte idx files (type 0x08) are read; this one has type 0x${raw[2].toString(16)}.`);
  const rank = raw[3];
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const start = 4 + 4 * rank;
  const size = shape.reduce((a, b) => a * b, 1);
  if (raw.length !== start + size) {
    throw new Error(`idx file of shape [${shape}] should hold ${start + size} bytes; it holds ${raw.length}.`);
  }
  return { shape, data: raw.subarray(start) };
}

export interface FashionMnist {
  /** count x 28 x 28 gray levels, row-major. */
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

/** One split (`train`: 60,000 images, `t10k`: 10,000) of Fashion-MNIST from `dir`. */
export function readFashionMnist(split: 'train' | 't10k', dir = FASHION_MNIST_DIR): FashionMnist {
  const read = (what: string) => {
    const path = join(dir, `${split}-${what}.gz`);
    try {
      return parseIdx(readFileSync(path));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new Error(
          `${path} is missing: install Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist; scripts/test-system.mjs does it) or set ZOO_FASHION_MNIST.`,
        );
      }
      throw err;
    }
  };
  const images = read('images-idx3-ubyte');
  const labels = read('labels-idx1-ubyte');
  if (images.shape.length !== 3 || labels.shape.length !== 1 || images.shape[0] !== labels.shape[0]) {
    throw new Error(`Fashion-MNIST ${split}: images [${images.shape}] and labels [${labels.shape}] do not match.`);
  }
  return { images: images.data, labels: labels.data, count: labels.shape[0], rows: images.shape[1], cols: images.shape[2] };
}
