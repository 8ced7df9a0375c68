// Registers the zoo's custom layers for `tf.loadLayersModel`: this file is listed in package.json's
// `sideEffects`, so a bare `import '@zoo/transformers'` survives bundling and, through this import, runs
// core-blocks' registration. The models' own modules stay side-effect free: an app importing one
// model still gets only that model (test/bundle.test.ts in @zoo/mobile measures it). The front
// door (`createModel('name')`) reaches the family once `@zoo/transformers/register` is imported.
import '@zoo/core-blocks';

export { registerZooLayers } from '@zoo/core-blocks/family';
export { catalog } from './catalog.js';
export {
  SWIN_SIZE_STEP,
  SWIN_SPECS,
  type SwinName,
  type SwinOptions,
  type SwinSpec,
  swin_b,
  swin_s,
  swin_t,
} from './swin.js';
export { VIT_SPECS, type ViTName, type ViTOptions, type ViTSpec, vit_b_16, vit_b_32, vit_h_14, vit_l_16, vit_l_32 } from './vit.js';
