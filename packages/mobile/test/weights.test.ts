import { describe } from '@jest/globals';
import '@tensorflow/tfjs-backend-wasm';
import {
  itLoadsWeightSetsLikeTheReference,
  itPreprocessesLikeTheWeightSources,
  itTakesTheDefaultSetsPreprocessing,
} from '@zoo/test-support';
import { catalog } from '../src/catalog.js';
import { mobilenet_v1_100, mobilenet_v2, mobilenet_v3_large, mobilenet_v3_small, shufflenet_v2_x1_0, squeezenet1_1 } from '../src/index.js';

describe('weight sets', () => {
  itTakesTheDefaultSetsPreprocessing(catalog);
  itPreprocessesLikeTheWeightSources(catalog);
  itLoadsWeightSetsLikeTheReference([
    [mobilenet_v3_small, { weights: 'IMAGENET1K_V1' }],
    [shufflenet_v2_x1_0, { weights: 'IMAGENET1K_V1', format: 'legacy' }],
    [squeezenet1_1, { weights: 'IMAGENET1K_V1' }],
    [mobilenet_v1_100, { weights: 'timm/mobilenetv1_100.ra4_e3600_r224_in1k' }],
    // A half-precision safetensors file, as some hub repositories hold: float16 tensors read as the
    // values they stand for (the reference computes with the same rounded values).
    [mobilenet_v3_small, { weights: 'timm/mobilenetv3_small_100.lamb_in1k', dtype: 'float16', convention: 'timm' }],
  ]);
});

// timm's checkpoints of torchvision's architectures, saved under timm's module names: loaded
// through the family's `timm` convention (recognised from the keys), at the tag's size and at an
// odd one, against timm's own model (its BatchNorm eps 1e-5 is the sets' `normEps`).
describe("timm's checkpoints", () => {
  itLoadsWeightSetsLikeTheReference([
    [mobilenet_v2, { weights: 'timm/mobilenetv2_100.ra_in1k', sizes: [224, 193], convention: 'timm' }],
    [mobilenet_v3_small, { weights: 'timm/mobilenetv3_small_100.lamb_in1k', sizes: [224, 193], convention: 'timm' }],
    [mobilenet_v3_large, { weights: 'timm/mobilenetv3_large_100.miil_in21k_ft_in1k', sizes: [224, 193], convention: 'timm' }],
  ]);
});
