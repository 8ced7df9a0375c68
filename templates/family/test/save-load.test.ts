import { describe } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { itSavesAndLoadsEveryModel } from '@zoo/test-support';
import { catalog } from '../src/catalog.js';

describe('every model saves and loads back', () => {
  itSavesAndLoadsEveryModel(catalog);
});
