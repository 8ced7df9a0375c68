// Registers the zoo's custom layers for `tf.loadLayersModel`: this file is listed in package.json's
// `sideEffects`, so a bare `import '@zoo/transformers'` survives bundling and, through this import, runs
// core-blocks' registration. The models' own modules stay side-effect free: an app importing one
// model still gets only that model (test/bundle.test.ts in @zoo/mobile measures it). The front
// door (`createModel('name')`) reaches the family once `@zoo/transformers/register` is imported.
import '@zoo/core-blocks';

export { registerZooLayers } from '@zoo/core-blocks/family';
// Every variant, one constant each (generated from the families' spec rows), and `catalog`.
export * from './models.generated.js';
export { SWIN_SIZE_STEP, SWIN_SPECS, type SwinName, type SwinOptions, type SwinSpec } from './swin.js';
export { VIT_SPECS, type ViTName, type ViTOptions, type ViTSpec } from './vit.js';
