import { beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import type { ModelEntry } from '@zoo/core-blocks/family';
import { checkFeatureParity } from '@zoo/parity';
import { itHasFeatureMaps, itMatchesTimmFeatureInfo } from '@zoo/test-support';
import { CONVNEXT_SPECS, catalog, convnext_tiny, EFFICIENTNET_SPECS, efficientnet_b0, HRNET_SPECS, hrnet_w18_small } from '../src/index.js';

// featuresOnly for EfficientNet, ConvNeXt and HRNet: every member's maps against its featureInfo
// and the full model, every member's featureInfo against timm's (the same names in timm), and the
// values of the smallest member of each family against the reference's own feature extractor.
const entries = catalog.filter((e) => e.name in EFFICIENTNET_SPECS || e.name in CONVNEXT_SPECS || e.name in HRNET_SPECS);

/**
 * Small inputs, so that each case takes seconds: odd for EfficientNet and ConvNeXt (padding and
 * flooring at every stride), a multiple of 32 for HRNet, whose fusion resamples by exact factors of 2.
 */
const smallSize = (e: ModelEntry) => (e.name in HRNET_SPECS ? 64 : 65);

// wasm: ConvNeXt's channel-last linears transpose their kernels on every call, which the cpu
// backend does ten times slower (convnext_large: 25 s a forward pass at 65 px, against 2 s).
beforeAll(async () => {
  await tf.setBackend('wasm');
});

describe('EfficientNet, ConvNeXt and HRNet feature maps', () => {
  it('covers the three families', () => {
    expect(entries).toHaveLength(8 + 4 + 9);
  });

  itHasFeatureMaps(entries, { size: smallSize });

  itMatchesTimmFeatureInfo(entries, (e) => e.name);
});

describe("feature maps equal the reference's feature extractor, batch 2", () => {
  // torchvision's create_feature_extractor on the stages' module paths (features.1, ...).
  const TORCHVISION = [224, 199];
  it.each([efficientnet_b0, convnext_tiny].flatMap((e) => TORCHVISION.map((size) => [e.name, size, e] as const)))(
    '%s at %i px (torchvision)',
    async (_name, size, entry) => {
      const r = await checkFeatureParity(entry, { size, prepareSizes: TORCHVISION, batch: 2, tolerance: 1e-4 });
      expect(r.maps.map((m) => m.index)).toEqual(entry.featureInfo.map((f) => f.index));
      expect(r.relative).toBeLessThanOrEqual(1e-4);
    },
    900_000,
  );

  // timm's features_only HRNet (feature_location 'incre'). Its fusion needs sides divisible by
  // 32, so the second size is 160 (a 5x5 map at stride 32), not an odd one.
  const TIMM = [224, 160];
  it.each(TIMM.map((size) => [size] as const))(
    'hrnet_w18_small at %i px (timm features_only)',
    async (size) => {
      const r = await checkFeatureParity(hrnet_w18_small, {
        size,
        prepareSizes: TIMM,
        batch: 2,
        builder: 'timm',
        reference: 'hrnet_w18_small',
        tolerance: 1e-4,
      });
      expect(r.maps.map((m) => m.shape)).toEqual(
        hrnet_w18_small.featureInfo.map((f) => [2, size / f.reduction, size / f.reduction, f.channels]),
      );
      expect(r.relative).toBeLessThanOrEqual(1e-4);
    },
    900_000,
  );
});
