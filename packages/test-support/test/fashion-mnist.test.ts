import { gzipSync } from 'node:zlib';
import { describe, expect, it } from '@jest/globals';
import { FASHION_MNIST_CLASSES, parseIdx, readFashionMnist } from '../src/fashion-mnist.js';

describe('idx files (Fashion-MNIST)', () => {
  const idx = (type: number, shape: number[], data: number[]) => {
    const head = Buffer.alloc(4 + 4 * shape.length);
    head.set([0, 0, type, shape.length]);
    shape.forEach((d, i) => {
      head.writeUInt32BE(d, 4 + 4 * i);
    });
    return new Uint8Array(Buffer.concat([head, Buffer.from(data)]));
  };

  it('reads the shape and bytes of a plain or gzipped file, and refuses a wrong type or length', () => {
    const plain = idx(8, [2, 1, 3], [1, 2, 3, 4, 5, 6]);
    for (const bytes of [plain, new Uint8Array(gzipSync(plain))]) {
      const f = parseIdx(bytes);
      expect(f.shape).toEqual([2, 1, 3]);
      expect(Array.from(f.data)).toEqual([1, 2, 3, 4, 5, 6]);
    }
    expect(() => parseIdx(idx(0x0d, [1], [0, 0, 0, 0]))).toThrow(/type 0x08/);
    expect(() => parseIdx(idx(8, [4], [1, 2]))).toThrow(/should hold/);
    expect(() => parseIdx(new Uint8Array([1, 2, 3, 4]))).toThrow(/Not an idx/);
  });

  it("reads Debian's dataset-fashion-mnist: 60,000 and 10,000 28x28 images with labels 0-9", () => {
    const train = readFashionMnist('train');
    const test = readFashionMnist('t10k');
    expect([train.count, train.rows, train.cols, test.count]).toEqual([60000, 28, 28, 10000]);
    expect(train.images.length).toBe(60000 * 784);
    const counts = new Array(FASHION_MNIST_CLASSES.length).fill(0);
    for (const l of test.labels) counts[l]++;
    // Zalando's test split has exactly 1000 images of each class.
    expect(counts).toEqual(new Array(10).fill(1000));
  });
});
