import type { FamilySuiteOptions } from '@zoo/test-support';
import {
  catalog,
  convnext_tiny,
  densenet121,
  efficientnet_b0,
  efficientnet_b3,
  efficientnet_b5,
  hrnet_w18_small,
  resnet18,
  resnet50,
  vgg11_bn,
} from '../src/index.js';
import { PACKAGE } from '../src/package-name.js';

const residualNorms = '^layer\\d+\\.\\d+\\.bn[23]$';

/**
 * The package as the shared family suite (describeFamilyPackage) sees it. Its parts run in three
 * files, one jest worker and one wasm heap each: the save-load round trip of every classic CNN and
 * the weight sets hold models of up to 144 M parameters, each several GB at its peak.
 */
export const CLASSIC: FamilySuiteOptions = {
  package: PACKAGE,
  packageDir: new URL('..', import.meta.url),
  catalog,
  // CBAM's default head pools the authors' fixed 7x7 window (193 px and up); HRNet's fusion takes multiples of 32.
  frontDoorSize: (e) => (e.family === 'CBAM' ? 193 : e.family === 'HRNet' ? 64 : 65),
  // A residual CNN with BatchNorm.
  quantize: [resnet18],
  weights: {
    // One set per source and format: torchvision's older non-zip .pth, its zip .pth with DenseNet's
    // legacy key names, a crop of 300 (EfficientNet-B3), timm's safetensors under torchvision's
    // names (ResNet-50) and under timm's (HRNet, whose reference is timm).
    sets: [
      [resnet18, { weights: 'IMAGENET1K_V1', format: 'legacy', residualNorms }],
      [resnet50, { weights: 'timm/resnet50.a1_in1k', residualNorms }],
      [densenet121, { weights: 'IMAGENET1K_V1', legacyKeys: 'densenet' }],
      [efficientnet_b3, { weights: 'IMAGENET1K_V1' }],
      [convnext_tiny, { weights: 'IMAGENET1K_V1' }],
      [hrnet_w18_small, { weights: 'timm/hrnet_w18_small.ms_in1k' }],
    ],
    // At the tag's size and at an odd one, against timm's own model. VGG's sets build `head: 'timm'`
    // (timm's convolutional pre-logits, which differ from torchvision's head above 224). The other
    // members of each family share these rules; their keys and shapes are checked with them when
    // the sets are generated.
    timm: [
      [vgg11_bn, { weights: 'timm/vgg11_bn.tv_in1k', sizes: [224, 256], convention: 'timm' }],
      [efficientnet_b0, { weights: 'timm/efficientnet_b0.ra_in1k', sizes: [224, 193], convention: 'timm' }],
      [convnext_tiny, { weights: 'timm/convnext_tiny.fb_in22k', sizes: [224, 193], convention: 'timm' }],
      // B5's timm sets set normEps 1e-5 (torchvision's B5 has 1e-3); at an odd size only, to keep
      // the suite's time: B5 at its 416 costs several times B0.
      [efficientnet_b5, { weights: 'timm/efficientnet_b5.sw_in12k', sizes: [193], convention: 'timm' }],
    ],
  },
};
