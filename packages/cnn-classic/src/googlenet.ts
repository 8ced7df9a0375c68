import * as tfl from '@tensorflow/tfjs-layers';
import {
  apply,
  type ConvNormActArgs,
  convNormAct,
  defineFamily,
  defineModel,
  type FeatureStage,
  MaxPool2d,
  type ModelEntry,
} from '@zoo/core-blocks/family';
import { PACKAGE } from './package-name.js';

/**
 * GoogLeNet (Inception v1) as torchvision builds it (`torchvision/models/googlenet.py`) for
 * inference: BatchNorm after every conv (eps 1e-3), ceil-mode max pooling, no auxiliary heads
 * (they only run in training and are not part of the reference figures), and
 * `transform_input=False` (the input is used as given).
 */

/** One Inception module: channels of its four branches, as in the paper's Table 1. */
interface InceptionSpec {
  name: string;
  ch1x1: number;
  ch3x3red: number;
  ch3x3: number;
  ch5x5red: number;
  /** torchvision's "5x5" branch uses a 3x3 conv (a known deviation kept for its weights). */
  ch5x5: number;
  poolProj: number;
}

type Step = InceptionSpec | { pool: string; kernel: number };

const inception = (name: string, ch1x1: number, ch3x3red: number, ch3x3: number, ch5x5red: number, ch5x5: number, poolProj: number) => ({
  name,
  ch1x1,
  ch3x3red,
  ch3x3,
  ch5x5red,
  ch5x5,
  poolProj,
});

const BODY: readonly Step[] = [
  inception('inception3a', 64, 96, 128, 16, 32, 32),
  inception('inception3b', 128, 128, 192, 32, 96, 64),
  { pool: 'maxpool3', kernel: 3 },
  inception('inception4a', 192, 96, 208, 16, 48, 64),
  inception('inception4b', 160, 112, 224, 24, 64, 64),
  inception('inception4c', 128, 128, 256, 24, 64, 64),
  inception('inception4d', 112, 144, 288, 32, 64, 64),
  inception('inception4e', 256, 160, 320, 32, 128, 128),
  { pool: 'maxpool4', kernel: 2 },
  inception('inception5a', 256, 160, 320, 32, 128, 128),
  inception('inception5b', 384, 192, 384, 48, 128, 128),
];

/** torchvision's `BasicConv2d`: conv without bias, BatchNorm with eps 1e-3, ReLU. */
function basicConv(x: tfl.SymbolicTensor, name: string, filters: number, args: Partial<ConvNormActArgs> = {}): tfl.SymbolicTensor {
  return convNormAct(x, {
    conv: `${name}.conv`,
    norm: `${name}.bn`,
    act: { kind: 'relu', name: `${name}.relu` },
    filters,
    kernelSize: 1,
    eps: 1e-3,
    ...args,
  });
}

export function inceptionBlock(x: tfl.SymbolicTensor, s: InceptionSpec): tfl.SymbolicTensor {
  const b1 = basicConv(x, `${s.name}.branch1`, s.ch1x1);
  let b2 = basicConv(x, `${s.name}.branch2.0`, s.ch3x3red);
  b2 = basicConv(b2, `${s.name}.branch2.1`, s.ch3x3, { kernelSize: 3, padding: 1 });
  let b3 = basicConv(x, `${s.name}.branch3.0`, s.ch5x5red);
  b3 = basicConv(b3, `${s.name}.branch3.1`, s.ch5x5, { kernelSize: 3, padding: 1 });
  let b4 = apply(new MaxPool2d({ name: `${s.name}.branch4.0`, poolSize: 3, strides: 1, padding: 1, ceilMode: true }), x);
  b4 = basicConv(b4, `${s.name}.branch4.1`, s.poolProj);
  return apply(tfl.layers.concatenate({ axis: -1, name: `${s.name}.cat` }), [b1, b2, b3, b4]);
}

function features(input: tfl.SymbolicTensor): tfl.SymbolicTensor {
  let x = basicConv(input, 'conv1', 64, { kernelSize: 7, strides: 2, padding: 3 });
  x = apply(new MaxPool2d({ name: 'maxpool1', poolSize: 3, strides: 2, ceilMode: true }), x);
  x = basicConv(x, 'conv2', 64);
  x = basicConv(x, 'conv3', 192, { kernelSize: 3, padding: 1 });
  x = apply(new MaxPool2d({ name: 'maxpool2', poolSize: 3, strides: 2, ceilMode: true }), x);
  for (const step of BODY) {
    x =
      'pool' in step
        ? apply(new MaxPool2d({ name: step.pool, poolSize: step.kernel, strides: 2, ceilMode: true }), x)
        : inceptionBlock(x, step);
  }
  return x;
}

/**
 * timm has no GoogLeNet: the rule of its feature_info (as for torchvision's Inception v3, timm's
 * `inception_v3`) on torchvision's modules, the last output at each reduction before the next
 * downsampling: `conv1` 64@2, `conv3` 192@4, `inception3b` 480@8, `inception4e` 832@16,
 * `inception5b` 1024@32.
 */
function featureStages(): FeatureStage[] {
  const stages: FeatureStage[] = [
    { layer: 'conv1.relu', module: 'conv1', channels: 64, reduction: 2 },
    { layer: 'conv3.relu', module: 'conv3', channels: 192, reduction: 4 },
  ];
  // Each Inception module followed by a max pool, or by nothing.
  BODY.forEach((s, i) => {
    const next = BODY[i + 1];
    if ('pool' in s || (next && !('pool' in next))) return;
    stages.push({
      layer: `${s.name}.cat`,
      module: s.name,
      channels: s.ch1x1 + s.ch3x3 + s.ch5x5 + s.poolProj,
      reduction: 2 ** (stages.length + 1),
    });
  });
  return stages;
}

/** One variant, torchvision's `googlenet`. */
const GOOGLENET_SPECS = { googlenet: {} } as const;

/** models.generated.ts exports the variant. */
export const GOOGLENET = /* @__PURE__ */ defineFamily(
  GOOGLENET_SPECS,
  (name, _spec, weights): ModelEntry =>
    defineModel({
      name,
      weights,
      family: 'GoogLeNet',
      package: PACKAGE,
      paper: {
        title: 'Going Deeper with Convolutions',
        authors:
          'Christian Szegedy, Wei Liu, Yangqing Jia, Pierre Sermanet, Scott Reed, Dragomir Anguelov, Dumitru Erhan, Vincent Vanhoucke, Andrew Rabinovich',
        year: 2014,
        url: 'https://arxiv.org/abs/1409.4842',
      },
      defaultDropRate: 0.2,
      architecture: { features: (input) => features(input), stages: featureStages },
    }),
);
