// `import '@zoo/mobile/register'` makes the family's models reachable by name through the front
// door (`createModel`, `getModel`, `listModels` of `@zoo/core-blocks`). This file is listed in
// package.json's `sideEffects`, so bundlers keep the bare import. It is apart from `index.js` so
// that an app importing one model by its export never ships the family's catalog: the catalog is
// imported on the first look-up, a chunk of its own in a bundle.
import { registerFamily } from '@zoo/core-blocks/family';
import { PACKAGE } from './package-name.js';

registerFamily(PACKAGE, () => import('./catalog.js').then((m) => m.catalog));
