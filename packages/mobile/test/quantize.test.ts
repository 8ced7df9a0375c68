import { beforeAll, describe } from '@jest/globals';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { itRoundTripsQuantizedFiles } from '@zoo/test-support';
import { edgevit_xxs, mobilenet_v3_small } from '../src/index.js';

// float16, uint8 and uint16 weight files of a CNN with depthwise convolutions and of a hybrid
// with attention, each within the error apps/docs/scripts/measure-quantization.mjs measured (wasm).
describe('quantized weight files', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });
  itRoundTripsQuantizedFiles([mobilenet_v3_small, edgevit_xxs]);
});
