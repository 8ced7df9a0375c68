/**
 * What the cross-backend check runs: one model of every family (its smallest, at a small input
 * so that TF.js's cpu backend, the reference, stays affordable in a browser), and the
 * tolerance each backend is held to.
 */

export interface BackendCase {
  /** The family, as the catalogs name it. */
  family: string;
  /** The catalog name of the model checked. */
  model: string;
  /** Square input side. */
  size: number;
  /** Creation options besides the input shape. */
  options?: Record<string, unknown>;
  /** Why the case departs from the model as published (a smaller input, no head). */
  why?: string;
}

/**
 * The families' representatives, at 32 px (64 where the architecture needs more: AlexNet's
 * pools, EdgeViT's local-global attention, and ViT, so that it has more than one patch). Every
 * layer of the model runs at full depth; only the maps are small.
 */
export const BACKEND_CASES: readonly BackendCase[] = [
  {
    family: 'AlexNet',
    model: 'alexnet',
    size: 64,
    options: { numClasses: 10 },
    why: 'with 10 classes: its head (and AdaptiveAvgPool2d, used only by AlexNet and VGG) runs, 4 M weights lighter',
  },
  {
    family: 'VGG',
    model: 'vgg11_bn',
    size: 32,
    options: { includeTop: false, pooling: 'avg' },
    why: "without its 4096-wide dense head (120 M of its 133 M weights): AlexNet's checks the same head",
  },
  { family: 'GoogLeNet', model: 'googlenet', size: 32 },
  { family: 'ResNet', model: 'resnet18', size: 32 },
  { family: 'ResNeXt', model: 'resnext50_32x4d', size: 32 },
  { family: 'Wide ResNet', model: 'wide_resnet50_2', size: 32 },
  { family: 'DenseNet', model: 'densenet121', size: 32 },
  { family: 'EfficientNet', model: 'efficientnet_b0', size: 32 },
  { family: 'ConvNeXt', model: 'convnext_tiny', size: 32 },
  {
    family: 'CBAM',
    model: 'cbam_resnet18',
    size: 32,
    options: { headPool: 'adaptive' },
    why: "with the adaptive head pooling: the authors' fixed 7x7 window needs 224 px",
  },
  { family: 'ECA-Net', model: 'eca_resnet18', size: 32 },
  { family: 'HRNet', model: 'hrnet_w18_small', size: 32 },
  { family: 'SqueezeNet', model: 'squeezenet1_1', size: 32 },
  { family: 'MobileNetV1', model: 'mobilenet_v1_025', size: 32 },
  { family: 'MobileNetV2', model: 'mobilenet_v2', size: 32 },
  { family: 'MobileNetV3', model: 'mobilenet_v3_small', size: 32 },
  {
    family: 'ShuffleNetV1',
    model: 'shufflenet_v1_g3_x0_5',
    size: 32,
    options: { headPool: 'adaptive' },
    why: "with the adaptive head pooling: the authors' fixed 7x7 window needs 193 px or more",
  },
  { family: 'ShuffleNetV2', model: 'shufflenet_v2_x0_5', size: 32 },
  { family: 'EdgeViT', model: 'edgevit_xxs', size: 64 },
  { family: 'ViT', model: 'vit_b_32', size: 64, options: { imageSize: 64 }, why: 'at 64 px: a 2x2 grid of patches and the class token' },
  { family: 'Swin Transformer', model: 'swin_t', size: 32, why: 'at 32 px: its windows padded as torchvision pads them' },
];

export type CheckedBackend = 'webgl' | 'webgl-f16' | 'webgpu';

export interface Tolerance {
  /** Max |backend - cpu| / max |cpu| over the model's output. */
  model: number;
  /** The same, for one custom layer given the cpu's input to it. */
  layer: number;
  /** Whether the top-1 class of each image must agree with the cpu's. */
  top1: boolean;
  why: string;
}

/**
 * The tolerance of each backend against the cpu backend, set from the errors the check measured
 * (printed by every run and written by `pnpm --filter @zoo/backends measure`), with a margin.
 */
export const TOLERANCES: Readonly<Record<CheckedBackend, Tolerance>> = {
  webgl: {
    model: 2e-5,
    layer: 1e-5,
    top1: true,
    why:
      'float32 textures: the same arithmetic as the cpu in another order (GLSL reductions, fused multiply-adds). ' +
      'Over the 21 models the worst measured was 4.8e-6 for a model and its fused plan (AlexNet with its head) and 1.0e-6 ' +
      'for a layer; the bound leaves about four times that for other weights and inputs',
  },
  'webgl-f16': {
    model: 2e-2,
    layer: 5e-3,
    top1: false,
    why:
      '16-bit float textures (WEBGL_FORCE_F16_TEXTURES; what TF.js falls back to without float32 render targets, as on ' +
      'many phones): every stored value is rounded to an 11-bit significand (a relative step of 4.9e-4 to 9.8e-4) and ' +
      'a deep network compounds it. The worst measured was 5.3e-3 for a model and 1.3e-3 for a layer; the bound leaves ' +
      'about four times that. A value beyond 65504 overflows: such an output is not held to the bound but must be ' +
      'refused by classify with a ZooNonFiniteError',
  },
  webgpu: {
    model: 2e-5,
    layer: 1e-5,
    top1: true,
    why: 'float32 storage buffers: as webgl with float32, reordered float32 arithmetic, and the same worst cases',
  },
};

export const CHECKED_BACKENDS = Object.keys(TOLERANCES) as CheckedBackend[];

/**
 * The cases CI runs, on every backend (SwiftShader compiles each shader on the CPU: up to two
 * minutes a model on webgpu; `measure` runs all 21 and the docs show what it wrote). Together
 * they hold every custom layer class of the zoo (the test checks it) and each kind of network:
 * plain, depthwise with hard-swish, channel shuffle and split, LayerScale and drop path, CBAM's
 * channel pooling, local-global attention, global attention with tokens, and shifted windows.
 */
export const CI_CASES: ReadonlySet<string> = new Set([
  'alexnet',
  'mobilenet_v3_small',
  'shufflenet_v2_x0_5',
  'convnext_tiny',
  'cbam_resnet18',
  'edgevit_xxs',
  'vit_b_32',
  'swin_t',
]);

/** The backends a case runs on in CI: all of them for `CI_CASES`, none for the others. */
export function ciBackends(c: BackendCase): readonly CheckedBackend[] {
  return CI_CASES.has(c.model) ? CHECKED_BACKENDS : [];
}
