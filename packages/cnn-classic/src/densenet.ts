import * as tfl from '@tensorflow/tfjs-layers';
import {
  AvgPool2d,
  activation,
  apply,
  batchNorm2d,
  type CheckpointConvention,
  Conv2d,
  convNormAct,
  defineFamily,
  defineModel,
  type FeatureStage,
  linearClassifier,
  MaxPool2d,
  type ModelEntry,
} from '@zoo/core-blocks/family';
import { PACKAGE } from './package-name.js';

/**
 * DenseNet-BC as torchvision builds it (`torchvision/models/densenet.py`): each dense layer sees
 * the concatenation of every earlier map of its block (BN-ReLU-1x1 conv to `bnSize * growth`,
 * BN-ReLU-3x3 conv to `growth`); transitions halve the channels and average-pool 2x2.
 */
export interface DenseNetSpec {
  growthRate: number;
  /** Dense layers in denseblock1..4. */
  blocks: readonly [number, number, number, number];
  initFeatures: number;
}

export const DENSENET_SPECS = {
  densenet121: { growthRate: 32, blocks: [6, 12, 24, 16], initFeatures: 64 },
  densenet161: { growthRate: 48, blocks: [6, 12, 36, 24], initFeatures: 96 },
  densenet169: { growthRate: 32, blocks: [6, 12, 32, 32], initFeatures: 64 },
  densenet201: { growthRate: 32, blocks: [6, 12, 48, 32], initFeatures: 64 },
} as const satisfies Record<string, DenseNetSpec>;

export type DenseNetName = keyof typeof DENSENET_SPECS;

const BN_SIZE = 4;

export function denseLayer(inputs: tfl.SymbolicTensor, name: string, growth: number): tfl.SymbolicTensor {
  let x = apply(batchNorm2d(`${name}.norm1`), inputs);
  x = apply(activation('relu', `${name}.relu1`), x);
  x = convNormAct(x, {
    conv: `${name}.conv1`,
    norm: `${name}.norm2`,
    act: { kind: 'relu', name: `${name}.relu2` },
    filters: BN_SIZE * growth,
    kernelSize: 1,
    kernelInit: 'kaimingNormalFanOut',
  });
  return apply(
    new Conv2d({ name: `${name}.conv2`, filters: growth, kernelSize: 3, padding: 1, useBias: false, kernelInit: 'kaimingNormalFanOut' }),
    x,
  );
}

function transition(x: tfl.SymbolicTensor, name: string, outChannels: number): tfl.SymbolicTensor {
  let y = apply(batchNorm2d(`${name}.norm`), x);
  y = apply(activation('relu', `${name}.relu`), y);
  y = apply(
    new Conv2d({ name: `${name}.conv`, filters: outChannels, kernelSize: 1, useBias: false, kernelInit: 'kaimingNormalFanOut' }),
    y,
  );
  return apply(new AvgPool2d({ name: `${name}.pool`, poolSize: 2, strides: 2 }), y);
}

function features(spec: DenseNetSpec, input: tfl.SymbolicTensor): tfl.SymbolicTensor {
  let x = convNormAct(input, {
    conv: 'features.conv0',
    norm: 'features.norm0',
    act: { kind: 'relu', name: 'features.relu0' },
    filters: spec.initFeatures,
    kernelSize: 7,
    strides: 2,
    padding: 3,
    kernelInit: 'kaimingNormalFanOut',
  });
  x = apply(new MaxPool2d({ name: 'features.pool0', poolSize: 3, strides: 2, padding: 1 }), x);
  let channels = spec.initFeatures;
  spec.blocks.forEach((layers, b) => {
    const block = `features.denseblock${b + 1}`;
    for (let i = 1; i <= layers; i++) {
      const y = denseLayer(x, `${block}.denselayer${i}`, spec.growthRate);
      x = apply(tfl.layers.concatenate({ axis: -1, name: `${block}.denselayer${i}.cat` }), [x, y]);
    }
    channels += layers * spec.growthRate;
    if (b < spec.blocks.length - 1) {
      channels = Math.floor(channels / 2);
      x = transition(x, `features.transition${b + 1}`, channels);
    }
  });
  x = apply(batchNorm2d('features.norm5'), x);
  // torchvision applies this ReLU in forward(), after `features`; the features here include it.
  return apply(activation('relu', 'relu'), x);
}

/**
 * timm's DenseNet `feature_info` on torchvision's modules: the stem's ReLU (`features.relu0`;
 * timm's `norm0` holds it) at 2, the first three dense blocks (each a concatenation, before its
 * transition) at 4 to 16, and the final BatchNorm's ReLU at 32 (timm's `norm5` holds it;
 * torchvision applies it in `forward()`, the node `relu` of its graph).
 */
function featureStages(spec: DenseNetSpec): FeatureStage[] {
  let channels = spec.initFeatures;
  const stages: FeatureStage[] = [{ layer: 'features.relu0', channels, reduction: 2 }];
  spec.blocks.forEach((layers, b) => {
    channels += layers * spec.growthRate;
    if (b === spec.blocks.length - 1) return;
    const block = `features.denseblock${b + 1}`;
    stages.push({ layer: `${block}.denselayer${layers}.cat`, module: block, channels, reduction: 4 * 2 ** b });
    channels = Math.floor(channels / 2);
  });
  stages.push({ layer: 'relu', channels, reduction: 32 });
  return stages;
}

/** One variant per row of `DENSENET_SPECS`; models.generated.ts exports each variant. */
export const DENSENET = /* @__PURE__ */ defineFamily(DENSENET_SPECS, (name, spec, weights): ModelEntry => {
  return defineModel({
    name,
    weights,
    family: 'DenseNet',
    package: PACKAGE,
    paper: {
      title: 'Densely Connected Convolutional Networks',
      authors: 'Gao Huang, Zhuang Liu, Laurens van der Maaten, Kilian Q. Weinberger',
      year: 2016,
      url: 'https://arxiv.org/abs/1608.06993',
    },
    conventions: [LEGACY_DENSENET_KEYS],
    architecture: {
      features: (input) => features(spec, input),
      stages: () => featureStages(spec),
      classifier: (x, o) => linearClassifier(x, o, { fc: 'classifier' }),
    },
  });
});

/**
 * torchvision's released DenseNet files predate its module names: `denselayer1.norm.1.weight`
 * for `denselayer1.norm1.weight`. Renamed as torchvision's `_load_state_dict` renames them.
 * (timm's DenseNet keys are torchvision's: its checkpoints need no convention.)
 */
export const LEGACY_DENSENET_KEYS: CheckpointConvention = {
  name: 'torchvision (legacy names)',
  detect: [/denselayer\d+\.norm\.1\./],
  rules: [{ from: /^(.*denselayer\d+\.(?:norm|relu|conv))\.([12]\.(?:weight|bias|running_mean|running_var))$/, to: '$1$2' }],
};
