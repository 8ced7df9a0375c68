// Registers the zoo's custom layers for `tf.loadLayersModel`: this file is listed in package.json's
// `sideEffects`, so a bare `import '@zoo/mobile'` survives bundling and, through this import, runs
// core-blocks' registration. The models' own modules stay side-effect free: an app importing one
// model still gets only that model (test/bundle.test.ts in @zoo/mobile measures it). The front
// door (`createModel('name')`) reaches the family once `@zoo/mobile/register` is imported.
import '@zoo/core-blocks';

export { registerZooLayers } from '@zoo/core-blocks/family';
export {
  EDGEVIT_DROP_PATH_RATE,
  EDGEVIT_SIZE_STEP,
  EDGEVIT_SPECS,
  type EdgeViTName,
  type EdgeViTOptions,
  type EdgeViTSpec,
} from './edgevit.js';
export {
  MOBILENET_V1_SPECS,
  type MobileNetV1Name,
  type MobileNetV1Options,
  type MobileNetV1Spec,
} from './mobilenet-v1.js';
export { MOBILENET_V2_STAGES, type MobileNetV2Options } from './mobilenet-v2.js';
export {
  MOBILENET_V3_SPECS,
  type MobileNetV3Block,
  type MobileNetV3Name,
  type MobileNetV3Options,
  type MobileNetV3Spec,
} from './mobilenet-v3.js';
// Every variant, one constant each (generated from the families' spec rows), and `catalog`.
export * from './models.generated.js';
export {
  SHUFFLENET_V1_SPECS,
  type ShuffleNetV1Name,
  type ShuffleNetV1Options,
  type ShuffleNetV1Spec,
} from './shufflenet-v1.js';
export {
  SHUFFLENET_V2_SPECS,
  type ShuffleNetV2Name,
  type ShuffleNetV2Spec,
} from './shufflenet-v2.js';
export { SQUEEZENET_SPECS, type SqueezeNetName, type SqueezeNetSpec } from './squeezenet.js';
