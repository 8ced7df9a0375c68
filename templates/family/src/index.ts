// Registers the zoo's custom layers for `tf.loadLayersModel`: this file is listed in package.json's
// `sideEffects`, so a bare import of the package survives bundling; the models' own modules stay
// side-effect free, so an app importing one model gets only that model. It also registers the
// family with the front door (`createModel('name')`): the catalog is imported on first look-up.
import { registerFamily } from '@zoo/core-blocks';
import { PACKAGE } from './package-name.js';

registerFamily(PACKAGE, () => import('./catalog.js').then((m) => m.catalog));

export { registerZooLayers } from '@zoo/core-blocks';
export { __FAMILY___SPECS, type __Family__Name, type __Family__Spec, __model__ } from './__family__.js';
export { catalog } from './catalog.js';
