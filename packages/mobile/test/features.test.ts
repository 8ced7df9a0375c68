import { beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { featureInfoOf, type ModelEntry, withZeroInit } from '@zoo/core-blocks/family';
import { checkFeatureParity } from '@zoo/parity';
import { itHasFeatureMaps, itMatchesTimmFeatureInfo, referenceLayers } from '@zoo/test-support';
import {
  catalog,
  EDGEVIT_SPECS,
  MOBILENET_V1_SPECS,
  mobilenet_v1_100,
  mobilenet_v2,
  mobilenet_v3_small,
  SHUFFLENET_V1_SPECS,
  shufflenet_v2_x0_5,
  squeezenet1_1,
} from '../src/index.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

const TIMM: Record<string, string> = {
  mobilenet_v1_100: 'mobilenetv1_100',
  mobilenet_v2: 'mobilenetv2_100',
  mobilenet_v3_small: 'mobilenetv3_small_100',
  mobilenet_v3_large: 'mobilenetv3_large_100',
};

// Small odd sides keep each case to seconds: 99 is 3 past a multiple of 32, the most EdgeViT's
// authors take; ShuffleNetV1's head is the authors' 7x7 window, which needs 193 px or more.
const size = (e: ModelEntry) => (e.name in SHUFFLENET_V1_SPECS ? 199 : e.name in EDGEVIT_SPECS ? 99 : 97);

itHasFeatureMaps(catalog, { size });

itMatchesTimmFeatureInfo(
  catalog.filter((e) => e.name in TIMM),
  (e) => TIMM[e.name],
);

/**
 * A module's map in the authors' listing (`arch/<model>.json`, at 224): the output of its last
 * layer, or, where that is tokens (EdgeViT's attention), the input of the layer after it.
 */
function listedMap(model: string, module: string): [channels: number, reduction: number] {
  const layers = referenceLayers(model);
  let last = layers.length - 1;
  while (last >= 0 && layers[last].name !== module && !layers[last].name.startsWith(`${module}.`)) last--;
  expect(last).toBeGreaterThanOrEqual(0);
  const shape = layers[last].out?.length === 4 ? layers[last].out! : layers[last + 1].in!;
  return [shape[1], 224 / shape[3]];
}

describe("featureInfo against the reference's listing", () => {
  // MobileNetV1's narrower variants have no timm name; ShuffleNetV1's and EdgeViT's reference is the authors' code.
  const listed = catalog.filter((e) => e.name in MOBILENET_V1_SPECS || e.name in SHUFFLENET_V1_SPECS || e.name in EDGEVIT_SPECS);
  it.each(listed.map((e) => [e.name, e] as const))('%s: channels and reductions of its modules at 224', (name, entry) => {
    expect(entry.featureInfo.map((f) => [f.module, ...listedMap(name, f.module)])).toEqual(
      entry.featureInfo.map((f) => [f.module, f.channels, f.reduction]),
    );
  });
});

describe('stages follow the options', () => {
  it('MobileNetV2 at width 0.1: the first block gains a shortcut (32 and 16 channels both round to 8), its stage ends at `add`', () => {
    const m = withZeroInit(() => mobilenet_v2.create({ featuresOnly: true, widthMultiplier: 0.1, inputShape: [33, 33, 3] }));
    expect(featureInfoOf(m)!.map((f) => [f.layer, f.channels])).toEqual([
      ['features.1.add', 8],
      ['features.3.add', 8],
      ['features.6.add', 8],
      ['features.13.add', 16],
      ['features.17.conv.3', 32],
    ]);
    expect(m.outputs.map((o) => o.shape[3])).toEqual([8, 8, 8, 16, 32]);
    m.dispose();
  });
});

// The smallest member of each family whose reference is installed: torchvision's modules through
// create_feature_extractor, timm's MobileNetV1 through features_only. One Python run serves both sizes.
describe('feature maps equal the reference’s, batch 2', () => {
  const cases: [ModelEntry, 'torchvision' | 'timm'][] = [
    [squeezenet1_1, 'torchvision'],
    [mobilenet_v2, 'torchvision'],
    [mobilenet_v3_small, 'torchvision'],
    [shufflenet_v2_x0_5, 'torchvision'],
    [mobilenet_v1_100, 'timm'],
  ];
  it.each(cases.flatMap(([e, builder]) => [224, 199].map((s) => [e.name, s, builder, e] as const)))(
    '%s at %i px (%s)',
    async (_name, s, builder, entry) => {
      const r = await checkFeatureParity(entry, {
        size: s,
        prepareSizes: [224, 199],
        batch: 2,
        builder,
        ...(builder === 'timm' ? { reference: TIMM[entry.name] } : {}),
        tolerance: 1e-4,
      });
      console.log(`${entry.name} at ${s}: ${r.maps.map((m) => m.relative.toExponential(2)).join(', ')}`);
      expect(r.maps).toHaveLength(entry.featureInfo.length);
      expect(r.relative).toBeLessThanOrEqual(1e-4);
    },
    600_000,
  );
});
