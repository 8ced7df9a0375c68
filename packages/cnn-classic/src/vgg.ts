import type * as tfl from '@tensorflow/tfjs-layers';
import { activation, apply, batchNorm2d, Conv2d, defineModel, MaxPool2d, type ModelEntry, type WeightSet } from '@zoo/core-blocks';
import { type HeadStep, mlpHead } from './mlp-head.js';
import { PACKAGE } from './package-name.js';
import * as WEIGHTS from './weights.generated.js';

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

function entry(name: VggName, weights: readonly WeightSet[]): ModelEntry {
  const spec: VggSpec = VGG_SPECS[name];
  return defineModel({
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
    architecture: {
      features: (input) => features(spec, input),
      classifier: (x, o) => mlpHead(x, o, 7, VGG_HEAD),
    },
  });
}

export const vgg11 = /* @__PURE__ */ entry('vgg11', WEIGHTS.vgg11);
export const vgg11_bn = /* @__PURE__ */ entry('vgg11_bn', WEIGHTS.vgg11_bn);
export const vgg13 = /* @__PURE__ */ entry('vgg13', WEIGHTS.vgg13);
export const vgg13_bn = /* @__PURE__ */ entry('vgg13_bn', WEIGHTS.vgg13_bn);
export const vgg16 = /* @__PURE__ */ entry('vgg16', WEIGHTS.vgg16);
export const vgg16_bn = /* @__PURE__ */ entry('vgg16_bn', WEIGHTS.vgg16_bn);
export const vgg19 = /* @__PURE__ */ entry('vgg19', WEIGHTS.vgg19);
export const vgg19_bn = /* @__PURE__ */ entry('vgg19_bn', WEIGHTS.vgg19_bn);
