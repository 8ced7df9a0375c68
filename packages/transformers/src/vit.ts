import * as tfl from '@tensorflow/tfjs-layers';
import {
  apply,
  type CheckpointConvention,
  ClassToken,
  type CreateOptions,
  defineFamily,
  defineModel,
  type ExtraOption,
  type FeatureStage,
  layerNorm,
  linear,
  type ModelEntry,
  mlp,
  multiHeadSelfAttention,
  PositionEmbedding,
  patchEmbed,
  type ResolvedOptions,
  TakeToken,
  tokenMap,
  ZooShapeError,
} from '@zoo/core-blocks/family';
import { PACKAGE } from './package-name.js';
import { VIT_PAPER } from './papers.js';

/**
 * Vision Transformer as torchvision builds it (`torchvision/models/vision_transformer.py`):
 * patchify convolution `conv_proj`, `class_token`, `encoder.pos_embedding`, pre-norm encoder
 * blocks (LayerNorm eps 1e-6, `nn.MultiheadAttention`, GELU MLP), `encoder.ln`, `heads.head` on
 * the class token. Layer names are torchvision's module paths; the attention's packed
 * `in_proj_weight`/`in_proj_bias` live in the Dense `self_attention.in_proj`, its `out_proj` in
 * `self_attention.out_proj`.
 */
export interface ViTSpec {
  patchSize: number;
  layers: number;
  heads: number;
  hidden: number;
  mlp: number;
}

/** The variants, as torchvision's builders set them (the paper's Table 1). */
export const VIT_SPECS = {
  vit_b_16: { patchSize: 16, layers: 12, heads: 12, hidden: 768, mlp: 3072 },
  vit_b_32: { patchSize: 32, layers: 12, heads: 12, hidden: 768, mlp: 3072 },
  vit_l_16: { patchSize: 16, layers: 24, heads: 16, hidden: 1024, mlp: 4096 },
  vit_l_32: { patchSize: 32, layers: 24, heads: 16, hidden: 1024, mlp: 4096 },
  vit_h_14: { patchSize: 14, layers: 32, heads: 16, hidden: 1280, mlp: 5120 },
} as const satisfies Record<string, ViTSpec>;

export type ViTName = keyof typeof VIT_SPECS;

const EPS = 1e-6;
/** torchvision's `image_size` default: the stored position embedding covers (224 / patch)^2 patches (ViT-H/14: 16^2). */
const REFERENCE_SIZE = 224;

/** ViT's creation options: the common ones plus `imageSize`. */
export type ViTOptions = CreateOptions & { imageSize?: number };
type Resolved = ResolvedOptions & { imageSize: number };

function imageSizeOption(patch: number): ExtraOption<number> {
  return {
    default: REFERENCE_SIZE,
    check: (v) =>
      typeof v === 'number' && Number.isInteger(v) && v >= patch && v % patch === 0
        ? null
        : `a positive multiple of the patch size ${patch}`,
    doc:
      "torchvision's `image_size`: the input side the position embedding is stored for (224; SWAG's end-to-end weights: 384, 512, 518). " +
      'Inputs of another size resample it to their patch grid.',
  };
}

/** Input to the `encoder.ln` tokens `[B, 1 + patches, hidden]` (or their pooling, without the top). */
function features(spec: ViTSpec, input: tfl.SymbolicTensor, o: Resolved): tfl.SymbolicTensor {
  const [h, w] = o.inputShape;
  const p = spec.patchSize;
  if (h % p !== 0 || w % p !== 0) {
    const near = (v: number) => [...new Set([Math.floor(v / p), Math.ceil(v / p)])].filter((k) => k > 0).map((k) => k * p);
    throw new ZooShapeError(
      `Its height and width must be multiples of the patch size ${p} (nearest: ${near(h).join(' or ')} by ${near(w).join(' or ')}); ` +
        'the position embedding is resampled to the patch grid of any such size.',
    );
  }
  const grid: [number, number] = [h / p, w / p];
  let x = vitTokens(input, spec, grid, o.imageSize / p);
  for (let i = 0; i < spec.layers; i++) x = vitEncoderBlock(x, spec, `encoder.layers.encoder_layer_${i}`);
  x = apply(layerNorm('encoder.ln', EPS), x);
  return o.includeTop || o.pooling === null ? x : poolPatchTokens(x, o.pooling, grid[0] * grid[1], spec.hidden);
}

/**
 * Patch embedding (`conv_proj`), class token and position embedding (stored for a `refGrid`
 * square, resampled to `grid`): the input as ViT's token sequence `[B, 1 + patches, hidden]`.
 */
export function vitTokens(
  input: tfl.SymbolicTensor,
  spec: Pick<ViTSpec, 'hidden' | 'patchSize'>,
  grid: readonly [number, number],
  refGrid: number,
): tfl.SymbolicTensor {
  let x = patchEmbed(input, { dim: spec.hidden, patchSize: spec.patchSize, conv: 'conv_proj', init: 'truncNormal02' });
  // NHWC flattens row-major into the token order of torchvision's reshape + permute.
  x = apply(tfl.layers.reshape({ targetShape: [grid[0] * grid[1], spec.hidden], name: 'tokens' }), x);
  x = apply(new ClassToken({ name: 'class_token' }), x);
  return apply(
    new PositionEmbedding({ name: 'encoder.pos_embedding', grid: [refGrid, refGrid], tokenGrid: [grid[0], grid[1]], prefixTokens: 1 }),
    x,
  );
}

/** One pre-norm encoder block (torchvision's `EncoderBlock`), its layers named under `n`. */
export function vitEncoderBlock(x: tfl.SymbolicTensor, spec: Pick<ViTSpec, 'hidden' | 'heads' | 'mlp'>, n: string): tfl.SymbolicTensor {
  let y = apply(layerNorm(`${n}.ln_1`, EPS), x);
  y = multiHeadSelfAttention(y, {
    numHeads: spec.heads,
    torchMultiheadAttention: true,
    names: { qkv: `${n}.self_attention.in_proj`, attention: `${n}.self_attention`, proj: `${n}.self_attention.out_proj` },
  });
  x = apply(tfl.layers.add({ name: `${n}.add_1` }), [x, y]);
  y = apply(layerNorm(`${n}.ln_2`, EPS), x);
  y = mlp(y, { hidden: spec.mlp, out: spec.hidden, names: { fc1: `${n}.mlp.0`, act: `${n}.mlp.1`, fc2: `${n}.mlp.3` } });
  return apply(tfl.layers.add({ name: `${n}.add_2` }), [x, y]);
}

/** timm's `global_pool='avg'` (or max): over the patch tokens, leaving the class token out. */
function poolPatchTokens(x: tfl.SymbolicTensor, pooling: 'avg' | 'max', patches: number, hidden: number): tfl.SymbolicTensor {
  let y = apply(tfl.layers.reshape({ targetShape: [patches + 1, 1, hidden], name: 'pool_tokens' }), x);
  y = apply(
    tfl.layers.cropping2D({
      cropping: [
        [1, 0],
        [0, 0],
      ],
      name: 'patch_tokens',
    }),
    y,
  );
  const pool =
    pooling === 'avg' ? tfl.layers.globalAveragePooling2d({ name: 'global_pool' }) : tfl.layers.globalMaxPooling2d({ name: 'global_pool' });
  return apply(pool, y);
}

/**
 * The feature maps: every encoder block's output (torchvision's `encoder.layers.encoder_layer_i`,
 * timm's `blocks.i`), before the final `encoder.ln` as timm's `features_only` gives them (its
 * `forward_intermediates` with `norm=False`), the class token dropped and the patch tokens laid
 * out on the input's patch grid: `hidden` channels at a reduction of the patch size. timm's
 * default `out_indices` are the last three blocks.
 */
function featureStages(spec: ViTSpec, o: Resolved): FeatureStage[] {
  const [h, w] = o.inputShape;
  const grid: [number, number] = [h / spec.patchSize, w / spec.patchSize];
  return Array.from({ length: spec.layers }, (_, i) => ({
    layer: `encoder.layers.encoder_layer_${i}.add_2`,
    module: `encoder.layers.encoder_layer_${i}`,
    channels: spec.hidden,
    reduction: spec.patchSize,
    toMap: (tokens: tfl.SymbolicTensor, name: string) => tokenMap(tokens, grid, 1, name),
  }));
}

/** `x[:, 0]`, then the `heads.head` Linear (torchvision's `representation_size=None`). */
function classifier(x: tfl.SymbolicTensor, o: ResolvedOptions): tfl.SymbolicTensor {
  let y = apply(new TakeToken({ name: 'class_token_output', index: 0 }), x);
  if (o.dropRate > 0) y = apply(tfl.layers.dropout({ rate: o.dropRate, name: 'heads.dropout' }), y);
  return apply(linear(o.numClasses, 'heads.head'), y);
}

/** One variant per row of `VIT_SPECS`; models.generated.ts exports each variant. */
export const VIT = /* @__PURE__ */ defineFamily(VIT_SPECS, (name, spec, weights): ModelEntry<ViTOptions> => {
  return defineModel<ViTOptions, Resolved>({
    name,
    weights,
    family: 'ViT',
    package: PACKAGE,
    paper: VIT_PAPER,
    extraOptions: { imageSize: imageSizeOption(spec.patchSize) },
    conventions: [TIMM_VIT_KEYS, LEGACY_VIT_KEYS],
    defaultOutIndices: [-3, -2, -1],
    architecture: { features: (input, o) => features(spec, input, o), classifier, stages: (o) => featureStages(spec, o) },
  });
});

/**
 * torchvision's ViT files saved before its MLP block became `torchvision.ops.MLP` name the two
 * linear layers `mlp.linear_1` and `mlp.linear_2` (now `mlp.0`, `mlp.3`): renamed as its
 * `MLPBlock._load_from_state_dict` renames them.
 */
export const LEGACY_VIT_KEYS: CheckpointConvention = {
  name: 'torchvision (legacy names)',
  detect: [/^encoder\.layers\.[^.]+\.mlp\.linear_[12]\./],
  rules: [{ from: /^(encoder\.layers\.[^.]+\.mlp)\.linear_([12])\./, to: '$1.{2*3-3}.' }],
};

/**
 * timm's `VisionTransformer` (`timm/models/vision_transformer.py`) is torchvision's network
 * under other module names: `blocks.i` for `encoder.layers.encoder_layer_i`, `attn.qkv` for the
 * attention's packed input projection (the same [3 * hidden, hidden] layout), `mlp.fc1/fc2`,
 * `cls_token`, `pos_embed`, `patch_embed.proj`, `norm` and `head`.
 */
export const TIMM_VIT_KEYS: CheckpointConvention = {
  name: 'timm',
  detect: [/^cls_token$/, /^blocks\.\d+\.attn\.qkv\./],
  rules: [
    { from: /^cls_token$/, to: 'class_token' },
    { from: /^pos_embed$/, to: 'encoder.pos_embedding' },
    { from: /^patch_embed\.proj\./, to: 'conv_proj.' },
    { from: /^blocks\.(\d+)\./, to: 'encoder.layers.encoder_layer_$1.' },
    { from: /\.norm1\./, to: '.ln_1.' },
    { from: /\.norm2\./, to: '.ln_2.' },
    { from: /\.attn\.qkv\.(weight|bias)$/, to: '.self_attention.in_proj_$1' },
    { from: /\.attn\.proj\./, to: '.self_attention.out_proj.' },
    { from: /\.mlp\.fc1\./, to: '.mlp.0.' },
    { from: /\.mlp\.fc2\./, to: '.mlp.3.' },
    { from: /^norm\./, to: 'encoder.ln.' },
    { from: /^head\./, to: 'heads.head.' },
  ],
};
