import type * as tfl from '@tensorflow/tfjs-layers';
import {
  type CheckpointConvention,
  type CreateOptions,
  convNormAct,
  defineFamily,
  defineModel,
  invertedResidual,
  linearClassifier,
  type ModelEntry,
  makeDivisible,
  type PaperRef,
  type ResolvedOptions,
  timmInvertedResidualRules,
  timmStagePaths,
} from '@zoo/core-blocks/family';
import { PACKAGE } from './package-name.js';
import { invertedResidualOutput, lastAtEachReduction, type TrunkOutput } from './stages.js';
import { widthMultiplierOption } from './width.js';

/**
 * MobileNetV2 as torchvision builds it (`torchvision/models/mobilenetv2.py`): a 3x3 stem, inverted
 * residual blocks with linear bottlenecks (ReLU6), a 1x1 conv to 1280 channels, dropout and a
 * linear classifier. Layer names are torchvision's module paths (`features.4.conv.1.0`).
 */
const PAPER: PaperRef = {
  title: 'MobileNetV2: Inverted Residuals and Linear Bottlenecks',
  authors: 'Mark Sandler, Andrew Howard, Menglong Zhu, Andrey Zhmoginov, Liang-Chieh Chen',
  year: 2018,
  url: 'https://arxiv.org/abs/1801.04381',
};

/** The paper's Table 2, one row per stage: expansion t, output channels c, blocks n, first stride s. */
export const MOBILENET_V2_STAGES: readonly (readonly [t: number, c: number, n: number, s: number])[] = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];
const STEM = 32;
const LAST = 1280;

export interface MobileNetV2Options extends CreateOptions {
  /** Scales every width before rounding to a multiple of 8 (default 1); the last conv never shrinks below 1280. */
  widthMultiplier?: number;
}

type Resolved = ResolvedOptions & Required<Pick<MobileNetV2Options, 'widthMultiplier'>>;

function features(input: tfl.SymbolicTensor, o: Resolved): tfl.SymbolicTensor {
  const width = (c: number) => makeDivisible(c * o.widthMultiplier);
  const init = 'kaimingNormalFanOut';
  let x = convNormAct(input, {
    conv: 'features.0.0',
    norm: 'features.0.1',
    act: { kind: 'relu6', name: 'features.0.2' },
    filters: width(STEM),
    kernelSize: 3,
    strides: 2,
    padding: 1,
    kernelInit: init,
  });
  let index = 1;
  for (const [t, c, n, s] of MOBILENET_V2_STAGES) {
    for (let i = 0; i < n; i++) {
      x = invertedResidual(x, {
        name: `features.${index++}`,
        outChannels: width(c),
        expandedChannels: Math.round((x.shape[3] as number) * t),
        kernelSize: 3,
        stride: i === 0 ? s : 1,
        activation: 'relu6',
        layout: 'conv',
        kernelInit: init,
      });
    }
  }
  return convNormAct(x, {
    conv: `features.${index}.0`,
    norm: `features.${index}.1`,
    act: { kind: 'relu6', name: `features.${index}.2` },
    filters: makeDivisible(LAST * Math.max(1, o.widthMultiplier)),
    kernelSize: 1,
    kernelInit: init,
  });
}

/**
 * timm's `feature_info` for `mobilenetv2_100` (blocks.0, 1, 2, 4, 6: the last block at each
 * reduction, not the 1280-channel conv) on torchvision's modules: `features.1, 3, 6, 13, 17`.
 */
function stages(o: Resolved) {
  const width = (c: number) => makeDivisible(c * o.widthMultiplier);
  let channels = width(STEM);
  let index = 1;
  const outputs: TrunkOutput[] = [['features.0.2', 'features.0', channels, 2]];
  for (const [t, c, n, s] of MOBILENET_V2_STAGES) {
    for (let i = 0; i < n; i++) {
      const [name, stride, out] = [`features.${index++}`, i === 0 ? s : 1, width(c)];
      outputs.push([invertedResidualOutput(name, 'conv', channels, Math.round(channels * t), out, stride), name, out, stride]);
      channels = out;
    }
  }
  return lastAtEachReduction(outputs);
}

const BLOCK_WIDTHS = MOBILENET_V2_STAGES.flatMap(([, c, n]) => Array.from({ length: n }, () => c));
const BLOCK_EXPANDS = MOBILENET_V2_STAGES.flatMap(([t, , n]) => Array.from({ length: n }, () => t !== 1));

/**
 * timm's `mobilenetv2_100` (`timm/models/efficientnet.py`'s `_gen_mobilenet_v2`) under its module
 * names: `conv_stem`/`bn1`, stages `blocks.s.j` (torchvision numbers blocks `features.i` across
 * stages), `conv_head`/`bn2` and `classifier`.
 */
const TIMM_KEYS: CheckpointConvention = {
  name: 'timm',
  detect: [/^conv_stem\.weight$/, /^conv_head\.weight$/],
  rules: [
    { from: /^conv_stem\./, to: 'features.0.0.' },
    { from: /^bn1\./, to: 'features.0.1.' },
    { from: /^conv_head\./, to: `features.${BLOCK_WIDTHS.length + 1}.0.` },
    { from: /^bn2\./, to: `features.${BLOCK_WIDTHS.length + 1}.1.` },
    ...timmInvertedResidualRules(
      timmStagePaths(BLOCK_WIDTHS).map((timm, i) => ({
        timm,
        zoo: `features.${i + 1}`,
        expand: BLOCK_EXPANDS[i],
        se: false,
        layout: 'conv',
      })),
    ),
    { from: /^classifier\./, to: 'classifier.1.' },
  ],
};

/** One variant: torchvision's MobileNetV2 at width 1 (other widths through `widthMultiplier`). */
const MOBILENET_V2_SPECS = { mobilenet_v2: {} } as const;

/** models.generated.ts exports the variant. */
export const MOBILENET_V2 = /* @__PURE__ */ defineFamily(MOBILENET_V2_SPECS, (name, _spec, weights): ModelEntry<MobileNetV2Options> => {
  return defineModel<MobileNetV2Options, Resolved>({
    name,
    weights,
    family: 'MobileNetV2',
    package: PACKAGE,
    paper: PAPER,
    defaultDropRate: 0.2,
    extraOptions: { widthMultiplier: widthMultiplierOption(1) },
    conventions: [TIMM_KEYS],
    architecture: {
      features,
      stages,
      // torchvision pools functionally (no module), then `classifier.0` dropout, `classifier.1` linear.
      classifier: (x, o) => linearClassifier(x, o, { pool: 'avgpool', dropout: 'classifier.0', fc: 'classifier.1' }),
    },
  });
});
