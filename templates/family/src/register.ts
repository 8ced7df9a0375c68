// `import '@zoo/__family__/register'` makes the family's models reachable by name through the
// front door (`createModel`, `getModel`, `listModels` of `@zoo/core-blocks`). The file is listed in
// package.json's `sideEffects`; it is apart from `index.js` so that an app importing one model by
// its export never ships the catalog, which is imported on the first look-up.
import { registerFamily } from '@zoo/core-blocks/family';
import { PACKAGE } from './package-name.js';

registerFamily(PACKAGE, () => import('./catalog.js').then((m) => m.catalog));
