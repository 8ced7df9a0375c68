// Registers the zoo's custom layers for `tf.loadLayersModel`: this file is listed in package.json's
// `sideEffects`, so a bare import of the package survives bundling; the models' own modules stay
// side-effect free, so an app importing one model gets only that model. The front door
// (`createModel('name')`) reaches the family once its `register` entry is imported.
import '@zoo/core-blocks';

export { registerZooLayers } from '@zoo/core-blocks/family';
export { __FAMILY___SPECS, type __Family__Name, type __Family__Spec } from './__family__.js';
// Every variant, one constant each (generated from the family's spec rows), and `catalog`.
export * from './models.generated.js';
