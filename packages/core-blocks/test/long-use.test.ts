import { beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { classify, embed } from '../src/family.js';
import { makeImage } from './helpers/images.js';
import { tiny } from './helpers/tiny-model.js';

/**
 * Long use: a thousand calls leave no tensor behind and do not grow the wasm heap, and
 * concurrent calls give what sequential ones do. The model is small so that a thousand calls
 * take seconds; what leaks is the per-call work (preprocessing, prediction, top-k), not the size.
 */

const IMAGES = Array.from({ length: 50 }, (_, i) => ({
  data: makeImage(100 + i, 40 + (i % 7), 50 - (i % 5)),
  width: 50 - (i % 5),
  height: 40 + (i % 7),
}));
const CALLS = 1000;

/**
 * The wasm heap after warm-up (measured: 16 MiB here, the module's initial memory), with room
 * for allocator fragmentation but far below what a leak of one input per call would take
 * (1,000 x 12 KiB = 12 MiB on top).
 */
const WASM_HEAP_BOUND = 20 * 2 ** 20;

function wasmHeapBytes(): number {
  return (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer.byteLength;
}

describe.each(['cpu', 'wasm'])('on %s', (backend) => {
  let model: tfl.LayersModel;
  beforeAll(async () => {
    await tf.setBackend(backend);
    model = tiny.create();
  });

  it(`${CALLS} classify calls leave the tensor count where it started${backend === 'wasm' ? ' and the heap bounded' : ''}`, async () => {
    await tf.setBackend(backend);
    for (let i = 0; i < 10; i++) await classify(model, IMAGES[i]);
    const tensors = tf.memory().numTensors;
    const heap = backend === 'wasm' ? wasmHeapBytes() : 0;
    for (let i = 0; i < CALLS; i++) await classify(model, IMAGES[i % IMAGES.length], { topK: 5 });
    expect(tf.memory().numTensors).toBe(tensors);
    if (backend === 'wasm') {
      console.log(`wasm heap: ${heap} bytes after warm-up, ${wasmHeapBytes()} after ${CALLS} calls`);
      expect(wasmHeapBytes()).toBe(heap);
      expect(wasmHeapBytes()).toBeLessThanOrEqual(WASM_HEAP_BOUND);
    }
  }, 120_000);

  it('50 concurrent calls give what 50 sequential calls give', async () => {
    await tf.setBackend(backend);
    const tensors = tf.memory().numTensors;
    const sequential = [];
    for (const img of IMAGES) sequential.push(await classify(model, img, { topK: 3 }));
    const concurrent = await Promise.all(IMAGES.map((img) => classify(model, img, { topK: 3 })));
    expect(concurrent).toEqual(sequential);
    // The images give different answers, so equal lists mean each call got its own image (the
    // top class of a small random model may be the same for all; its probability is not).
    expect(new Set(sequential.map((s) => s[0].probability)).size).toBeGreaterThan(1);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('embed leaves only the tensor it returns', async () => {
    await tf.setBackend(backend);
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) embed(model, IMAGES[i % IMAGES.length]).dispose();
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
