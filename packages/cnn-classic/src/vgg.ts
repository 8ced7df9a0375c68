import * as tfl from '@tensorflow/tfjs-layers';
import {
  AdaptiveAvgPool2d,
  activation,
  apply,
  batchNorm2d,
  type CheckpointConvention,
  Conv2d,
  type CreateOptions,
  defineFamily,
  defineModel,
  type ExtraOption,
  linear,
  MaxPool2d,
  type ModelEntry,
  type ResolvedOptions,
} from '@zoo/core-blocks/family';
import { type HeadStep, mlpHead, sequentialStages } from './mlp-head.js';
import { PACKAGE } from './package-name.js';

/**
 * VGG as torchvision builds it (`torchvision/models/vgg.py`): the paper's configurations A, B, D
 * and E, each with and without BatchNorm after every convolution. A number is a 3x3 conv with
 * that many channels, `'M'` a 2x2 max pool.
 */
const CONFIGS = {
  A: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  B: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  D: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
  E: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'],
} as const satisfies Record<string, readonly (number | 'M')[]>;

export interface VggSpec {
  config: keyof typeof CONFIGS;
  batchNorm: boolean;
}

export const VGG_SPECS = {
  vgg11: { config: 'A', batchNorm: false },
  vgg11_bn: { config: 'A', batchNorm: true },
  vgg13: { config: 'B', batchNorm: false },
  vgg13_bn: { config: 'B', batchNorm: true },
  vgg16: { config: 'D', batchNorm: false },
  vgg16_bn: { config: 'D', batchNorm: true },
  vgg19: { config: 'E', batchNorm: false },
  vgg19_bn: { config: 'E', batchNorm: true },
} as const satisfies Record<string, VggSpec>;

export type VggName = keyof typeof VGG_SPECS;

const VGG_HEAD: readonly HeadStep[] = [{ linear: 4096 }, 'relu', 'dropout', { linear: 4096 }, 'relu', 'dropout', { linear: 'classes' }];

function features(spec: VggSpec, input: tfl.SymbolicTensor): tfl.SymbolicTensor {
  let x = input;
  let i = 0;
  for (const step of CONFIGS[spec.config]) {
    if (step === 'M') {
      x = apply(new MaxPool2d({ name: `features.${i++}`, poolSize: 2, strides: 2 }), x);
      continue;
    }
    x = apply(new Conv2d({ name: `features.${i++}`, filters: step, kernelSize: 3, padding: 1, kernelInit: 'kaimingNormalFanOut' }), x);
    if (spec.batchNorm) x = apply(batchNorm2d(`features.${i++}`), x);
    x = apply(activation('relu', `features.${i++}`), x);
  }
  return x;
}

/**
 * timm's VGG `feature_info`: the ReLU before each of the five max pools (reductions 1 to 16),
 * then the last pool (32); `features.1`, `.4`, `.9`, `.14`, `.19`, `.20` for vgg11. They lie in
 * `features`, so either head gives the same maps.
 */
function featureStages(spec: VggSpec) {
  const positions = spec.batchNorm ? 3 : 2;
  return sequentialStages(CONFIGS[spec.config].map((s) => (s === 'M' ? 'pool' : { positions, channels: s, stride: 1 })));
}

/**
 * timm's VGG head (`timm/models/vgg.py`'s `ConvMlp` and `ClassifierHead`): torchvision's two
 * 4096-wide layers as a 7x7 and a 1x1 convolution over the feature map (after adaptive pooling
 * up to 7x7 only when the map is smaller), each with ReLU and dropout, then global average
 * pooling and the classifier. At 224x224 (a 7x7 map) it computes torchvision's head; at larger
 * inputs the 7x7 convolution slides and its outputs are averaged, where torchvision pools the
 * map to 7x7 first. The layers keep torchvision's names, so either checkpoint loads into either head.
 */
function timmHead(features: tfl.SymbolicTensor, o: ResolvedOptions): tfl.SymbolicTensor {
  let x = features;
  const [h, w] = [x.shape[1] as number, x.shape[2] as number];
  if (h < 7 || w < 7) x = apply(new AdaptiveAvgPool2d({ outputSize: [Math.max(7, h), Math.max(7, w)], name: 'avgpool' }), x);
  const conv = (name: string, kernelSize: number) => new Conv2d({ name, filters: 4096, kernelSize, kernelInit: 'kaimingNormalFanOut' });
  x = apply(conv('classifier.0', 7), x);
  x = apply(activation('relu', 'classifier.1'), x);
  if (o.dropRate > 0) x = apply(tfl.layers.dropout({ rate: o.dropRate, name: 'classifier.2' }), x);
  x = apply(conv('classifier.3', 1), x);
  x = apply(activation('relu', 'classifier.4'), x);
  if (o.dropRate > 0) x = apply(tfl.layers.dropout({ rate: o.dropRate, name: 'classifier.5' }), x);
  x = apply(tfl.layers.globalAveragePooling2d({ name: 'global_pool' }), x);
  return apply(linear(o.numClasses, 'classifier.6', { init: 'torchDefault' }), x);
}

/** VGG's creation options: the common ones plus `head`. */
export type VggOptions = CreateOptions & { head?: 'torchvision' | 'timm' };

const HEAD_OPTION: ExtraOption<'torchvision' | 'timm'> = {
  default: 'torchvision',
  check: (v) => (v === 'torchvision' || v === 'timm' ? null : "'torchvision' or 'timm'"),
  doc:
    "The classifier: 'torchvision' (default; adaptive pooling to 7x7, then three linear layers) or 'timm' " +
    "(timm's convolutional pre-logits, which its checkpoints' weight sets select; the same function at 224x224).",
};

/**
 * timm's VGG keys: the features are torchvision's; the head's `pre_logits.fc1` (a [4096, 512, 7, 7]
 * convolution) and `pre_logits.fc2` ([4096, 4096, 1, 1]) are `classifier.0` and `classifier.3`,
 * reshaped when the model has torchvision's dense head, and `head.fc` is `classifier.6`.
 */
export const TIMM_VGG_KEYS: CheckpointConvention = {
  name: 'timm',
  detect: [/^pre_logits\.fc1\.weight$/],
  rules: [
    { from: /^pre_logits\.fc1\./, to: 'classifier.0.', reshape: true },
    { from: /^pre_logits\.fc2\./, to: 'classifier.3.', reshape: true },
    { from: /^head\.fc\./, to: 'classifier.6.' },
  ],
};

/** One variant per row of `VGG_SPECS`; models.generated.ts exports each variant. */
export const VGG = /* @__PURE__ */ defineFamily(VGG_SPECS, (name, spec, weights): ModelEntry<VggOptions> => {
  return defineModel<VggOptions, ResolvedOptions & { head: 'torchvision' | 'timm' }>({
    name,
    weights,
    family: 'VGG',
    package: PACKAGE,
    paper: {
      title: 'Very Deep Convolutional Networks for Large-Scale Image Recognition',
      authors: 'Karen Simonyan, Andrew Zisserman',
      year: 2014,
      url: 'https://arxiv.org/abs/1409.1556',
    },
    defaultDropRate: 0.5,
    extraOptions: { head: HEAD_OPTION },
    conventions: [TIMM_VGG_KEYS],
    architecture: {
      features: (input) => features(spec, input),
      stages: () => featureStages(spec),
      classifier: (x, o) => (o.head === 'timm' ? timmHead(x, o) : mlpHead(x, o, 7, VGG_HEAD)),
    },
  });
});
