import { describe } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { itSavesAndLoadsEveryModel } from '@zoo/test-support';
import { catalog } from '../src/catalog.js';

describe('every model saves and loads back', () => {
  // vit_h_14's round trip is in vit-h.test.ts, beside its parity check (one wasm heap for both).
  itSavesAndLoadsEveryModel(catalog.filter((e) => e.name !== 'vit_h_14'));
});
