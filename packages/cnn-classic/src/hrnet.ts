import * as tfl from '@tensorflow/tfjs-layers';
import {
  activation,
  apply,
  batchNorm2d,
  Conv2d,
  type CreateOptions,
  convNormAct,
  defineFamily,
  defineModel,
  type FeatureStage,
  linearClassifier,
  type ModelEntry,
  type PaperRef,
  type ResolvedOptions,
  ZooShapeError,
} from '@zoo/core-blocks/family';
import { PACKAGE } from './package-name.js';

/**
 * HRNet for classification (Wang et al.; HRNet/HRNet-Image-Classification, as timm carries it
 * in `timm/models/hrnet.py`, the reference of the figures). A stem of two stride-2 3x3 convs,
 * `layer1` of bottlenecks, then stages 2-4 of high-resolution modules: parallel branches at
 * strides 4, 8, 16, 32 with widths C, 2C, 4C, 8C, each module ending in a fusion where every
 * branch receives the sum of all others, resampled. The classification head widens each branch
 * with one bottleneck (`incre_modules`), merges them from high to low resolution with strided
 * convs (`downsamp_modules`), and a 1x1 conv to 2048 (`final_layer`) feeds the classifier.
 */
export interface HRNetSpec {
  /** C: the width of the highest-resolution branch (branch b has C x 2^b channels). */
  width: number;
  /** `layer1`: bottleneck blocks and their planes (output planes x 4). */
  layer1: { blocks: number; planes: number };
  /** High-resolution modules in stages 2, 3, 4. */
  modules: readonly [number, number, number];
  /** Basic blocks per branch in each module of stages 2, 3, 4. */
  blocks: readonly [number, number, number];
}

/** The variants: a row each, as timm's `cfg_cls` (every branch of a stage has the same depth). */
export const HRNET_SPECS = {
  hrnet_w18_small: { width: 16, layer1: { blocks: 1, planes: 32 }, modules: [1, 1, 1], blocks: [2, 2, 2] },
  hrnet_w18_small_v2: { width: 18, layer1: { blocks: 2, planes: 64 }, modules: [1, 3, 2], blocks: [2, 2, 2] },
  hrnet_w18: { width: 18, layer1: { blocks: 4, planes: 64 }, modules: [1, 4, 3], blocks: [4, 4, 4] },
  hrnet_w30: { width: 30, layer1: { blocks: 4, planes: 64 }, modules: [1, 4, 3], blocks: [4, 4, 4] },
  hrnet_w32: { width: 32, layer1: { blocks: 4, planes: 64 }, modules: [1, 4, 3], blocks: [4, 4, 4] },
  hrnet_w40: { width: 40, layer1: { blocks: 4, planes: 64 }, modules: [1, 4, 3], blocks: [4, 4, 4] },
  hrnet_w44: { width: 44, layer1: { blocks: 4, planes: 64 }, modules: [1, 4, 3], blocks: [4, 4, 4] },
  hrnet_w48: { width: 48, layer1: { blocks: 4, planes: 64 }, modules: [1, 4, 3], blocks: [4, 4, 4] },
  hrnet_w64: { width: 64, layer1: { blocks: 4, planes: 64 }, modules: [1, 4, 3], blocks: [4, 4, 4] },
} as const satisfies Record<string, HRNetSpec>;

export type HRNetName = keyof typeof HRNET_SPECS;

/** Planes of the head's bottlenecks per branch (outputs 128, 256, 512, 1024), and its width. */
const HEAD_PLANES = [32, 64, 128, 256] as const;
const HEAD_FEATURES = 2048;
const STEM_WIDTH = 64;

const PAPER: PaperRef = {
  title: 'Deep High-Resolution Representation Learning for Visual Recognition',
  authors:
    'Jingdong Wang, Ke Sun, Tianheng Cheng, Borui Jiang, Chaorui Deng, Yang Zhao, Dong Liu, Yadong Mu, Mingkui Tan, Xinggang Wang, Wenyu Liu, Bin Xiao',
  year: 2019,
  url: 'https://arxiv.org/abs/1908.07919',
};

type T = tfl.SymbolicTensor;

/** `nn.Sequential(conv, BN[, ReLU])` as timm writes it: parts named `.0`, `.1`, `.2`. */
const conv = (x: T, name: string, filters: number, kernelSize: number, strides = 1, relu = true): T =>
  convNormAct(x, {
    conv: `${name}.0`,
    norm: `${name}.1`,
    act: relu ? { kind: 'relu', name: `${name}.2` } : undefined,
    filters,
    kernelSize,
    strides,
    padding: (kernelSize - 1) / 2,
    kernelInit: 'kaimingNormalFanOut',
  });

const relu = (x: T, name: string) => apply(activation('relu', name), x);
const add = (xs: T[], name: string) => apply(tfl.layers.add({ name }), xs);

/** timm's `BasicBlock` with its names (conv1, bn1, act1, conv2, bn2, act2); width kept. */
export function basicBlock(x: T, name: string, planes: number): T {
  const unit = (y: T, i: number, act: boolean) =>
    convNormAct(y, {
      conv: `${name}.conv${i}`,
      norm: `${name}.bn${i}`,
      act: act ? { kind: 'relu', name: `${name}.act${i}` } : undefined,
      filters: planes,
      kernelSize: 3,
      padding: 1,
      kernelInit: 'kaimingNormalFanOut',
    });
  return relu(add([unit(unit(x, 1, true), 2, false), x], `${name}.add`), `${name}.act2`);
}

/** timm's `Bottleneck` (x4), stride 1, with a 1x1 `downsample` when the width changes. */
function bottleneck(x: T, name: string, inChannels: number, planes: number): T {
  const unit = (y: T, i: number, filters: number, kernelSize: number, act: boolean) =>
    convNormAct(y, {
      conv: `${name}.conv${i}`,
      norm: `${name}.bn${i}`,
      act: act ? { kind: 'relu', name: `${name}.act${i}` } : undefined,
      filters,
      kernelSize,
      padding: (kernelSize - 1) / 2,
      kernelInit: 'kaimingNormalFanOut',
    });
  const y = unit(unit(unit(x, 1, planes, 1, true), 2, planes, 3, true), 3, planes * 4, 1, false);
  const shortcut =
    inChannels === planes * 4
      ? x
      : convNormAct(x, {
          conv: `${name}.downsample.0`,
          norm: `${name}.downsample.1`,
          filters: planes * 4,
          kernelSize: 1,
          kernelInit: 'kaimingNormalFanOut',
        });
  return relu(add([y, shortcut], `${name}.add`), `${name}.act3`);
}

/**
 * `transitionN`: existing branches keep their width (identity) or get a 3x3 conv; each new
 * branch is made from the lowest-resolution one by stride-2 3x3 convs.
 */
export function transition(xs: T[], name: string, from: number[], to: number[]): T[] {
  return to.map((channels, i) => {
    if (i < from.length) return from[i] === channels ? xs[i] : conv(xs[i], `${name}.${i}`, channels, 3);
    let y = xs[xs.length - 1];
    for (let j = 0; j <= i - from.length; j++) {
      const last = j === i - from.length;
      y = conv(y, `${name}.${i}.${j}`, last ? channels : from[from.length - 1], 3, 2);
    }
    return y;
  });
}

/**
 * One `HighResolutionModule`: the branches, then for each output i the sum over inputs j of
 * j itself (j = i), a 1x1 conv + BN + nearest upsampling by 2^(j-i) (j > i), or i-j stride-2
 * 3x3 convs + BN with ReLU between them (j < i); then ReLU.
 */
export function hrModule(xs: T[], name: string, channels: number[], blocks: number): T[] {
  const branches = xs.map((x, b) => {
    let y = x;
    for (let k = 0; k < blocks; k++) y = basicBlock(y, `${name}.branches.${b}.${k}`, channels[b]);
    return y;
  });
  return channels.map((out, i) => {
    const terms = branches.map((y, j) => {
      const path = `${name}.fuse_layers.${i}.${j}`;
      if (j === i) return y;
      if (j > i) {
        const z = conv(y, path, out, 1, 1, false);
        const factor = 2 ** (j - i);
        return apply(tfl.layers.upSampling2d({ size: [factor, factor], interpolation: 'nearest', name: `${path}.2` }), z);
      }
      let z = y;
      for (let k = 0; k < i - j; k++) {
        const last = k === i - j - 1;
        z = conv(z, `${path}.${k}`, last ? out : channels[j], 3, 2, !last);
      }
      return z;
    });
    return relu(add(terms, `${name}.fuse_sum.${i}`), `${name}.fuse_act.${i}`);
  });
}

/** HRNet fuses by exact 2x resampling: the stem's output must halve evenly three times. */
function checkFusable(x: T): void {
  const [h, w] = [x.shape[1], x.shape[2]];
  if (h != null && w != null && (h % 8 !== 0 || w % 8 !== 0)) {
    throw new ZooShapeError(
      `HRNet's fusion upsamples its branches by 2, 4 and 8 and adds them to the higher-resolution ones, so the stem's ` +
        `${h}x${w} output must divide by 8. Use an input whose sides are multiples of 32 (or give a stem output divisible by 8).`,
    );
  }
}

/** Stem, `layer1`, transitions and stages 2-4: the four stage-4 maps, highest resolution first. */
function branches(spec: HRNetSpec, input: T): T[] {
  let x = convNormAct(input, {
    conv: 'conv1',
    norm: 'bn1',
    act: { kind: 'relu', name: 'act1' },
    filters: STEM_WIDTH,
    kernelSize: 3,
    strides: 2,
    padding: 1,
    kernelInit: 'kaimingNormalFanOut',
  });
  x = convNormAct(x, {
    conv: 'conv2',
    norm: 'bn2',
    act: { kind: 'relu', name: 'act2' },
    filters: 64,
    kernelSize: 3,
    strides: 2,
    padding: 1,
    kernelInit: 'kaimingNormalFanOut',
  });
  checkFusable(x);
  let inChannels = 64;
  for (let i = 0; i < spec.layer1.blocks; i++) {
    x = bottleneck(x, `layer1.${i}`, inChannels, spec.layer1.planes);
    inChannels = spec.layer1.planes * 4;
  }
  let xs = [x];
  let widths = [inChannels];
  for (let s = 0; s < 3; s++) {
    const next = Array.from({ length: s + 2 }, (_, b) => spec.width * 2 ** b);
    xs = transition(xs, `transition${s + 1}`, widths, next);
    widths = next;
    for (let m = 0; m < spec.modules[s]; m++) xs = hrModule(xs, `stage${s + 2}.${m}`, widths, spec.blocks[s]);
  }
  return xs;
}

/** `incre_modules`: one bottleneck per branch, to 128, 256, 512, 1024 channels. */
function incre(spec: HRNetSpec, xs: T[]): T[] {
  return xs.map((x, i) => bottleneck(x, `incre_modules.${i}.0`, spec.width * 2 ** i, HEAD_PLANES[i]));
}

/** `downsamp_modules` (3x3 stride 2 with bias) merge the widened maps, `final_layer` makes 2048. */
function head(ys: T[]): T {
  const convBiasBnRelu = (x: T, name: string, filters: number, kernelSize: number, strides: number) => {
    const y = apply(
      new Conv2d({
        name: `${name}.0`,
        filters,
        kernelSize,
        strides,
        padding: (kernelSize - 1) / 2,
        useBias: true,
        kernelInit: 'kaimingNormalFanOut',
      }),
      x,
    );
    return relu(apply(batchNorm2d(`${name}.1`), y), `${name}.2`);
  };
  let y = ys[0];
  for (let i = 1; i < ys.length; i++) {
    y = add([ys[i], convBiasBnRelu(y, `downsamp_modules.${i - 1}`, HEAD_PLANES[i] * 4, 3, 2)], `head_sum.${i}`);
  }
  return convBiasBnRelu(y, 'final_layer', HEAD_FEATURES, 1, 1);
}

/**
 * The feature maps, as timm's `features_only` HRNet gives them (`HighResolutionNetFeatures`,
 * `feature_location='incre'`): the stem's first conv after its ReLU (`act1`, 64 channels at
 * stride 2; timm's `stem`), then each stage-4 branch widened by its `incre_modules` bottleneck
 * (128, 256, 512, 1024 channels at strides 4 to 32; timm's `stage1`-`stage4`). The branches
 * before the bottlenecks are not among timm's maps, and not among these.
 */
function featureStages(): FeatureStage[] {
  return [
    { layer: 'act1', module: 'stem', channels: STEM_WIDTH, reduction: 2 },
    ...HEAD_PLANES.map((planes, i) => ({
      layer: `incre_modules.${i}.0.act3`,
      module: `stage${i + 1}`,
      channels: planes * 4,
      reduction: 4 * 2 ** i,
    })),
  ];
}

/** HRNet's creation options: the common ones (`featuresOnly` gives the maps above). */
export type HRNetOptions = CreateOptions;

/** One variant per row of `HRNET_SPECS`; models.generated.ts exports each variant. */
export const HRNET = /* @__PURE__ */ defineFamily(HRNET_SPECS, (name, spec, weights): ModelEntry<HRNetOptions> => {
  return defineModel<HRNetOptions, ResolvedOptions>({
    name,
    weights,
    family: 'HRNet',
    package: PACKAGE,
    paper: PAPER,
    architecture: {
      features: (input) => head(incre(spec, branches(spec, input))),
      classifier: (features, o) => linearClassifier(features, o, { pool: 'global_pool', dropout: 'head_drop', fc: 'classifier' }),
      stages: featureStages,
    },
  });
});
