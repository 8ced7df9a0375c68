import * as tfl from '@tensorflow/tfjs-layers';
import {
  type ActivationName,
  activation,
  apply,
  type CheckpointConvention,
  type CreateOptions,
  convNormAct,
  defineFamily,
  defineModel,
  invertedResidual,
  linear,
  type ModelEntry,
  makeDivisible,
  normEpsOption,
  type PaperRef,
  type ResolvedOptions,
  timmInvertedResidualRules,
  timmStagePaths,
} from '@zoo/core-blocks/family';
import { PACKAGE } from './package-name.js';
import { invertedResidualOutput, lastAtEachReduction, type TrunkOutput } from './stages.js';
import { widthMultiplierOption } from './width.js';

/**
 * MobileNetV3 as torchvision builds it (`torchvision/models/mobilenetv3.py`): inverted residual
 * blocks with optional squeeze-and-excitation (hard-sigmoid gate), ReLU or hard-swish (PyTorch's
 * definitions, not Keras'), BatchNorm with eps 0.001 and momentum 0.01, and a two-layer head.
 * Layer names are torchvision's module paths (`features.4.block.2.fc1`).
 */
const PAPER: PaperRef = {
  title: 'Searching for MobileNetV3',
  authors:
    'Andrew Howard, Mark Sandler, Grace Chu, Liang-Chieh Chen, Bo Chen, Mingxing Tan, Weijun Wang, Yukun Zhu, Ruoming Pang, Vijay Vasudevan, Quoc V. Le, Hartwig Adam',
  year: 2019,
  url: 'https://arxiv.org/abs/1905.02244',
};

/** One block: kernel, expanded channels, output channels, squeeze-excite, activation (RE/HS), stride. */
export type MobileNetV3Block = readonly [kernel: number, expanded: number, out: number, se: boolean, act: 'RE' | 'HS', stride: number];

export interface MobileNetV3Spec {
  blocks: readonly MobileNetV3Block[];
  /** Width of the head's hidden linear layer, before the multiplier. */
  lastChannel: number;
}

/** The paper's Tables 2 and 1, a line per block, as torchvision's `bneck_conf` lists them (small first, the catalog's order). */
export const MOBILENET_V3_SPECS = {
  mobilenet_v3_small: {
    blocks: [
      [3, 16, 16, true, 'RE', 2],
      [3, 72, 24, false, 'RE', 2],
      [3, 88, 24, false, 'RE', 1],
      [5, 96, 40, true, 'HS', 2],
      [5, 240, 40, true, 'HS', 1],
      [5, 240, 40, true, 'HS', 1],
      [5, 120, 48, true, 'HS', 1],
      [5, 144, 48, true, 'HS', 1],
      [5, 288, 96, true, 'HS', 2],
      [5, 576, 96, true, 'HS', 1],
      [5, 576, 96, true, 'HS', 1],
    ],
    lastChannel: 1024,
  },
  mobilenet_v3_large: {
    blocks: [
      [3, 16, 16, false, 'RE', 1],
      [3, 64, 24, false, 'RE', 2],
      [3, 72, 24, false, 'RE', 1],
      [5, 72, 40, true, 'RE', 2],
      [5, 120, 40, true, 'RE', 1],
      [5, 120, 40, true, 'RE', 1],
      [3, 240, 80, false, 'HS', 2],
      [3, 200, 80, false, 'HS', 1],
      [3, 184, 80, false, 'HS', 1],
      [3, 184, 80, false, 'HS', 1],
      [3, 480, 112, true, 'HS', 1],
      [3, 672, 112, true, 'HS', 1],
      [5, 672, 160, true, 'HS', 2],
      [5, 960, 160, true, 'HS', 1],
      [5, 960, 160, true, 'HS', 1],
    ],
    lastChannel: 1280,
  },
} as const satisfies Record<string, MobileNetV3Spec>;

export type MobileNetV3Name = keyof typeof MOBILENET_V3_SPECS;

export interface MobileNetV3Options extends CreateOptions {
  /** Scales every width before rounding to a multiple of 8 (default 1), torchvision's `width_mult`. */
  widthMultiplier?: number;
  /** The epsilon of every BatchNorm (default 0.001, torchvision's; timm's checkpoints need 1e-5). */
  normEps?: number;
}

type Resolved = ResolvedOptions & Required<Pick<MobileNetV3Options, 'widthMultiplier' | 'normEps'>>;

const STEM = 16;
const BN = { eps: 0.001, momentum: 0.01 };
const norm = (o: Resolved) => ({ ...BN, eps: o.normEps });
const ACT: Record<MobileNetV3Block[4], ActivationName> = { RE: 'relu', HS: 'hardswish' };
const init = 'kaimingNormalFanOut';

function features(spec: MobileNetV3Spec, input: tfl.SymbolicTensor, o: Resolved): tfl.SymbolicTensor {
  const width = (c: number) => makeDivisible(c * o.widthMultiplier);
  let x = convNormAct(input, {
    conv: 'features.0.0',
    norm: 'features.0.1',
    act: { kind: 'hardswish', name: 'features.0.2' },
    filters: width(STEM),
    kernelSize: 3,
    strides: 2,
    padding: 1,
    kernelInit: init,
    ...norm(o),
  });
  spec.blocks.forEach(([kernel, expanded, out, se, act, stride], i) => {
    const exp = width(expanded);
    x = invertedResidual(x, {
      name: `features.${i + 1}`,
      outChannels: width(out),
      expandedChannels: exp,
      kernelSize: kernel,
      stride,
      activation: ACT[act],
      se: se ? { squeezeChannels: makeDivisible(Math.floor(exp / 4)), activation: 'relu', gate: 'hardsigmoid' } : undefined,
      kernelInit: init,
      ...norm(o),
    });
  });
  const n = spec.blocks.length + 1;
  return convNormAct(x, {
    conv: `features.${n}.0`,
    norm: `features.${n}.1`,
    act: { kind: 'hardswish', name: `features.${n}.2` },
    filters: 6 * (x.shape[3] as number),
    kernelSize: 1,
    kernelInit: init,
    ...norm(o),
  });
}

/**
 * timm's `feature_info` (small: bn1, blocks.0, 1, 3, 5; large: blocks.0, 1, 2, 4, 6), the last
 * output at each reduction with the 6x-wide 1x1 conv as the last, on torchvision's modules
 * (small: `features.0, 1, 3, 8, 12`; large: `features.1, 3, 6, 12, 16`).
 */
function stages(spec: MobileNetV3Spec, o: Resolved) {
  const width = (c: number) => makeDivisible(c * o.widthMultiplier);
  let channels = width(STEM);
  const outputs: TrunkOutput[] = [['features.0.2', 'features.0', channels, 2]];
  spec.blocks.forEach(([, expanded, out, se, , stride], i) => {
    const name = `features.${i + 1}`;
    outputs.push([invertedResidualOutput(name, 'block', channels, width(expanded), width(out), stride, se), name, width(out), stride]);
    channels = width(out);
  });
  const n = spec.blocks.length + 1;
  outputs.push([`features.${n}.2`, `features.${n}`, 6 * channels, 1]);
  return lastAtEachReduction(outputs);
}

/** `avgpool`, then `classifier`: linear, hard-swish, dropout (the `dropRate` option), linear. */
function classifier(spec: MobileNetV3Spec, x: tfl.SymbolicTensor, o: Resolved): tfl.SymbolicTensor {
  x = apply(tfl.layers.globalAveragePooling2d({ name: 'avgpool' }), x);
  x = apply(linear(makeDivisible(spec.lastChannel * o.widthMultiplier), 'classifier.0', { init: 'torchDefault' }), x);
  x = apply(activation('hardswish', 'classifier.1'), x);
  if (o.dropRate > 0) x = apply(tfl.layers.dropout({ rate: o.dropRate, name: 'classifier.2' }), x);
  return apply(linear(o.numClasses, 'classifier.3', { init: 'torchDefault' }), x);
}

/** One variant per row of `MOBILENET_V3_SPECS`; models.generated.ts exports each variant. */
export const MOBILENET_V3 = /* @__PURE__ */ defineFamily(MOBILENET_V3_SPECS, (name, spec, weights): ModelEntry<MobileNetV3Options> => {
  return defineModel<MobileNetV3Options, Resolved>({
    name,
    weights,
    family: 'MobileNetV3',
    package: PACKAGE,
    paper: PAPER,
    defaultDropRate: 0.2,
    extraOptions: { widthMultiplier: widthMultiplierOption(1), normEps: normEpsOption(BN.eps, "torchvision's") },
    conventions: [timmKeys(spec)],
    architecture: {
      features: (input, o) => features(spec, input, o),
      classifier: (x, o) => classifier(spec, x, o),
      stages: (o) => stages(spec, o),
    },
  });
});

/**
 * timm's `MobileNetV3` (`timm/models/mobilenetv3.py`) under its module names: `conv_stem`/`bn1`,
 * stages `blocks.s.j` of runs of equal width (torchvision numbers blocks `features.i` across
 * stages), the last 1x1 convolution as `blocks.<last>.0.conv/bn1`, and the head's first layer
 * as `conv_head`, a [C, in, 1, 1] convolution with a bias where torchvision has a linear layer.
 */
function timmKeys(spec: MobileNetV3Spec): CheckpointConvention {
  const paths = timmStagePaths(spec.blocks.map((b) => b[2]));
  const last = spec.blocks.length + 1;
  const stages = Number(paths[paths.length - 1].split('.')[1]) + 1;
  return {
    name: 'timm',
    detect: [/^conv_stem\.weight$/, /^conv_head\.weight$/],
    rules: [
      { from: /^conv_stem\./, to: 'features.0.0.' },
      { from: /^bn1\./, to: 'features.0.1.' },
      { from: new RegExp(`^blocks\\.${stages}\\.0\\.conv\\.`), to: `features.${last}.0.` },
      { from: new RegExp(`^blocks\\.${stages}\\.0\\.bn1\\.`), to: `features.${last}.1.` },
      ...timmInvertedResidualRules(
        spec.blocks.map(([, expanded, , se], i) => ({
          timm: paths[i],
          zoo: `features.${i + 1}`,
          expand: expanded !== (i === 0 ? STEM : spec.blocks[i - 1][2]),
          se,
        })),
      ),
      // Before `conv_head`: rules apply in order, each to the result of the ones before.
      { from: /^classifier\./, to: 'classifier.3.' },
      { from: /^conv_head\./, to: 'classifier.0.', reshape: true },
    ],
  };
}
