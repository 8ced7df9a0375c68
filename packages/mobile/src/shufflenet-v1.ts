import * as tfl from '@tensorflow/tfjs-layers';
import {
  AvgPool2d,
  activation,
  apply,
  ChannelShuffle,
  type CreateOptions,
  convNormAct,
  defineFamily,
  defineModel,
  linear,
  MaxPool2d,
  type ModelEntry,
  type PaperRef,
  type ResolvedOptions,
  ZooShapeError,
} from '@zoo/core-blocks/family';
import { PACKAGE } from './package-name.js';
import { lastAtEachReduction } from './stages.js';

/**
 * ShuffleNetV1 as its authors build it (megvii-model/ShuffleNet-Series, `ShuffleNetV1/`):
 * bottlenecks of grouped 1x1 convolutions around a depthwise 3x3, with a channel shuffle between
 * them; a stride-2 unit concatenates a 3x3 average pool of its input instead of adding it.
 * Layer names are that code's module paths (`features.5.branch_main_1.3`).
 */
export interface ShuffleNetV1Spec {
  /** Groups of the 1x1 convolutions. */
  groups: 1 | 2 | 3 | 4 | 8;
  /** Width scale (the paper's "ShuffleNet s x"). */
  scale: number;
}

const PAPER: PaperRef = {
  title: 'ShuffleNet: An Extremely Efficient Convolutional Neural Network for Mobile Devices',
  authors: 'Xiangyu Zhang, Xinyu Zhou, Mengxiao Lin, Jian Sun',
  year: 2017,
  url: 'https://arxiv.org/abs/1707.01083',
};

/** Output channels of stage 2 at 1x, per group count (the paper's Table 1); each later stage doubles. */
const STAGE2_CHANNELS: Record<ShuffleNetV1Spec['groups'], number> = { 1: 144, 2: 200, 3: 240, 4: 272, 8: 384 };
const STEM = 24;
const REPEATS = [4, 8, 4] as const;

export const SHUFFLENET_V1_SPECS = {
  shufflenet_v1_g1_x1_0: { groups: 1, scale: 1 },
  shufflenet_v1_g2_x1_0: { groups: 2, scale: 1 },
  shufflenet_v1_g3_x1_0: { groups: 3, scale: 1 },
  shufflenet_v1_g4_x1_0: { groups: 4, scale: 1 },
  shufflenet_v1_g8_x1_0: { groups: 8, scale: 1 },
  shufflenet_v1_g3_x0_5: { groups: 3, scale: 0.5 },
  shufflenet_v1_g3_x2_0: { groups: 3, scale: 2 },
} as const satisfies Record<string, ShuffleNetV1Spec>;

export type ShuffleNetV1Name = keyof typeof SHUFFLENET_V1_SPECS;

function features(spec: ShuffleNetV1Spec, input: tfl.SymbolicTensor): tfl.SymbolicTensor {
  let channels = STEM * spec.scale;
  let x = convNormAct(input, {
    conv: 'first_conv.0',
    norm: 'first_conv.1',
    act: { kind: 'relu', name: 'first_conv.2' },
    filters: channels,
    kernelSize: 3,
    strides: 2,
    padding: 1,
  });
  x = apply(new MaxPool2d({ name: 'maxpool', poolSize: 3, strides: 2, padding: 1 }), x);
  let index = 0;
  REPEATS.forEach((repeats, stage) => {
    const out = STAGE2_CHANNELS[spec.groups] * spec.scale * 2 ** stage;
    for (let i = 0; i < repeats; i++) {
      // The first unit's input (the 24-channel stem) is too narrow to split into groups.
      x = unit(x, `features.${index++}`, spec.groups, channels, out, i === 0 ? 2 : 1, stage === 0 && i === 0);
      channels = out;
    }
  });
  return x;
}

export function unit(
  x: tfl.SymbolicTensor,
  name: string,
  groups: number,
  inChannels: number,
  outChannels: number,
  stride: number,
  firstGroup: boolean,
): tfl.SymbolicTensor {
  const mid = outChannels / 4;
  let y = convNormAct(x, {
    conv: `${name}.branch_main_1.0`,
    norm: `${name}.branch_main_1.1`,
    act: { kind: 'relu', name: `${name}.branch_main_1.2` },
    filters: mid,
    kernelSize: 1,
    groups: firstGroup ? 1 : groups,
  });
  y = convNormAct(y, {
    conv: `${name}.branch_main_1.3`,
    norm: `${name}.branch_main_1.4`,
    filters: mid,
    kernelSize: 3,
    strides: stride,
    padding: 1,
    groups: mid,
  });
  // megvii's code shuffles with the inverse of the paper's permutation; a checkpoint needs theirs.
  if (groups > 1) y = apply(new ChannelShuffle({ name: `${name}.channel_shuffle`, groups, inverse: true }), y);
  y = convNormAct(y, {
    conv: `${name}.branch_main_2.0`,
    norm: `${name}.branch_main_2.1`,
    filters: stride === 1 ? outChannels : outChannels - inChannels,
    kernelSize: 1,
    groups,
  });
  if (stride === 1) return apply(activation('relu', `${name}.relu`), apply(tfl.layers.add({ name: `${name}.add` }), [y, x]));
  const proj = apply(new AvgPool2d({ name: `${name}.branch_proj`, poolSize: 3, strides: 2, padding: 1 }), x);
  return apply(tfl.layers.concatenate({ name: `${name}.cat` }), [proj, apply(activation('relu', `${name}.relu`), y)]);
}

export interface ShuffleNetV1Options extends CreateOptions {
  /**
   * `'fixed'` (default): the authors' `nn.AvgPool2d(7)`, which needs a 7-13 pixel final map
   * (inputs of 193-416 pixels). `'adaptive'`: a global average, the same function at 224x224 and
   * defined at any input size.
   */
  headPool?: 'fixed' | 'adaptive';
}

type Resolved = ResolvedOptions & { headPool: 'fixed' | 'adaptive' };

const HEAD_POOL = 7;

/**
 * `globalpool` then a bias-free `classifier.0`. The authors pool a fixed 7x7 window and view the
 * result as [-1, C]: a map of 14 or more pixels would give several rows per image, refused here.
 */
function classifier(x: tfl.SymbolicTensor, o: Resolved): tfl.SymbolicTensor {
  if (o.headPool === 'adaptive') {
    x = apply(tfl.layers.globalAveragePooling2d({ name: 'globalpool' }), x);
  } else {
    const [h, w] = [x.shape[1] as number, x.shape[2] as number];
    if (Math.min(h, w) < HEAD_POOL || Math.max(h, w) >= 2 * HEAD_POOL) {
      throw new ZooShapeError(
        `The authors' head, AvgPool2d(${HEAD_POOL}), needs a final map of ${HEAD_POOL} to ${2 * HEAD_POOL - 1} pixels a side, ` +
          `and this input gives ${h}x${w}. Use an input of 193 to 416 pixels, or headPool: 'adaptive'.`,
      );
    }
    x = apply(new AvgPool2d({ name: 'globalpool', poolSize: HEAD_POOL }), x);
    x = apply(tfl.layers.flatten({ name: 'flatten' }), x);
  }
  if (o.dropRate > 0) x = apply(tfl.layers.dropout({ rate: o.dropRate, name: 'dropout' }), x);
  return apply(linear(o.numClasses, 'classifier.0', { bias: false, init: 'torchDefault' }), x);
}

/**
 * The authors' modules, each the last output at its reduction (no timm counterpart):
 * `first_conv`, `maxpool`, and the last unit of each stage (`features.3`, `features.11`, `features.15`).
 */
function stages(spec: ShuffleNetV1Spec) {
  let end = 0;
  return lastAtEachReduction([
    ['first_conv.2', 'first_conv', STEM * spec.scale, 2],
    ['maxpool', 'maxpool', STEM * spec.scale, 2],
    ...REPEATS.map((n, s) => {
      end += n;
      return [`features.${end - 1}.relu`, `features.${end - 1}`, STAGE2_CHANNELS[spec.groups] * spec.scale * 2 ** s, 2] as const;
    }),
  ]);
}

/** One variant per row of `SHUFFLENET_V1_SPECS`; models.generated.ts exports each variant. */
export const SHUFFLENET_V1 = /* @__PURE__ */ defineFamily(SHUFFLENET_V1_SPECS, (name, spec, weights): ModelEntry<ShuffleNetV1Options> => {
  return defineModel<ShuffleNetV1Options, Resolved>({
    name,
    weights,
    family: 'ShuffleNetV1',
    package: PACKAGE,
    paper: PAPER,
    extraOptions: {
      headPool: {
        default: 'fixed',
        check: (v) => (v === 'fixed' || v === 'adaptive' ? null : "'fixed' (the authors' AvgPool2d(7)) or 'adaptive' (global average)"),
        doc: "Head pooling: 'fixed' is the authors' AvgPool2d(7) (inputs of 193-416 pixels); 'adaptive' a global average (any size, the same at 224).",
      },
    },
    architecture: { features: (input) => features(spec, input), classifier, stages: () => stages(spec) },
  });
});
