import type * as tfl from '@tensorflow/tfjs-layers';
import { activation, apply, Conv2d, defineFamily, defineModel, MaxPool2d, type ModelEntry } from '@zoo/core-blocks/family';
import { type HeadStep, mlpHead, sequentialStages } from './mlp-head.js';
import { PACKAGE } from './package-name.js';

/** One step of torchvision's `features` Sequential: a conv (with its ReLU after it) or a max pool. */
type FeatureStep = { conv: number; kernel: number; stride?: number; padding: number } | 'pool';

/** torchvision's AlexNet (`torchvision/models/alexnet.py`, the one-GPU variant of the paper). */
const ALEXNET_FEATURES: readonly FeatureStep[] = [
  { conv: 64, kernel: 11, stride: 4, padding: 2 },
  'pool',
  { conv: 192, kernel: 5, padding: 2 },
  'pool',
  { conv: 384, kernel: 3, padding: 1 },
  { conv: 256, kernel: 3, padding: 1 },
  { conv: 256, kernel: 3, padding: 1 },
  'pool',
];
const ALEXNET_HEAD: readonly HeadStep[] = ['dropout', { linear: 4096 }, 'relu', 'dropout', { linear: 4096 }, 'relu', { linear: 'classes' }];

function features(input: tfl.SymbolicTensor): tfl.SymbolicTensor {
  let x = input;
  let i = 0;
  for (const step of ALEXNET_FEATURES) {
    if (step === 'pool') {
      x = apply(new MaxPool2d({ name: `features.${i++}`, poolSize: 3, strides: 2 }), x);
    } else {
      const { conv, kernel, stride, padding } = step;
      x = apply(new Conv2d({ name: `features.${i++}`, filters: conv, kernelSize: kernel, strides: stride, padding }), x);
      x = apply(activation('relu', `features.${i++}`), x);
    }
  }
  return x;
}

/**
 * timm has no AlexNet: its VGG rule on torchvision's `features` (the ReLU before each max pool,
 * then the last pool): `features.1` 64@4, `.4` 192@8, `.11` 256@16, `.12` 256@32. The sides are
 * not exact multiples (55, 27, 13, 6 at 224): the 11x11 conv and the 3x3 pools are unpadded.
 */
const featureStages = () =>
  sequentialStages(ALEXNET_FEATURES.map((s) => (s === 'pool' ? s : { positions: 2, channels: s.conv, stride: s.stride ?? 1 })));

/** One variant, torchvision's `alexnet`. */
const ALEXNET_SPECS = { alexnet: {} } as const;

/** models.generated.ts exports the variant. */
export const ALEXNET = /* @__PURE__ */ defineFamily(
  ALEXNET_SPECS,
  (name, _spec, weights): ModelEntry =>
    defineModel({
      name,
      weights,
      family: 'AlexNet',
      package: PACKAGE,
      paper: {
        title: 'One weird trick for parallelizing convolutional neural networks',
        authors: 'Alex Krizhevsky',
        year: 2014,
        url: 'https://arxiv.org/abs/1404.5997',
      },
      defaultDropRate: 0.5,
      architecture: {
        features: (input) => features(input),
        stages: featureStages,
        classifier: (x, o) => mlpHead(x, o, 6, ALEXNET_HEAD),
      },
    }),
);
