// Registers the zoo's custom layers for `tf.loadLayersModel`: this file is listed in package.json's
// `sideEffects`, so a bare `import '@zoo/cnn-classic'` survives bundling and, through this import, runs
// core-blocks' registration. The models' own modules stay side-effect free: an app importing one
// model still gets only that model (test/bundle.test.ts in @zoo/mobile measures it). The front
// door (`createModel('name')`) reaches the family once `@zoo/cnn-classic/register` is imported.
import '@zoo/core-blocks';

export { registerZooLayers } from '@zoo/core-blocks/family';

export { CBAM_RESNET_SPECS, type CbamResNetName, type CbamResNetOptions } from './cbam-resnet.js';
export { CONVNEXT_SPECS, type ConvNeXtName, type ConvNeXtOptions, type ConvNeXtSpec } from './convnext.js';
export { DENSENET_SPECS, type DenseNetName, type DenseNetSpec } from './densenet.js';
export { ECA_RESNET_SPECS, type EcaKernelSizes, type EcaResNetName, type EcaResNetOptions, type EcaResNetSpec } from './eca-resnet.js';
export {
  EFFICIENTNET_SPECS,
  type EfficientNetName,
  type EfficientNetOptions,
  type EfficientNetSpec,
  efficientNetStages,
} from './efficientnet.js';

export { HRNET_SPECS, type HRNetName, type HRNetOptions, type HRNetSpec } from './hrnet.js';
// Every variant, one constant each (generated from the families' spec rows), and `catalog`.
export * from './models.generated.js';
export { type BlockAttention, RESNET_SPECS, type ResNetBody, type ResNetName, type ResNetSpec, resnetFeatures } from './resnet.js';
export { VGG_SPECS, type VggName, type VggSpec } from './vgg.js';
