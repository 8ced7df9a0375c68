export { __FAMILY___SPECS, type __Family__Name, type __Family__Spec, __model__ } from './__family__.js';
export { catalog } from './catalog.js';
