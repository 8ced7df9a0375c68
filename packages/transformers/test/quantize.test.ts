import { beforeAll, describe } from '@jest/globals';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { itRoundTripsQuantizedFiles } from '@zoo/test-support';
import { swin_t } from '../src/index.js';

// float16, uint8 and uint16 weight files of a windowed-attention transformer, within the error
// apps/docs/scripts/measure-quantization.mjs measured (wasm).
describe('quantized weight files', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });
  itRoundTripsQuantizedFiles([swin_t]);
});
