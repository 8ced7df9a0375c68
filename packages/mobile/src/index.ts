// Registers the zoo's custom layers for `tf.loadLayersModel`: this file is listed in package.json's
// `sideEffects`, so a bare `import '@zoo/mobile'` survives bundling and, through this import, runs
// core-blocks' registration. The models' own modules stay side-effect free: an app importing one
// model still gets only that model (test/bundle.test.ts in @zoo/mobile measures it). The front
// door (`createModel('name')`) reaches the family once `@zoo/mobile/register` is imported.
import '@zoo/core-blocks';

export { registerZooLayers } from '@zoo/core-blocks/family';
export { catalog } from './catalog.js';
export {
  EDGEVIT_DROP_PATH_RATE,
  EDGEVIT_SIZE_STEP,
  EDGEVIT_SPECS,
  type EdgeViTName,
  type EdgeViTOptions,
  type EdgeViTSpec,
  edgevit_s,
  edgevit_xs,
  edgevit_xxs,
} from './edgevit.js';
export {
  MOBILENET_V1_SPECS,
  type MobileNetV1Name,
  type MobileNetV1Options,
  type MobileNetV1Spec,
  mobilenet_v1_025,
  mobilenet_v1_050,
  mobilenet_v1_075,
  mobilenet_v1_100,
} from './mobilenet-v1.js';
export { MOBILENET_V2_STAGES, type MobileNetV2Options, mobilenet_v2 } from './mobilenet-v2.js';
export {
  MOBILENET_V3_SPECS,
  type MobileNetV3Block,
  type MobileNetV3Name,
  type MobileNetV3Options,
  type MobileNetV3Spec,
  mobilenet_v3_large,
  mobilenet_v3_small,
} from './mobilenet-v3.js';
export {
  SHUFFLENET_V1_SPECS,
  type ShuffleNetV1Name,
  type ShuffleNetV1Options,
  type ShuffleNetV1Spec,
  shufflenet_v1_g1_x1_0,
  shufflenet_v1_g2_x1_0,
  shufflenet_v1_g3_x0_5,
  shufflenet_v1_g3_x1_0,
  shufflenet_v1_g3_x2_0,
  shufflenet_v1_g4_x1_0,
  shufflenet_v1_g8_x1_0,
} from './shufflenet-v1.js';
export {
  SHUFFLENET_V2_SPECS,
  type ShuffleNetV2Name,
  type ShuffleNetV2Spec,
  shufflenet_v2_x0_5,
  shufflenet_v2_x1_0,
  shufflenet_v2_x1_5,
  shufflenet_v2_x2_0,
} from './shufflenet-v2.js';
export { SQUEEZENET_SPECS, type SqueezeNetName, type SqueezeNetSpec, squeezenet1_0, squeezenet1_1 } from './squeezenet.js';
