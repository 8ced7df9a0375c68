import type { FamilySuiteOptions } from '@zoo/test-support';
import { catalog, swin_t, vit_b_16, vit_b_32 } from '../src/index.js';
import { PACKAGE } from '../src/package-name.js';

/**
 * The package as the shared family suite (describeFamilyPackage) sees it. Its parts run in three
 * files, one jest worker and one wasm heap each: the save-load round trip of ViT-L (304 M
 * parameters) and the weight sets at 384 px each take GBs of the 4 GiB wasm32 heap at their peak.
 */
export const TRANSFORMERS: FamilySuiteOptions = {
  package: PACKAGE,
  packageDir: new URL('..', import.meta.url),
  catalog,
  // vit_h_14 (632 M parameters) has a file of its own, vit-h.test.ts: its figures, parity and round trip share one wasm heap.
  apart: ['vit_h_14'],
  // ViT at 64 px (a 4x4 grid of 16 px patches, its position embedding resampled), Swin at 64.
  frontDoorSize: () => 64,
  // A windowed-attention transformer.
  quantize: [swin_t],
  weights: {
    // ViT with the MLP names of torchvision's older files, in the non-zip format; SWAG's end-to-end
    // weights, whose position embedding is stored for 384 (torchvision's image_size, the zoo's
    // imageSize, set by the weight set).
    sets: [
      [vit_b_32, { weights: 'IMAGENET1K_V1', format: 'legacy', legacyKeys: 'vit' }],
      [vit_b_16, { weights: 'IMAGENET1K_SWAG_E2E_V1', batch: 1 }],
      [swin_t, { weights: 'IMAGENET1K_V1' }],
    ],
    // At the tag's size, and at an odd size for which timm builds the architecture (`img_size`: its
    // position tables and masks at that size) and the zoo the same (`imageSize`), with the
    // ImageNet-21k/22k heads of the in21k/in22k tags. The other members of each family share these
    // rules; their keys and shapes are checked with them when the sets are generated.
    timm: [
      [vit_b_32, { weights: 'timm/vit_base_patch32_224.augreg_in21k_ft_in1k', convention: 'timm' }],
      [
        vit_b_32,
        {
          weights: 'timm/vit_base_patch32_224.augreg_in21k',
          sizes: [256],
          timmKwargs: { img_size: 256 },
          createOptions: { imageSize: 256 },
          convention: 'timm',
        },
      ],
      [swin_t, { weights: 'timm/swin_tiny_patch4_window7_224.ms_in1k', convention: 'timm' }],
      // At 256 the last stage's 8x8 map is padded to whole windows: timm rolls before padding, and
      // its sets build the zoo's Swin with `windowOrder: 'timm'` to do the same.
      [swin_t, { weights: 'timm/swin_tiny_patch4_window7_224.ms_in22k', sizes: [256], timmKwargs: { img_size: 256 }, convention: 'timm' }],
    ],
  },
};
