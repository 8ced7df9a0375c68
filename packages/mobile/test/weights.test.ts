import { describe } from '@jest/globals';
import '@tensorflow/tfjs-backend-wasm';
import {
  itLoadsWeightSetsLikeTheReference,
  itPreprocessesLikeTheWeightSources,
  itTakesTheDefaultSetsPreprocessing,
} from '@zoo/test-support';
import { catalog } from '../src/catalog.js';
import { mobilenet_v1_100, mobilenet_v3_small, shufflenet_v2_x1_0, squeezenet1_1 } from '../src/index.js';

describe('weight sets', () => {
  itTakesTheDefaultSetsPreprocessing(catalog);
  itPreprocessesLikeTheWeightSources(catalog);
  itLoadsWeightSetsLikeTheReference([
    [mobilenet_v3_small, { weights: 'IMAGENET1K_V1' }],
    [shufflenet_v2_x1_0, { weights: 'IMAGENET1K_V1', format: 'legacy' }],
    [squeezenet1_1, { weights: 'IMAGENET1K_V1' }],
    [mobilenet_v1_100, { weights: 'timm/mobilenetv1_100.ra4_e3600_r224_in1k' }],
  ]);
});
