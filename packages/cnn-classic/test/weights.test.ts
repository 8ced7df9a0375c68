import { describe } from '@jest/globals';
import '@tensorflow/tfjs-backend-wasm';
import {
  itLoadsWeightSetsLikeTheReference,
  itPreprocessesLikeTheWeightSources,
  itTakesTheDefaultSetsPreprocessing,
} from '@zoo/test-support';
import { catalog } from '../src/catalog.js';
import { convnext_tiny, densenet121, efficientnet_b3, hrnet_w18_small, resnet18, resnet50 } from '../src/index.js';

const residualNorms = '^layer\\d+\\.\\d+\\.bn[23]$';

describe('weight sets', () => {
  itTakesTheDefaultSetsPreprocessing(catalog);
  itPreprocessesLikeTheWeightSources(catalog);
  // One set per source and format: torchvision's older non-zip .pth, its zip .pth with DenseNet's
  // legacy key names, a crop of 300 (EfficientNet-B3), timm's safetensors under torchvision's
  // names (ResNet-50) and under timm's (HRNet, whose reference is timm).
  itLoadsWeightSetsLikeTheReference([
    [resnet18, { weights: 'IMAGENET1K_V1', format: 'legacy', residualNorms }],
    [resnet50, { weights: 'timm/resnet50.a1_in1k', residualNorms }],
    [densenet121, { weights: 'IMAGENET1K_V1', legacyKeys: 'densenet' }],
    [efficientnet_b3, { weights: 'IMAGENET1K_V1' }],
    [convnext_tiny, { weights: 'IMAGENET1K_V1' }],
    [hrnet_w18_small, { weights: 'timm/hrnet_w18_small.ms_in1k' }],
  ]);
});
