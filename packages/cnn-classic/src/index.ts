// Registers the zoo's custom layers for `tf.loadLayersModel`: this file is listed in package.json's
// `sideEffects`, so a bare `import '@zoo/cnn-classic'` survives bundling and, through this import, runs
// core-blocks' registration. The models' own modules stay side-effect free: an app importing one
// model still gets only that model (test/bundle.test.ts in @zoo/mobile measures it). The front
// door (`createModel('name')`) reaches the family once `@zoo/cnn-classic/register` is imported.
import '@zoo/core-blocks';

export { registerZooLayers } from '@zoo/core-blocks/family';
export { alexnet } from './alexnet.js';
export { catalog } from './catalog.js';
export {
  CBAM_RESNET_SPECS,
  type CbamResNetName,
  type CbamResNetOptions,
  cbam_resnet18,
  cbam_resnet34,
  cbam_resnet50,
  cbam_resnet101,
} from './cbam-resnet.js';
export {
  CONVNEXT_SPECS,
  type ConvNeXtName,
  type ConvNeXtOptions,
  type ConvNeXtSpec,
  convnext_base,
  convnext_large,
  convnext_small,
  convnext_tiny,
} from './convnext.js';
export { DENSENET_SPECS, type DenseNetName, type DenseNetSpec, densenet121, densenet161, densenet169, densenet201 } from './densenet.js';
export {
  ECA_RESNET_SPECS,
  type EcaKernelSizes,
  type EcaResNetName,
  type EcaResNetOptions,
  type EcaResNetSpec,
  eca_resnet18,
  eca_resnet34,
  eca_resnet50,
  eca_resnet101,
} from './eca-resnet.js';
export {
  EFFICIENTNET_SPECS,
  type EfficientNetName,
  type EfficientNetOptions,
  type EfficientNetSpec,
  efficientNetStages,
  efficientnet_b0,
  efficientnet_b1,
  efficientnet_b2,
  efficientnet_b3,
  efficientnet_b4,
  efficientnet_b5,
  efficientnet_b6,
  efficientnet_b7,
} from './efficientnet.js';
export { googlenet } from './googlenet.js';
export {
  HRNET_SPECS,
  type HRNetName,
  type HRNetOptions,
  type HRNetSpec,
  hrnet_w18,
  hrnet_w18_small,
  hrnet_w18_small_v2,
  hrnet_w30,
  hrnet_w32,
  hrnet_w40,
  hrnet_w44,
  hrnet_w48,
  hrnet_w64,
} from './hrnet.js';
export {
  type BlockAttention,
  RESNET_SPECS,
  type ResNetBody,
  type ResNetName,
  type ResNetSpec,
  resnet18,
  resnet34,
  resnet50,
  resnet101,
  resnet152,
  resnetFeatures,
  resnext50_32x4d,
  resnext101_32x8d,
  resnext101_64x4d,
  wide_resnet50_2,
  wide_resnet101_2,
} from './resnet.js';
export { VGG_SPECS, type VggName, type VggSpec, vgg11, vgg11_bn, vgg13, vgg13_bn, vgg16, vgg16_bn, vgg19, vgg19_bn } from './vgg.js';
