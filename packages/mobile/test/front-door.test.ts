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
// ShuffleNetV1's default head pools the authors' fixed 7x7 window (193 px and up); EdgeViT takes 32k to 32k+3.
itHasAFrontDoor(firsts, { size: (e) => (e.family === 'ShuffleNetV1' ? 193 : e.family === 'EdgeViT' ? 64 : 65) });
