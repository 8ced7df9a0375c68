import * as tfl from '@tensorflow/tfjs-layers';
import {
  activation,
  apply,
  convNormAct,
  defineFamily,
  defineModel,
  type FeatureStage,
  MaxPool2d,
  type ModelEntry,
  type PaperRef,
} from '@zoo/core-blocks/family';
import { PACKAGE } from './package-name.js';

/**
 * ResNet, ResNeXt and Wide ResNet as torchvision builds them (`torchvision/models/resnet.py`,
 * v1.5: the stride of a bottleneck sits on its 3x3 conv). Layer names are torchvision's module
 * paths, so a torchvision state dict maps onto these models by name.
 */
export interface ResNetSpec {
  block: 'basic' | 'bottleneck';
  /** Blocks in layer1..layer4. */
  depths: readonly [number, number, number, number];
  /** Groups of the 3x3 convolution (ResNeXt cardinality). */
  groups?: number;
  /** Channels per group of the 3x3 convolution at the first stage (ResNeXt's `d`; 64 = plain). */
  widthPerGroup?: number;
  family: 'ResNet' | 'ResNeXt' | 'Wide ResNet';
}

const PAPERS: Record<ResNetSpec['family'], PaperRef> = {
  ResNet: {
    title: 'Deep Residual Learning for Image Recognition',
    authors: 'Kaiming He, Xiangyu Zhang, Shaoqing Ren, Jian Sun',
    year: 2015,
    url: 'https://arxiv.org/abs/1512.03385',
  },
  ResNeXt: {
    title: 'Aggregated Residual Transformations for Deep Neural Networks',
    authors: 'Saining Xie, Ross Girshick, Piotr Dollár, Zhuowen Tu, Kaiming He',
    year: 2016,
    url: 'https://arxiv.org/abs/1611.05431',
  },
  'Wide ResNet': {
    title: 'Wide Residual Networks',
    authors: 'Sergey Zagoruyko, Nikos Komodakis',
    year: 2016,
    url: 'https://arxiv.org/abs/1605.07146',
  },
};

/** The variants: a row each, as in the papers' tables. */
export const RESNET_SPECS = {
  resnet18: { family: 'ResNet', block: 'basic', depths: [2, 2, 2, 2] },
  resnet34: { family: 'ResNet', block: 'basic', depths: [3, 4, 6, 3] },
  resnet50: { family: 'ResNet', block: 'bottleneck', depths: [3, 4, 6, 3] },
  resnet101: { family: 'ResNet', block: 'bottleneck', depths: [3, 4, 23, 3] },
  resnet152: { family: 'ResNet', block: 'bottleneck', depths: [3, 8, 36, 3] },
  resnext50_32x4d: { family: 'ResNeXt', block: 'bottleneck', depths: [3, 4, 6, 3], groups: 32, widthPerGroup: 4 },
  resnext101_32x8d: { family: 'ResNeXt', block: 'bottleneck', depths: [3, 4, 23, 3], groups: 32, widthPerGroup: 8 },
  resnext101_64x4d: { family: 'ResNeXt', block: 'bottleneck', depths: [3, 4, 23, 3], groups: 64, widthPerGroup: 4 },
  wide_resnet50_2: { family: 'Wide ResNet', block: 'bottleneck', depths: [3, 4, 6, 3], widthPerGroup: 128 },
  wide_resnet101_2: { family: 'Wide ResNet', block: 'bottleneck', depths: [3, 4, 23, 3], widthPerGroup: 128 },
} as const satisfies Record<string, ResNetSpec>;

export type ResNetName = keyof typeof RESNET_SPECS;

const STAGE_PLANES = [64, 128, 256, 512] as const;
const EXPANSION = { basic: 1, bottleneck: 4 } as const;

/**
 * Where a block may put an attention module (SE, CBAM, ECA): on the residual branch after its
 * last BatchNorm, before the shortcut is added. `name` is the block's module path (`layer1.0`),
 * `stage` counts from 0.
 */
export type BlockAttention = (y: tfl.SymbolicTensor, block: { name: string; stage: number; channels: number }) => tfl.SymbolicTensor;

/** The block layout and widths of a ResNet row, without its family. */
export type ResNetBody = Pick<ResNetSpec, 'block' | 'depths' | 'groups' | 'widthPerGroup'>;

/**
 * Stem, four stages of residual blocks; the classifier is the default `avgpool` + `fc`. Also the
 * body of the attention ResNets of other authors that keep this layout (CBAM, ECA-Net).
 */
export function resnetFeatures(spec: ResNetBody, input: tfl.SymbolicTensor, attention?: BlockAttention): tfl.SymbolicTensor {
  let x = convNormAct(input, {
    conv: 'conv1',
    norm: 'bn1',
    act: { kind: 'relu', name: 'relu' },
    filters: 64,
    kernelSize: 7,
    strides: 2,
    padding: 3,
    kernelInit: 'kaimingNormalFanOut',
  });
  x = apply(new MaxPool2d({ name: 'maxpool', poolSize: 3, strides: 2, padding: 1 }), x);
  let inChannels = 64;
  spec.depths.forEach((depth, stage) => {
    for (let i = 0; i < depth; i++) {
      const stride = stage > 0 && i === 0 ? 2 : 1;
      const name = `layer${stage + 1}.${i}`;
      const attend = attention && ((y: tfl.SymbolicTensor, channels: number) => attention(y, { name, stage, channels }));
      x = (spec.block === 'basic' ? basicBlock : bottleneck)(x, spec, name, inChannels, STAGE_PLANES[stage], stride, attend);
      inChannels = STAGE_PLANES[stage] * EXPANSION[spec.block];
    }
  });
  return x;
}

/**
 * The feature maps, timm's `feature_info` for its ResNets (the same layout): the stem's ReLU
 * (64@2; torchvision's `relu`, timm's `act1`), then each of `layer1`..`layer4` (4 to 32), whose
 * output is its last block's ReLU. The module paths are torchvision's, and the authors' of the
 * CBAM and ECA ResNets, which keep them.
 */
export function resnetStages(spec: ResNetBody): FeatureStage[] {
  return [
    { layer: 'relu', channels: 64, reduction: 2 },
    ...spec.depths.map((depth, stage) => ({
      layer: `layer${stage + 1}.${depth - 1}.relu`,
      module: `layer${stage + 1}`,
      channels: STAGE_PLANES[stage] * EXPANSION[spec.block],
      reduction: 4 * 2 ** stage,
    })),
  ];
}

type Block = (
  x: tfl.SymbolicTensor,
  spec: ResNetBody,
  name: string,
  inChannels: number,
  planes: number,
  stride: number,
  attend?: (y: tfl.SymbolicTensor, channels: number) => tfl.SymbolicTensor,
) => tfl.SymbolicTensor;

const basicBlock: Block = (x, _spec, name, inChannels, planes, stride, attend) =>
  resnetBasicBlock(x, name, { inChannels, planes, stride }, attend && ((y) => attend(y, planes)));

const bottleneck: Block = (x, spec, name, inChannels, planes, stride, attend) => {
  const groups = spec.groups ?? 1;
  const width = Math.floor(planes * ((spec.widthPerGroup ?? 64) / 64)) * groups;
  const shape = { inChannels, width, groups, outChannels: planes * 4, stride };
  return resnetBottleneck(x, name, shape, attend && ((y) => attend(y, planes * 4)));
};

/**
 * torchvision's `BasicBlock` under `name`: two 3x3 convolutions at `planes` (the first strided),
 * `attend` on the branch, the shortcut added, ReLU.
 */
export function resnetBasicBlock(
  x: tfl.SymbolicTensor,
  name: string,
  shape: { inChannels: number; planes: number; stride: number },
  attend?: (y: tfl.SymbolicTensor) => tfl.SymbolicTensor,
): tfl.SymbolicTensor {
  const { inChannels, planes, stride } = shape;
  let y = convNormAct(x, {
    conv: `${name}.conv1`,
    norm: `${name}.bn1`,
    act: { kind: 'relu', name: `${name}.relu1` },
    filters: planes,
    kernelSize: 3,
    strides: stride,
    padding: 1,
    kernelInit: 'kaimingNormalFanOut',
  });
  y = convNormAct(y, {
    conv: `${name}.conv2`,
    norm: `${name}.bn2`,
    filters: planes,
    kernelSize: 3,
    padding: 1,
    kernelInit: 'kaimingNormalFanOut',
  });
  if (attend) y = attend(y);
  return residual(x, y, name, inChannels, planes, stride);
}

/**
 * torchvision's `Bottleneck` under `name`: 1x1 to `width`, 3x3 at `width` in `groups` (strided),
 * 1x1 to `outChannels`, `attend` on the branch, the shortcut added, ReLU. ResNet's rows give
 * `width = planes * widthPerGroup / 64 * groups` and `outChannels = 4 * planes`.
 */
export function resnetBottleneck(
  x: tfl.SymbolicTensor,
  name: string,
  shape: { inChannels: number; width: number; groups: number; outChannels: number; stride: number },
  attend?: (y: tfl.SymbolicTensor) => tfl.SymbolicTensor,
): tfl.SymbolicTensor {
  const { inChannels, width, groups, outChannels, stride } = shape;
  let y = convNormAct(x, {
    conv: `${name}.conv1`,
    norm: `${name}.bn1`,
    act: { kind: 'relu', name: `${name}.relu1` },
    filters: width,
    kernelSize: 1,
    kernelInit: 'kaimingNormalFanOut',
  });
  y = convNormAct(y, {
    conv: `${name}.conv2`,
    norm: `${name}.bn2`,
    act: { kind: 'relu', name: `${name}.relu2` },
    filters: width,
    kernelSize: 3,
    strides: stride,
    padding: 1,
    groups,
    kernelInit: 'kaimingNormalFanOut',
  });
  y = convNormAct(y, {
    conv: `${name}.conv3`,
    norm: `${name}.bn3`,
    filters: outChannels,
    kernelSize: 1,
    kernelInit: 'kaimingNormalFanOut',
  });
  if (attend) y = attend(y);
  return residual(x, y, name, inChannels, outChannels, stride);
}

/** Adds the shortcut (a strided 1x1 projection, `downsample`, when the shape changes), then ReLU. */
function residual(x: tfl.SymbolicTensor, y: tfl.SymbolicTensor, name: string, inChannels: number, outChannels: number, stride: number) {
  const shortcut =
    stride !== 1 || inChannels !== outChannels
      ? convNormAct(x, {
          conv: `${name}.downsample.0`,
          norm: `${name}.downsample.1`,
          filters: outChannels,
          kernelSize: 1,
          strides: stride,
          kernelInit: 'kaimingNormalFanOut',
        })
      : x;
  return apply(activation('relu', `${name}.relu`), apply(tfl.layers.add({ name: `${name}.add` }), [y, shortcut]));
}

/** One variant per row of `RESNET_SPECS`; models.generated.ts exports each variant. */
export const RESNET = /* @__PURE__ */ defineFamily(RESNET_SPECS, (name, spec, weights): ModelEntry => {
  return defineModel({
    name,
    weights,
    family: spec.family,
    package: PACKAGE,
    paper: PAPERS[spec.family],
    architecture: { features: (input) => resnetFeatures(spec, input), stages: () => resnetStages(spec) },
  });
});
