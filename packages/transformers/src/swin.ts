import * as tfl from '@tensorflow/tfjs-layers';
import {
  apply,
  type CheckpointConvention,
  type CreateOptions,
  defineFamily,
  defineModel,
  dropPathRateOption,
  type ExtraOption,
  type FeatureStage,
  layerNorm,
  linearClassifier,
  linearDropPathRates,
  type ModelEntry,
  mlp,
  patchEmbed,
  patchMerging,
  type ResolvedOptions,
  StochasticDepth,
  shiftedWindowAttention,
  ZooShapeError,
} from '@zoo/core-blocks/family';
import { PACKAGE } from './package-name.js';
import { SWIN_PAPER } from './papers.js';

/**
 * Swin Transformer (v1) as torchvision builds it (`torchvision/models/swin_transformer.py`):
 * `features.0` patch embedding (4x4 conv, LayerNorm), then stages `features.1, 3, 5, 7` of
 * blocks with (shifted) window attention, `features.2, 4, 6` patch merging, `norm`, average
 * pooling and `head`. Windows of 7; every second block shifts them by 3.
 */
export interface SwinSpec {
  embedDim: number;
  depths: readonly [number, number, number, number];
  heads: readonly [number, number, number, number];
  /** torchvision's `stochastic_depth_prob`: the last block's rate, rising linearly from 0. */
  dropPathRate: number;
}

export const SWIN_SPECS = {
  swin_t: { embedDim: 96, depths: [2, 2, 6, 2], heads: [3, 6, 12, 24], dropPathRate: 0.2 },
  swin_s: { embedDim: 96, depths: [2, 2, 18, 2], heads: [3, 6, 12, 24], dropPathRate: 0.3 },
  swin_b: { embedDim: 128, depths: [2, 2, 18, 2], heads: [4, 8, 16, 32], dropPathRate: 0.5 },
} as const satisfies Record<string, SwinSpec>;

export type SwinName = keyof typeof SWIN_SPECS;

const PATCH = 4;
const WINDOW = 7;
const EPS = 1e-5;
/** Input sides must be multiples of this: the patch size times the three 2x patch merges. */
export const SWIN_SIZE_STEP = PATCH * 2 ** 3;

/** Swin's creation options: the common ones plus `dropPathRate` (stochastic depth, training only) and `windowOrder`. */
export type SwinOptions = CreateOptions & { dropPathRate?: number; windowOrder?: 'torchvision' | 'timm' };
type SwinResolved = ResolvedOptions & { dropPathRate: number; windowOrder: 'torchvision' | 'timm' };

const WINDOW_ORDER: ExtraOption<'torchvision' | 'timm'> = {
  default: 'torchvision',
  check: (v) => (v === 'torchvision' || v === 'timm' ? null : "'torchvision' or 'timm'"),
  doc:
    "How a shifted block treats a map that is not whole windows: 'torchvision' (default) pads it, then rolls it; " +
    "'timm' rolls it, then pads it, as timm's Swin does (its weight sets select it). The same function wherever " +
    'every stage map is a multiple of 7 (224, 448).',
};

function features(spec: SwinSpec, input: tfl.SymbolicTensor, o: SwinResolved): tfl.SymbolicTensor {
  const [h, w] = o.inputShape;
  if (h % SWIN_SIZE_STEP !== 0 || w % SWIN_SIZE_STEP !== 0) {
    const near = (v: number) =>
      [...new Set([Math.floor(v / SWIN_SIZE_STEP), Math.ceil(v / SWIN_SIZE_STEP)])].filter((k) => k > 0).map((k) => k * SWIN_SIZE_STEP);
    throw new ZooShapeError(
      `Its height and width must be multiples of ${SWIN_SIZE_STEP} (patch 4, then three 2x patch merges; nearest: ` +
        `${near(h).join(' or ')} by ${near(w).join(' or ')}); maps that are not whole windows of ${WINDOW} are padded as torchvision does.`,
    );
  }
  let x = patchEmbed(input, { dim: spec.embedDim, patchSize: PATCH, conv: 'features.0.0', norm: { name: 'features.0.2', eps: EPS } });
  const rates = linearDropPathRates(
    o.dropPathRate,
    spec.depths.reduce((a, b) => a + b, 0),
  );
  let blockId = 0;
  spec.depths.forEach((depth, s) => {
    const dim = spec.embedDim * 2 ** s;
    for (let i = 0; i < depth; i++) {
      const n = `features.${2 * s + 1}.${i}`;
      // One module for both branches, as torchvision's block has; an identity at inference.
      const rate = rates[blockId++];
      const drop = rate > 0 ? new StochasticDepth({ rate, name: `${n}.stochastic_depth` }) : null;
      const branch = (y: tfl.SymbolicTensor) => (drop ? apply(drop, y) : y);
      let y = apply(layerNorm(`${n}.norm1`, EPS), x);
      y = shiftedWindowAttention(y, {
        numHeads: spec.heads[s],
        windowSize: WINDOW,
        shiftSize: i % 2 ? Math.floor(WINDOW / 2) : 0,
        name: `${n}.attn`,
        order: o.windowOrder,
      });
      x = apply(tfl.layers.add({ name: `${n}.add_1` }), [x, branch(y)]);
      y = apply(layerNorm(`${n}.norm2`, EPS), x);
      y = mlp(y, { hidden: 4 * dim, out: dim, names: { fc1: `${n}.mlp.0`, act: `${n}.mlp.1`, fc2: `${n}.mlp.3` } });
      x = apply(tfl.layers.add({ name: `${n}.add_2` }), [x, branch(y)]);
    }
    if (s < spec.depths.length - 1) x = patchMerging(x, { name: `features.${2 * s + 2}`, eps: EPS });
  });
  return apply(layerNorm('norm', EPS), x);
}

/**
 * The feature maps: the four stages' outputs (torchvision's `features.1, 3, 5, 7`, timm's
 * `layers.0-3`), each its last block's residual add, NHWC at strides 4, 8, 16 and 32. The last
 * one is before `norm`, as both references give it.
 */
function featureStages(spec: SwinSpec): FeatureStage[] {
  return spec.depths.map((depth, s) => ({
    layer: `features.${2 * s + 1}.${depth - 1}.add_2`,
    module: `features.${2 * s + 1}`,
    channels: spec.embedDim * 2 ** s,
    reduction: PATCH * 2 ** s,
  }));
}

function classifier(x: tfl.SymbolicTensor, o: ResolvedOptions): tfl.SymbolicTensor {
  return linearClassifier(x, o, { pool: 'avgpool', fc: 'head' });
}

/** One variant per row of `SWIN_SPECS`; models.generated.ts exports each variant. */
export const SWIN = /* @__PURE__ */ defineFamily(SWIN_SPECS, (name, spec, weights): ModelEntry<SwinOptions> => {
  return defineModel<SwinOptions, SwinResolved>({
    name,
    weights,
    family: 'Swin Transformer',
    package: PACKAGE,
    paper: SWIN_PAPER,
    extraOptions: {
      dropPathRate: dropPathRateOption(spec.dropPathRate, "torchvision's stochastic_depth_prob"),
      windowOrder: WINDOW_ORDER,
    },
    conventions: [TIMM_SWIN_KEYS],
    architecture: { features: (input, o) => features(spec, input, o), classifier, stages: () => featureStages(spec) },
  });
});

/**
 * timm's `SwinTransformer` (`timm/models/swin_transformer.py`, 1.0) is torchvision's network
 * under other module names: stage `layers.i` holds its blocks (`features.2i+1`) and, from the
 * second stage on, the patch merging before them (`features.2i`, the same concatenation order);
 * `patch_embed.proj/norm`, `mlp.fc1/fc2`, and `head.fc`. Its relative position index and
 * attention masks are buffers the zoo computes.
 */
export const TIMM_SWIN_KEYS: CheckpointConvention = {
  name: 'timm',
  detect: [/^layers\.\d+\.blocks\.\d+\.attn\.qkv\./],
  rules: [
    { from: /\.(relative_position_index|attn_mask)$/, to: null },
    { from: /^patch_embed\.proj\./, to: 'features.0.0.' },
    { from: /^patch_embed\.norm\./, to: 'features.0.2.' },
    { from: /^layers\.(\d+)\.downsample\./, to: 'features.{1*2}.' },
    { from: /^layers\.(\d+)\.blocks\.(\d+)\./, to: 'features.{1*2+1}.$2.' },
    { from: /\.mlp\.fc1\./, to: '.mlp.0.' },
    { from: /\.mlp\.fc2\./, to: '.mlp.3.' },
    { from: /^head\.fc\./, to: 'head.' },
  ],
};
