import type * as tfl from '@tensorflow/tfjs-layers';
import {
  type CreateOptions,
  convNormAct,
  defineFamily,
  defineModel,
  linearClassifier,
  type ModelEntry,
  makeDivisible,
  type PaperRef,
  type ResolvedOptions,
} from '@zoo/core-blocks/family';
import { PACKAGE } from './package-name.js';
import { lastAtEachReduction } from './stages.js';
import { widthMultiplierOption } from './width.js';

/**
 * MobileNetV1 as timm builds it (`_gen_mobilenet_v1` in `timm/models/efficientnet.py`): a 3x3
 * stem, then depthwise-separable blocks (depthwise 3x3 + BN + ReLU6, pointwise 1x1 + BN + ReLU6,
 * no residual), global average pooling and a linear classifier. Layer names are timm's module
 * paths (`blocks.3.2.conv_pw`, `blocks.3.2.bn2`), with each activation under its BN (`bn2.act`)
 * as timm's `BatchNormAct2d` holds it.
 */
export interface MobileNetV1Spec {
  widthMultiplier: number;
}

const PAPER: PaperRef = {
  title: 'MobileNets: Efficient Convolutional Neural Networks for Mobile Vision Applications',
  authors: 'Andrew G. Howard, Menglong Zhu, Bo Chen, Dmitry Kalenichenko, Weijun Wang, Tobias Weyand, Marco Andreetto, Hartwig Adam',
  year: 2017,
  url: 'https://arxiv.org/abs/1704.04861',
};

/** Stem width, then per stage: blocks, stride of the first, output channels (the paper's Table 1). */
const STEM = 32;
const STAGES: readonly (readonly [blocks: number, stride: number, channels: number])[] = [
  [1, 1, 64],
  [2, 2, 128],
  [2, 2, 256],
  [6, 2, 512],
  [2, 2, 1024],
];

/** The variants differ in the width multiplier alone (alpha in the paper). */
export const MOBILENET_V1_SPECS = {
  mobilenet_v1_100: { widthMultiplier: 1 },
  mobilenet_v1_075: { widthMultiplier: 0.75 },
  mobilenet_v1_050: { widthMultiplier: 0.5 },
  mobilenet_v1_025: { widthMultiplier: 0.25 },
} as const satisfies Record<string, MobileNetV1Spec>;

export type MobileNetV1Name = keyof typeof MOBILENET_V1_SPECS;

export interface MobileNetV1Options extends CreateOptions {
  /** Scales every width before rounding to a multiple of 8 (default: the variant's). */
  widthMultiplier?: number;
}

type Resolved = ResolvedOptions & Required<MobileNetV1Options>;

function features(input: tfl.SymbolicTensor, o: Resolved): tfl.SymbolicTensor {
  const width = (c: number) => makeDivisible(c * o.widthMultiplier);
  const init = 'kaimingNormalFanOut';
  let x = convNormAct(input, {
    conv: 'conv_stem',
    norm: 'bn1',
    act: { kind: 'relu6', name: 'bn1.act' },
    filters: width(STEM),
    kernelSize: 3,
    strides: 2,
    padding: 1,
    kernelInit: init,
  });
  let channels = width(STEM);
  STAGES.forEach(([blocks, stride, out], stage) => {
    for (let i = 0; i < blocks; i++) {
      const name = `blocks.${stage}.${i}`;
      x = convNormAct(x, {
        conv: `${name}.conv_dw`,
        norm: `${name}.bn1`,
        act: { kind: 'relu6', name: `${name}.bn1.act` },
        filters: channels,
        kernelSize: 3,
        strides: i === 0 ? stride : 1,
        padding: 1,
        groups: channels,
        kernelInit: init,
      });
      channels = width(out);
      x = convNormAct(x, {
        conv: `${name}.conv_pw`,
        norm: `${name}.bn2`,
        act: { kind: 'relu6', name: `${name}.bn2.act` },
        filters: channels,
        kernelSize: 1,
        kernelInit: init,
      });
    }
  });
  return x;
}

/** timm's `feature_info`: the last block of each stage (`blocks.0` shares the stem's reduction of 2). */
function stages(o: Resolved) {
  const width = (c: number) => makeDivisible(c * o.widthMultiplier);
  return lastAtEachReduction([
    ['bn1.act', 'bn1', width(STEM), 2],
    ...STAGES.map(([blocks, stride, out], s) => [`blocks.${s}.${blocks - 1}.bn2.act`, `blocks.${s}`, width(out), stride] as const),
  ]);
}

/** One variant per row of `MOBILENET_V1_SPECS`; models.generated.ts exports each variant. */
export const MOBILENET_V1 = /* @__PURE__ */ defineFamily(MOBILENET_V1_SPECS, (name, spec, weights): ModelEntry<MobileNetV1Options> => {
  return defineModel<MobileNetV1Options, Resolved>({
    name,
    weights,
    family: 'MobileNetV1',
    package: PACKAGE,
    paper: PAPER,
    extraOptions: { widthMultiplier: widthMultiplierOption(spec.widthMultiplier) },
    architecture: {
      features,
      stages,
      // timm's head: `global_pool.pool`, dropout, `classifier`.
      classifier: (x, o) => linearClassifier(x, o, { pool: 'global_pool.pool', fc: 'classifier' }),
    },
  });
});
