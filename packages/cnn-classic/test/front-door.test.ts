import { beforeAll } from '@jest/globals';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { itHasAFrontDoor } from '@zoo/test-support';
import { catalog } from '../src/index.js';
import '../src/register.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

// One model of each family (the first of its catalog rows): embed, resetClassifier, getModel.
const firsts = catalog.filter((e, i) => catalog.findIndex((o) => o.family === e.family) === i);
// CBAM's default head pools the authors' fixed 7x7 window (193 px and up); HRNet's fusion takes multiples of 32.
itHasAFrontDoor(firsts, { size: (e) => (e.family === 'CBAM' ? 193 : e.family === 'HRNet' ? 64 : 65) });
