import * as tfl from '@tensorflow/tfjs-layers';
import {
  apply,
  ChannelShuffle,
  ChannelSplit,
  convNormAct,
  defineFamily,
  defineModel,
  linearClassifier,
  MaxPool2d,
  type ModelEntry,
  type PaperRef,
} from '@zoo/core-blocks/family';
import { PACKAGE } from './package-name.js';
import { lastAtEachReduction } from './stages.js';

/**
 * ShuffleNetV2 as torchvision builds it (`torchvision/models/shufflenetv2.py`): units that split
 * the channels in two, transform one half (1x1, depthwise 3x3, 1x1) and shuffle the halves back
 * together; a stride-2 unit feeds its whole input to two branches instead. Layer names are
 * torchvision's module paths (`stage3.0.branch1.2`).
 */
export interface ShuffleNetV2Spec {
  /** Output channels of the stem, stage2, stage3, stage4 and conv5 (the paper's Table 5). */
  channels: readonly [number, number, number, number, number];
}

const PAPER: PaperRef = {
  title: 'ShuffleNet V2: Practical Guidelines for Efficient CNN Architecture Design',
  authors: 'Ningning Ma, Xiangyu Zhang, Hai-Tao Zheng, Jian Sun',
  year: 2018,
  url: 'https://arxiv.org/abs/1807.11164',
};

const REPEATS = [4, 8, 4] as const;

export const SHUFFLENET_V2_SPECS = {
  shufflenet_v2_x0_5: { channels: [24, 48, 96, 192, 1024] },
  shufflenet_v2_x1_0: { channels: [24, 116, 232, 464, 1024] },
  shufflenet_v2_x1_5: { channels: [24, 176, 352, 704, 1024] },
  shufflenet_v2_x2_0: { channels: [24, 244, 488, 976, 2048] },
} as const satisfies Record<string, ShuffleNetV2Spec>;

export type ShuffleNetV2Name = keyof typeof SHUFFLENET_V2_SPECS;

function features(spec: ShuffleNetV2Spec, input: tfl.SymbolicTensor): tfl.SymbolicTensor {
  const [stem, , , , last] = spec.channels;
  let x = convNormAct(input, {
    conv: 'conv1.0',
    norm: 'conv1.1',
    act: { kind: 'relu', name: 'conv1.2' },
    filters: stem,
    kernelSize: 3,
    strides: 2,
    padding: 1,
  });
  x = apply(new MaxPool2d({ name: 'maxpool', poolSize: 3, strides: 2, padding: 1 }), x);
  REPEATS.forEach((repeats, s) => {
    for (let i = 0; i < repeats; i++) x = unit(x, `stage${s + 2}.${i}`, spec.channels[s + 1], i === 0 ? 2 : 1);
  });
  return convNormAct(x, { conv: 'conv5.0', norm: 'conv5.1', act: { kind: 'relu', name: 'conv5.2' }, filters: last, kernelSize: 1 });
}

/** 1x1 + BN + ReLU, depthwise 3x3 + BN, 1x1 + BN + ReLU: `branch2`, and `branch1` from index 0 when strided. */
function branch2(x: tfl.SymbolicTensor, name: string, width: number, stride: number): tfl.SymbolicTensor {
  let y = convNormAct(x, { conv: `${name}.0`, norm: `${name}.1`, act: { kind: 'relu', name: `${name}.2` }, filters: width, kernelSize: 1 });
  y = convNormAct(y, { conv: `${name}.3`, norm: `${name}.4`, filters: width, kernelSize: 3, strides: stride, padding: 1, groups: width });
  return convNormAct(y, { conv: `${name}.5`, norm: `${name}.6`, act: { kind: 'relu', name: `${name}.7` }, filters: width, kernelSize: 1 });
}

export function unit(x: tfl.SymbolicTensor, name: string, outChannels: number, stride: number): tfl.SymbolicTensor {
  const width = outChannels / 2;
  let left: tfl.SymbolicTensor;
  let right: tfl.SymbolicTensor;
  if (stride === 1) {
    const [a, b] = new ChannelSplit({ name: `${name}.split`, parts: 2 }).apply(x) as tfl.SymbolicTensor[];
    left = a;
    right = branch2(b, `${name}.branch2`, width, 1);
  } else {
    const inChannels = x.shape[3] as number;
    left = convNormAct(x, {
      conv: `${name}.branch1.0`,
      norm: `${name}.branch1.1`,
      filters: inChannels,
      kernelSize: 3,
      strides: stride,
      padding: 1,
      groups: inChannels,
    });
    left = convNormAct(left, {
      conv: `${name}.branch1.2`,
      norm: `${name}.branch1.3`,
      act: { kind: 'relu', name: `${name}.branch1.4` },
      filters: width,
      kernelSize: 1,
    });
    right = branch2(x, `${name}.branch2`, width, stride);
  }
  const y = apply(tfl.layers.concatenate({ name: `${name}.cat` }), [left, right]);
  return apply(new ChannelShuffle({ name: `${name}.channel_shuffle`, groups: 2 }), y);
}

/**
 * torchvision's modules, each the last output at its reduction (no timm counterpart): `conv1`,
 * `maxpool`, `stage2`, `stage3` and `conv5` (after `stage4`).
 */
function stages({ channels }: ShuffleNetV2Spec) {
  return lastAtEachReduction([
    ['conv1.2', 'conv1', channels[0], 2],
    ['maxpool', 'maxpool', channels[0], 2],
    ...REPEATS.map((n, s) => [`stage${s + 2}.${n - 1}.channel_shuffle`, `stage${s + 2}`, channels[s + 1], 2] as const),
    ['conv5.2', 'conv5', channels[4], 1],
  ]);
}

/** One variant per row of `SHUFFLENET_V2_SPECS`; models.generated.ts exports each variant. */
export const SHUFFLENET_V2 = /* @__PURE__ */ defineFamily(SHUFFLENET_V2_SPECS, (name, spec, weights): ModelEntry => {
  return defineModel({
    name,
    weights,
    family: 'ShuffleNetV2',
    package: PACKAGE,
    paper: PAPER,
    architecture: {
      features: (input) => features(spec, input),
      // The reference averages with `x.mean([2, 3])`, no module: the pool gets a name of its own.
      classifier: (x, o) => linearClassifier(x, o, { pool: 'globalpool', fc: 'fc' }),
      stages: () => stages(spec),
    },
  });
});
