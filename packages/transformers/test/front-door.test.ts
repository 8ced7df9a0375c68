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
// ViT at 64 px (a 4x4 grid of 16 px patches, its position embedding resampled), Swin at 64.
itHasAFrontDoor(firsts, { size: () => 64 });
