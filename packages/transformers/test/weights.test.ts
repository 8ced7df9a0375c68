import { describe } from '@jest/globals';
import '@tensorflow/tfjs-backend-wasm';
import {
  itLoadsWeightSetsLikeTheReference,
  itPreprocessesLikeTheWeightSources,
  itTakesTheDefaultSetsPreprocessing,
} from '@zoo/test-support';
import { catalog } from '../src/catalog.js';
import { swin_t, vit_b_16, vit_b_32 } from '../src/index.js';

describe('weight sets', () => {
  itTakesTheDefaultSetsPreprocessing(catalog);
  itPreprocessesLikeTheWeightSources(catalog);
  // ViT with the MLP names of torchvision's older files, in the non-zip format; SWAG's end-to-end
  // weights, whose position embedding is stored for 384 (torchvision's image_size, the zoo's
  // imageSize, set by the weight set).
  itLoadsWeightSetsLikeTheReference([
    [vit_b_32, { weights: 'IMAGENET1K_V1', format: 'legacy', legacyKeys: 'vit' }],
    [vit_b_16, { weights: 'IMAGENET1K_SWAG_E2E_V1', batch: 1 }],
    [swin_t, { weights: 'IMAGENET1K_V1' }],
  ]);
});
