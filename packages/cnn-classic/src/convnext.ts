import * as tfl from '@tensorflow/tfjs-layers';
import {
  activation,
  apply,
  type CheckpointConvention,
  Conv2d,
  type CreateOptions,
  defineFamily,
  defineModel,
  dropPathRateOption,
  type FeatureStage,
  LayerScale,
  layerNorm,
  linear,
  linearDropPathRates,
  type ModelEntry,
  type ResolvedOptions,
  StochasticDepth,
} from '@zoo/core-blocks/family';
import { PACKAGE } from './package-name.js';

/**
 * ConvNeXt as torchvision builds it (`torchvision/models/convnext.py`): a 4x4 patchify stem,
 * four stages of CNBlocks (7x7 depthwise conv, LayerNorm, 4x MLP with GELU, layer scale,
 * stochastic depth, residual), and LayerNorm + 2x2 stride-2 conv between stages. In NHWC every
 * LayerNorm is channels-last; epsilon 1e-6 throughout.
 */
export interface ConvNeXtSpec {
  dims: readonly [number, number, number, number];
  depths: readonly [number, number, number, number];
  /** torchvision's default `stochastic_depth_prob` for the variant. */
  dropPathRate: number;
}

export const CONVNEXT_SPECS = {
  convnext_tiny: { dims: [96, 192, 384, 768], depths: [3, 3, 9, 3], dropPathRate: 0.1 },
  convnext_small: { dims: [96, 192, 384, 768], depths: [3, 3, 27, 3], dropPathRate: 0.4 },
  convnext_base: { dims: [128, 256, 512, 1024], depths: [3, 3, 27, 3], dropPathRate: 0.5 },
  convnext_large: { dims: [192, 384, 768, 1536], depths: [3, 3, 27, 3], dropPathRate: 0.5 },
} as const satisfies Record<string, ConvNeXtSpec>;

export type ConvNeXtName = keyof typeof CONVNEXT_SPECS;

const EPS = 1e-6;
const LAYER_SCALE = 1e-6;

export function cnBlock(x: tfl.SymbolicTensor, name: string, dim: number, dropPath: number): tfl.SymbolicTensor {
  let y = apply(
    new Conv2d({ name: `${name}.block.0`, filters: dim, kernelSize: 7, padding: 3, groups: dim, kernelInit: 'truncNormal02' }),
    x,
  );
  y = apply(layerNorm(`${name}.block.2`, EPS), y);
  y = apply(linear(4 * dim, `${name}.block.3`), y);
  y = apply(activation('gelu', `${name}.block.4`), y);
  y = apply(linear(dim, `${name}.block.5`), y);
  y = apply(new LayerScale({ initValue: LAYER_SCALE, name: `${name}.layer_scale`, stateDictKey: 'parameter' }), y);
  if (dropPath > 0) y = apply(new StochasticDepth({ rate: dropPath, name: `${name}.stochastic_depth` }), y);
  return apply(tfl.layers.add({ name: `${name}.add` }), [y, x]);
}

function features(spec: ConvNeXtSpec, input: tfl.SymbolicTensor, dropPathRate: number): tfl.SymbolicTensor {
  let x = apply(new Conv2d({ name: 'features.0.0', filters: spec.dims[0], kernelSize: 4, strides: 4, kernelInit: 'truncNormal02' }), input);
  x = apply(layerNorm('features.0.1', EPS), x);
  const rates = linearDropPathRates(
    dropPathRate,
    spec.depths.reduce((a, b) => a + b, 0),
  );
  let index = 0;
  spec.depths.forEach((depth, stage) => {
    const dim = spec.dims[stage];
    for (let j = 0; j < depth; j++) x = cnBlock(x, `features.${2 * stage + 1}.${j}`, dim, rates[index++]);
    if (stage < spec.depths.length - 1) {
      const down = `features.${2 * stage + 2}`;
      x = apply(layerNorm(`${down}.0`, EPS), x);
      x = apply(
        new Conv2d({ name: `${down}.1`, filters: spec.dims[stage + 1], kernelSize: 2, strides: 2, kernelInit: 'truncNormal02' }),
        x,
      );
    }
  });
  return x;
}

/**
 * The feature maps: each stage's last block, before the next downsampling (torchvision's
 * `features.1`, `.3`, `.5`, `.7`; timm's `stages.0`-`.3`), at strides 4, 8, 16 and 32.
 */
function featureStages(spec: ConvNeXtSpec): FeatureStage[] {
  return spec.depths.map((depth, stage) => ({
    layer: `features.${2 * stage + 1}.${depth - 1}.add`,
    module: `features.${2 * stage + 1}`,
    channels: spec.dims[stage],
    reduction: 4 * 2 ** stage,
  }));
}

function classifier(x: tfl.SymbolicTensor, o: ResolvedOptions): tfl.SymbolicTensor {
  let y = apply(tfl.layers.globalAveragePooling2d({ name: 'avgpool' }), x);
  y = apply(layerNorm('classifier.0', EPS), y);
  if (o.dropRate > 0) y = apply(tfl.layers.dropout({ rate: o.dropRate, name: 'dropout' }), y);
  return apply(linear(o.numClasses, 'classifier.2', { init: 'torchDefault' }), y);
}

/** ConvNeXt's creation options: the common ones plus `dropPathRate`. */
export type ConvNeXtOptions = CreateOptions & { dropPathRate?: number };

/** One variant per row of `CONVNEXT_SPECS`; models.generated.ts exports each variant. */
export const CONVNEXT = /* @__PURE__ */ defineFamily(CONVNEXT_SPECS, (name, spec, weights): ModelEntry<ConvNeXtOptions> => {
  return defineModel<ConvNeXtOptions, ResolvedOptions & { dropPathRate: number }>({
    name,
    weights,
    family: 'ConvNeXt',
    package: PACKAGE,
    paper: {
      title: 'A ConvNet for the 2020s',
      authors: 'Zhuang Liu, Hanzi Mao, Chao-Yuan Wu, Christoph Feichtenhofer, Trevor Darrell, Saining Xie',
      year: 2022,
      url: 'https://arxiv.org/abs/2201.03545',
    },
    extraOptions: { dropPathRate: dropPathRateOption(spec.dropPathRate, "torchvision's stochastic_depth_prob") },
    conventions: [TIMM_CONVNEXT_KEYS],
    architecture: {
      features: (input, o) => features(spec, input, o.dropPathRate),
      classifier,
      stages: () => featureStages(spec),
    },
  });
});

/**
 * timm's `ConvNeXt` (`timm/models/convnext.py`) is torchvision's network under other module
 * names: `stem`, stage `stages.i` with its downsampling first (`features.2i`, LayerNorm then
 * conv) and its blocks (`features.2i+1`), a block's `conv_dw`, `norm`, `mlp.fc1/fc2` and its
 * layer scale `gamma` as `[C]` (torchvision's is `[C, 1, 1]`), and `head.norm`, `head.fc`.
 */
export const TIMM_CONVNEXT_KEYS: CheckpointConvention = {
  name: 'timm',
  detect: [/^stages\.\d+\.blocks\.\d+\.conv_dw\./],
  rules: [
    { from: /^stem\./, to: 'features.0.' },
    { from: /^stages\.(\d+)\.downsample\./, to: 'features.{1*2}.' },
    { from: /^stages\.(\d+)\.blocks\.(\d+)\./, to: 'features.{1*2+1}.$2.' },
    { from: /^(features\.\d+\.\d+)\.gamma$/, to: '$1.layer_scale', reshape: true },
    { from: /^(features\.\d+\.\d+)\.conv_dw\./, to: '$1.block.0.' },
    { from: /^(features\.\d+\.\d+)\.norm\./, to: '$1.block.2.' },
    { from: /^(features\.\d+\.\d+)\.mlp\.fc1\./, to: '$1.block.3.' },
    { from: /^(features\.\d+\.\d+)\.mlp\.fc2\./, to: '$1.block.5.' },
    { from: /^head\.norm\./, to: 'classifier.0.' },
    { from: /^head\.fc\./, to: 'classifier.2.' },
  ],
};
