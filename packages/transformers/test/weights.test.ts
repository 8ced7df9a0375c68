import { describe } from '@jest/globals';
import '@tensorflow/tfjs-backend-wasm';
import { itLoadsWeightSetsLikeTheReference, itPreprocessesLikeTheWeightSources, itTakesTheDefaultSetsPreprocessing } from '@zoo/test-support';
import { catalog } from '../src/catalog.js';
import { swin_t, vit_b_32 } from '../src/index.js';

describe('weight sets', () => {
  itTakesTheDefaultSetsPreprocessing(catalog);
  itPreprocessesLikeTheWeightSources(catalog);
  // ViT with the MLP names of torchvision's older files, in the non-zip format.
  itLoadsWeightSetsLikeTheReference([
    [vit_b_32, { weights: 'IMAGENET1K_V1', format: 'legacy', legacyKeys: 'vit' }],
    [swin_t, { weights: 'IMAGENET1K_V1' }],
  ]);
});
