import * as tfl from '@tensorflow/tfjs-layers';
import {
  AvgPool2d,
  activation,
  apply,
  ChannelShuffle,
  convNormAct,
  defineModel,
  dense,
  MaxPool2d,
  type ModelEntry,
  type PaperRef,
  type ResolvedOptions,
  type WeightSet,
} from '@zoo/core-blocks';
import { PACKAGE } from './package-name.js';
import * as WEIGHTS from './weights.generated.js';

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

/**
 * `globalpool` then a bias-free `classifier.0`. The reference pools with a fixed 7x7 window,
 * which is the global average at 224x224; a global pool keeps other input sizes working.
 */
function classifier(x: tfl.SymbolicTensor, o: ResolvedOptions): tfl.SymbolicTensor {
  x = apply(tfl.layers.globalAveragePooling2d({ name: 'globalpool' }), x);
  if (o.dropRate > 0) x = apply(tfl.layers.dropout({ rate: o.dropRate, name: 'dropout' }), x);
  return apply(dense(o.numClasses, 'classifier.0', false), x);
}

// Entries are pure so that a bundler drops the ones an app does not import.
function entry(name: ShuffleNetV1Name, weights: readonly WeightSet[]): ModelEntry {
  const spec: ShuffleNetV1Spec = SHUFFLENET_V1_SPECS[name];
  return defineModel({
    name,
    weights,
    family: 'ShuffleNetV1',
    package: PACKAGE,
    paper: PAPER,
    architecture: { features: (input) => features(spec, input), classifier },
  });
}

export const shufflenet_v1_g1_x1_0 = /* @__PURE__ */ entry('shufflenet_v1_g1_x1_0', WEIGHTS.shufflenet_v1_g1_x1_0);
export const shufflenet_v1_g2_x1_0 = /* @__PURE__ */ entry('shufflenet_v1_g2_x1_0', WEIGHTS.shufflenet_v1_g2_x1_0);
export const shufflenet_v1_g3_x1_0 = /* @__PURE__ */ entry('shufflenet_v1_g3_x1_0', WEIGHTS.shufflenet_v1_g3_x1_0);
export const shufflenet_v1_g4_x1_0 = /* @__PURE__ */ entry('shufflenet_v1_g4_x1_0', WEIGHTS.shufflenet_v1_g4_x1_0);
export const shufflenet_v1_g8_x1_0 = /* @__PURE__ */ entry('shufflenet_v1_g8_x1_0', WEIGHTS.shufflenet_v1_g8_x1_0);
export const shufflenet_v1_g3_x0_5 = /* @__PURE__ */ entry('shufflenet_v1_g3_x0_5', WEIGHTS.shufflenet_v1_g3_x0_5);
export const shufflenet_v1_g3_x2_0 = /* @__PURE__ */ entry('shufflenet_v1_g3_x2_0', WEIGHTS.shufflenet_v1_g3_x2_0);
