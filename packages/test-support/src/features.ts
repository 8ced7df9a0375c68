import { describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { featureInfoOf, type ModelEntry, withZeroInit } from '@zoo/core-blocks/family';
import { fillWeights, type TimmFeatureInfo, timmFeatureInfo } from '@zoo/parity';

/**
 * Map side the reference gives for an input side at a reduction: at most one above input /
 * reduction (padding and ceil modes), and at least four fifths of it less one, since unpadded
 * convolutions lose pixels (SqueezeNet 1.0's 7x7 stem: 5 at 97 px, a 5x5 map at reduction 16;
 * Inception's valid 3x3s). A wrong reduction is off by half or more.
 */
function closeSide(side: number, input: number, reduction: number): boolean {
  return side <= input / reduction + 1 && side >= (0.8 * input) / reduction - 1;
}

/**
 * `featuresOnly` checks that need no reference run, for every entry: the maps' shapes follow
 * `featureInfo` (channels exactly, sides near input / reduction at the default size and
 * at `options.size`, default the entry's own; choose a small odd side for big models), `outIndices` picks and orders them, the model holds only the layers up to its
 * deepest stage, and each map equals the output of the same layer in the full classification
 * model with the same weights (batch 2).
 */
export function itHasFeatureMaps(entries: readonly ModelEntry[], options: { size?: (e: ModelEntry) => number } = {}): void {
  describe('featuresOnly', () => {
    it.each(entries.map((e) => [e.name, e] as const))(
      '%s: maps at its stages, equal to the full model’s layers',
      (_name, entry) => {
        const info = entry.featureInfo;
        expect(info.length).toBeGreaterThan(0);
        expect(info.map((f) => f.index)).toEqual(info.map((_, i) => i));
        for (const f of info) {
          expect(Number.isInteger(f.channels) && f.channels > 0).toBe(true);
          expect(Number.isInteger(f.reduction) && f.reduction > 0).toBe(true);
        }
        // Reductions never shrink from one stage to the next.
        for (let i = 1; i < info.length; i++) expect(info[i].reduction).toBeGreaterThanOrEqual(info[i - 1].reduction);

        const size = options.size?.(entry) ?? entry.defaultInputSize;
        const all = info.map((f) => f.index);
        const full = withZeroInit(() => entry.create({ inputShape: [size, size, 3] }));
        const feats = withZeroInit(() => entry.create({ featuresOnly: true, outIndices: all, inputShape: [size, size, 3] }));
        try {
          fillWeights(full, 7);
          // Same names, same weights: the features model's layers are the full model's.
          const byName = new Map(full.layers.map((l) => [l.name, l]));
          for (const l of feats.layers) {
            const src = byName.get(l.name);
            if (!src) {
              expect(l.weights).toHaveLength(0); // layers of its own (token maps) hold no weights
              continue;
            }
            l.setWeights(src.getWeights());
          }
          expect(featureInfoOf(feats)).toEqual(info);
          const probe = tfl.model({ inputs: full.inputs, outputs: info.map((f) => full.getLayer(f.layer).output as tfl.SymbolicTensor) });
          const x = tf.randomNormal([2, size, size, 3], 0, 1, 'float32', 3);
          const want = probe.predict(x) as tf.Tensor[];
          const got = feats.predict(x) as tf.Tensor | tf.Tensor[];
          const maps = Array.isArray(got) ? got : [got];
          expect(maps).toHaveLength(info.length);
          maps.forEach((m, i) => {
            expect(m.rank).toBe(4);
            expect(m.shape[3]).toBe(info[i].channels);
            expect(closeSide(m.shape[1]!, size, info[i].reduction)).toBe(true);
            expect(closeSide(m.shape[2]!, size, info[i].reduction)).toBe(true);
            const w = want[i].rank === 4 ? want[i] : null;
            // A stage that is not a map in the full model (a ViT block's tokens) is compared as tokens.
            const a = w ?? want[i];
            const b = w ? m : tf.reshape(m, [m.shape[0]!, -1, m.shape[3]!]);
            const diff = tf.tidy(() => {
              const ref = w ? a : tf.slice(a, [0, a.shape[1]! - b.shape[1]!, 0], [-1, -1, -1]);
              return tf.max(tf.abs(tf.sub(ref, b))).dataSync()[0];
            });
            expect(diff).toBe(0);
          });
          tf.dispose([x, ...want, ...maps]);

          // outIndices picks and orders; the model stops at the deepest stage chosen.
          if (info.length > 1) {
            const two = withZeroInit(() => entry.create({ featuresOnly: true, outIndices: [-1, 0], inputShape: [size, size, 3] }));
            const first = withZeroInit(() => entry.create({ featuresOnly: true, outIndices: [0], inputShape: [size, size, 3] }));
            try {
              expect(featureInfoOf(two)!.map((f) => f.index)).toEqual([info.length - 1, 0]);
              expect(two.outputs.map((o) => o.shape.at(-1))).toEqual([info.at(-1)!.channels, info[0].channels]);
              expect(first.countParams()).toBeLessThan(feats.countParams());
            } finally {
              two.dispose();
              first.dispose();
            }
          }
        } finally {
          full.dispose();
          feats.dispose();
        }
      },
      600_000,
    );
  });
}

/**
 * The entries' `featureInfo` against timm's `feature_info` for the same architecture (timm
 * 1.0.29, read live): the same number of stages, channels and reductions, stage for stage, and
 * the same default `outIndices`. `timmName` maps a zoo name to timm's.
 */
export function itMatchesTimmFeatureInfo(entries: readonly ModelEntry[], timmName: (e: ModelEntry) => string): void {
  let timm: Record<string, TimmFeatureInfo>;
  describe("featureInfo equals timm's feature_info", () => {
    it.each(entries.map((e) => [e.name, timmName(e), e] as const))(
      '%s as timm %s',
      async (_name, tname, entry) => {
        timm ??= await timmFeatureInfo([...new Set(entries.map(timmName))]);
        const t = timm[tname];
        expect(entry.featureInfo.map((f) => [f.channels, f.reduction])).toEqual(t.stages.map((s) => [s.num_chs, s.reduction]));
        expect(entry.defaultOutIndices).toEqual(t.out_indices);
      },
      600_000,
    );
  });
}
