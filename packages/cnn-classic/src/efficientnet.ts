import * as tfl from '@tensorflow/tfjs-layers';
import {
  apply,
  type CheckpointConvention,
  type CreateOptions,
  convNormAct,
  defineFamily,
  defineModel,
  dropPathRateOption,
  type FeatureStage,
  invertedResidual,
  linear,
  type ModelEntry,
  makeDivisible,
  type NormArgs,
  normEpsOption,
  type ResolvedOptions,
  timmInvertedResidualRules,
} from '@zoo/core-blocks/family';
import { PACKAGE } from './package-name.js';

/**
 * EfficientNet-B0..B7 as torchvision builds them (`torchvision/models/efficientnet.py`): the B0
 * stages below, scaled by a width and a depth coefficient. Channels round with
 * `makeDivisible(c * width, 8)`, block counts with `ceil(n * depth)`. Each MBConv has SE with
 * `max(1, in / 4)` squeeze channels and SiLU; stochastic depth grows linearly with block index.
 */

/** B0's stages (the paper's Table 1): expansion, kernel, stride, in, out, blocks. */
const B0_STAGES = [
  [1, 3, 1, 32, 16, 1],
  [6, 3, 2, 16, 24, 2],
  [6, 5, 2, 24, 40, 2],
  [6, 3, 2, 40, 80, 3],
  [6, 5, 1, 80, 112, 3],
  [6, 5, 2, 112, 192, 4],
  [6, 3, 1, 192, 320, 1],
] as const;

export interface EfficientNetSpec {
  width: number;
  depth: number;
  /** Dropout before the classifier (torchvision's `dropout`). */
  dropout: number;
  inputSize: number;
  /** B5-B7 were trained with TF's BatchNorm: eps 1e-3, momentum 0.01. */
  norm?: NormArgs;
}

const TF_NORM: NormArgs = { eps: 1e-3, momentum: 0.01 };

export const EFFICIENTNET_SPECS = {
  efficientnet_b0: { width: 1.0, depth: 1.0, dropout: 0.2, inputSize: 224 },
  efficientnet_b1: { width: 1.0, depth: 1.1, dropout: 0.2, inputSize: 240 },
  efficientnet_b2: { width: 1.1, depth: 1.2, dropout: 0.3, inputSize: 260 },
  efficientnet_b3: { width: 1.2, depth: 1.4, dropout: 0.3, inputSize: 300 },
  efficientnet_b4: { width: 1.4, depth: 1.8, dropout: 0.4, inputSize: 380 },
  efficientnet_b5: { width: 1.6, depth: 2.2, dropout: 0.4, inputSize: 456, norm: TF_NORM },
  efficientnet_b6: { width: 1.8, depth: 2.6, dropout: 0.5, inputSize: 528, norm: TF_NORM },
  efficientnet_b7: { width: 2.0, depth: 3.1, dropout: 0.5, inputSize: 600, norm: TF_NORM },
} as const satisfies Record<string, EfficientNetSpec>;

export type EfficientNetName = keyof typeof EFFICIENTNET_SPECS;

/** torchvision's default `stochastic_depth_prob` for every B variant. */
const DROP_PATH_RATE = 0.2;

/** The scaled stages: channels and block counts after compound scaling. */
export function efficientNetStages(spec: EfficientNetSpec) {
  const ch = (c: number) => makeDivisible(c * spec.width, 8);
  return B0_STAGES.map(([expand, kernel, stride, inC, outC, n]) => ({
    expand,
    kernel,
    stride,
    inChannels: ch(inC),
    outChannels: ch(outC),
    blocks: Math.ceil(n * spec.depth),
  }));
}

/**
 * The feature maps: the output of each MBConv stage after which the resolution halves, and of
 * the last (torchvision's `features.1`, `.2`, `.3`, `.5`, `.7`, timm's `blocks.0`, `.1`, `.2`, `.4`,
 * `.6`: strides 2 to 32). The 1x1 head conv (`features.8`) is not one, as in timm's `feature_info`.
 * A stage's last block ends in its residual `add`, or in its projection's norm when it has none.
 */
function featureStages(spec: EfficientNetSpec): FeatureStage[] {
  const stages = efficientNetStages(spec);
  let reduction = 2; // the stem
  return stages.flatMap((s, i) => {
    reduction *= s.stride;
    if (i < stages.length - 1 && stages[i + 1].stride === 1) return [];
    const name = `features.${i + 1}.${s.blocks - 1}`;
    // The last block's input: the previous block's output, or the stage's input when it is the only one.
    const [inChannels, stride] = s.blocks > 1 ? [s.outChannels, 1] : [s.inChannels, s.stride];
    const residual = stride === 1 && inChannels === s.outChannels;
    // Units: the expansion (when there is one), the depthwise conv, SE, the projection.
    const projection = makeDivisible(inChannels * s.expand, 8) === inChannels ? 2 : 3;
    return [
      {
        layer: residual ? `${name}.add` : `${name}.block.${projection}.1`,
        module: `features.${i + 1}`,
        channels: s.outChannels,
        reduction,
      },
    ];
  });
}

export function features(spec: EfficientNetSpec, input: tfl.SymbolicTensor, dropPathRate: number, normEps?: number): tfl.SymbolicTensor {
  const stages = efficientNetStages(spec);
  const norm = { ...spec.norm, ...(normEps === undefined ? {} : { eps: normEps }) };
  let x = convNormAct(input, {
    conv: 'features.0.0',
    norm: 'features.0.1',
    act: { kind: 'silu', name: 'features.0.2' },
    filters: stages[0].inChannels,
    kernelSize: 3,
    strides: 2,
    padding: 1,
    kernelInit: 'kaimingNormalFanOut',
    ...norm,
  });
  const total = stages.reduce((n, s) => n + s.blocks, 0);
  let index = 0;
  stages.forEach((s, stage) => {
    for (let j = 0; j < s.blocks; j++) {
      const inChannels = j === 0 ? s.inChannels : s.outChannels;
      x = invertedResidual(x, {
        name: `features.${stage + 1}.${j}`,
        outChannels: s.outChannels,
        expandedChannels: makeDivisible(inChannels * s.expand, 8),
        kernelSize: s.kernel,
        stride: j === 0 ? s.stride : 1,
        activation: 'silu',
        se: { squeezeChannels: Math.max(1, Math.floor(inChannels / 4)), activation: 'silu', gate: 'sigmoid' },
        dropPath: (dropPathRate * index) / total,
        kernelInit: 'kaimingNormalFanOut',
        ...norm,
      });
      index++;
    }
  });
  const last = stages[stages.length - 1].outChannels;
  return convNormAct(x, {
    conv: `features.${stages.length + 1}.0`,
    norm: `features.${stages.length + 1}.1`,
    act: { kind: 'silu', name: `features.${stages.length + 1}.2` },
    filters: 4 * last,
    kernelSize: 1,
    kernelInit: 'kaimingNormalFanOut',
    ...norm,
  });
}

/** EfficientNet's creation options: the common ones plus `dropPathRate` and `normEps`. */
export type EfficientNetOptions = CreateOptions & { dropPathRate?: number; normEps?: number };

/** One variant per row of `EFFICIENTNET_SPECS`; models.generated.ts exports each variant. */
export const EFFICIENTNET = /* @__PURE__ */ defineFamily(
  EFFICIENTNET_SPECS,
  (name, spec: EfficientNetSpec, weights): ModelEntry<EfficientNetOptions> => {
    return defineModel<EfficientNetOptions, ResolvedOptions & { dropPathRate: number; normEps: number }>({
      name,
      weights,
      family: 'EfficientNet',
      package: PACKAGE,
      paper: {
        title: 'EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks',
        authors: 'Mingxing Tan, Quoc V. Le',
        year: 2019,
        url: 'https://arxiv.org/abs/1905.11946',
      },
      // The reference figures are measured at 224 for every variant; `spec.inputSize` is the
      // resolution each was trained at, which callers pass as `inputShape`.
      defaultDropRate: spec.dropout,
      extraOptions: {
        dropPathRate: dropPathRateOption(DROP_PATH_RATE, "torchvision's stochastic_depth_prob"),
        normEps: normEpsOption(spec.norm?.eps ?? 1e-5, "torchvision's"),
      },
      conventions: [timmKeys(spec)],
      architecture: {
        features: (input, o) => features(spec, input, o.dropPathRate, o.normEps),
        stages: () => featureStages(spec),
        classifier: (x, o) => {
          let y = apply(tfl.layers.globalAveragePooling2d({ name: 'avgpool' }), x);
          if (o.dropRate > 0) y = apply(tfl.layers.dropout({ rate: o.dropRate, name: 'classifier.0' }), y);
          return apply(linear(o.numClasses, 'classifier.1', { init: 'torchDefault' }), y);
        },
      },
    });
  },
);

/**
 * timm's `EfficientNet` (`timm/models/efficientnet.py`; `efficientnet_bN` is torchvision's
 * architecture) under its module names: `conv_stem`/`bn1`, `blocks.s.j` for `features.s+1.j`,
 * `conv_head`/`bn2` and `classifier`.
 */
function timmKeys(spec: EfficientNetSpec): CheckpointConvention {
  const head = `features.${B0_STAGES.length + 1}`;
  return {
    name: 'timm',
    detect: [/^conv_stem\.weight$/, /^blocks\.\d+\.\d+\.conv_dw\./],
    rules: [
      { from: /^conv_stem\./, to: 'features.0.0.' },
      { from: /^bn1\./, to: 'features.0.1.' },
      { from: /^conv_head\./, to: `${head}.0.` },
      { from: /^bn2\./, to: `${head}.1.` },
      { from: /^classifier\./, to: 'classifier.1.' },
      ...timmInvertedResidualRules(
        efficientNetStages(spec).flatMap((s, stage) =>
          Array.from({ length: s.blocks }, (_, j) => ({
            timm: `blocks.${stage}.${j}`,
            zoo: `features.${stage + 1}.${j}`,
            expand: s.expand !== 1,
            se: true,
          })),
        ),
      ),
    ],
  };
}
