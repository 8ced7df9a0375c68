import { beforeAll, describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { featureInfoOf, type ModelEntry, withZeroInit } from '@zoo/core-blocks/family';
import { checkFeatureParity, fillWeights } from '@zoo/parity';
import { itHasFeatureMaps, itMatchesTimmFeatureInfo } from '@zoo/test-support';
import { catalog, SWIN_SPECS, swin_t, VIT_SPECS, type ViTOptions, vit_b_32, vit_h_14 } from '../src/index.js';

const TIMM: Record<string, string> = {
  vit_b_16: 'vit_base_patch16_224',
  vit_b_32: 'vit_base_patch32_224',
  vit_l_16: 'vit_large_patch16_224',
  vit_l_32: 'vit_large_patch32_224',
  vit_h_14: 'vit_huge_patch14_224',
  swin_t: 'swin_tiny_patch4_window7_224',
  swin_s: 'swin_small_patch4_window7_224',
  swin_b: 'swin_base_patch4_window7_224',
};

/**
 * Small sides keep each case to seconds: a ViT's 3x3 patch grid (48 px at patch 16, 96 at 32;
 * the position embedding resampled to it), Swin's 64 px (stage maps 16, 8, 4, 2: none whole
 * 7x7 windows).
 */
const size = (e: ModelEntry) => (e.name in VIT_SPECS ? 3 * VIT_SPECS[e.name as keyof typeof VIT_SPECS].patchSize : 64);

/**
 * ViT-H/14 (632 M parameters, 2.5 GB) apart: `itHasFeatureMaps` builds the full model and a
 * features-only one of every block, 5 GB, past the 4 GiB wasm heap (the full model and a small
 * one beside it already broke it), and the cpu backend's matrix products took 9 minutes under
 * jest even at a 1x1 patch grid. Here the full model is built on cpu, where zero-filled weights
 * are mapped lazily; the features-only model stops at block 2 (a tenth of the weights) on wasm,
 * takes random weights and gives them to the full model's layers of the same names; the full
 * model's outputs at blocks 0 and 2 then run on wasm, reading only those weights. The default
 * model (the last three blocks) is only built. The map layout is the other ViTs' code, checked below.
 */
describe('vit_h_14 featuresOnly', () => {
  const px = 42; // a 3x3 patch grid
  const shape: [number, number, number] = [px, px, 3];

  it('its first blocks as maps equal the full model’s block outputs', async () => {
    const info = vit_h_14.featureInfo;
    await tf.setBackend('cpu');
    const full = withZeroInit(() => vit_h_14.create({ inputShape: shape }));
    await tf.setBackend('wasm');
    const feats = withZeroInit(() => vit_h_14.create({ featuresOnly: true, outIndices: [2, 0], inputShape: shape }));
    try {
      fillWeights(feats, 7);
      const names = new Set(full.layers.map((l) => l.name));
      for (const l of feats.layers) {
        if (names.has(l.name)) full.getLayer(l.name).setWeights(l.getWeights());
        else expect(l.weights).toHaveLength(0); // the token maps' reshapes
      }
      expect(featureInfoOf(feats)).toEqual([info[2], info[0]]);
      expect(feats.countParams()).toBeLessThan(full.countParams() / 8);
      // Only the layers up to block 2 run: the probe's outputs need no more.
      const probe = tfl.model({
        inputs: full.inputs,
        outputs: [2, 0].map((i) => full.getLayer(info[i].layer).output as tfl.SymbolicTensor),
      });
      const x = tf.randomNormal([2, px, px, 3], 0, 1, 'float32', 3);
      const want = probe.predict(x) as tf.Tensor[];
      const got = feats.predict(x) as tf.Tensor[];
      expect(got.map((m) => m.shape)).toEqual([
        [2, 3, 3, 1280],
        [2, 3, 3, 1280],
      ]);
      got.forEach((m, k) => {
        const diff = tf.tidy(
          () => tf.max(tf.abs(tf.sub(tf.slice(want[k], [0, 1, 0], [-1, -1, -1]), tf.reshape(m, [2, 9, 1280])))).dataSync()[0],
        );
        expect(diff).toBe(0);
      });
      tf.dispose([x, ...want, ...got]);
    } finally {
      feats.dispose();
      full.dispose();
    }
  }, 600_000);

  it('by default: the last three blocks, as maps on the patch grid (cpu, built only)', async () => {
    await tf.setBackend('cpu');
    const m = withZeroInit(() => vit_h_14.create({ featuresOnly: true, inputShape: shape }));
    try {
      expect(featureInfoOf(m)!.map((f) => f.module)).toEqual([29, 30, 31].map((i) => `encoder.layers.encoder_layer_${i}`));
      expect(m.outputs.map((o) => o.shape)).toEqual([0, 1, 2].map(() => [null, 3, 3, 1280]));
      expect(m.layers.some((l) => l.name === 'encoder.ln')).toBe(false);
    } finally {
      m.dispose();
    }
  });
});

describe('on wasm', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });
  itHasFeatureMaps(
    catalog.filter((e) => e !== vit_h_14),
    { size },
  );
});

itMatchesTimmFeatureInfo(catalog, (e) => TIMM[e.name]);

// The smallest member of each family against torchvision's create_feature_extractor on the same
// weights, batch 2. torchvision's ViT takes only its `image_size` (the position embedding is
// stored for it), so the second size is a model built for it; Swin's two sizes share one Python run.
describe('feature maps equal torchvision’s, batch 2', () => {
  const vitBlocks = Array.from({ length: VIT_SPECS.vit_b_32.layers }, (_, i) => i);
  it.each<[string, number, ViTOptions]>([
    ['vit_b_32', 224, {}],
    // A 5x5 patch grid.
    ['vit_b_32', 160, { imageSize: 160 }],
  ])(
    '%s at %i px: every block’s tokens',
    async (_name, px, createOptions) => {
      const r = await checkFeatureParity(vit_b_32, {
        size: px,
        outIndices: vitBlocks,
        referenceLayout: 'tokens',
        ...(px === 224 ? {} : { referenceKwargs: { image_size: px }, createOptions }),
        tolerance: 1e-4,
      });
      expect(r.maps.map((m) => m.shape)).toEqual(vitBlocks.map(() => [2, px / 32, px / 32, 768]));
      expect(r.relative).toBeLessThanOrEqual(1e-4);
    },
    600_000,
  );

  // 160: stage maps 40, 20, 10, 5, none whole 7x7 windows (padding, the mask; the last map under one window: no shift).
  it.each([224, 160])(
    'swin_t at %i px: the four stages (NHWC)',
    async (px) => {
      const r = await checkFeatureParity(swin_t, { size: px, prepareSizes: [224, 160], referenceLayout: 'NHWC', tolerance: 1e-4 });
      const spec = SWIN_SPECS.swin_t;
      expect(r.maps.map((m) => m.shape)).toEqual(
        spec.depths.map((_, s) => [2, px / (4 * 2 ** s), px / (4 * 2 ** s), spec.embedDim * 2 ** s]),
      );
      expect(r.relative).toBeLessThanOrEqual(1e-4);
    },
    600_000,
  );
});
