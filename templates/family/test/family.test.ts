import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { describeFamilyPackage } from '@zoo/test-support';
import { catalog } from '../src/index.js';
import { PACKAGE } from '../src/package-name.js';
import '../src/register.js';

// The checks every family package shares: import purity, save and load of every model, the front
// door of each family's first model, no leaked tensors. With reference figures in `@zoo/reference`,
// drop `reference: false` and the suite also checks each model's parameters, MACs, layer listing
// and state-dict keys against them (and __family__.test.ts keeps only what is particular).
describeFamilyPackage({
  package: PACKAGE,
  packageDir: new URL('..', import.meta.url),
  catalog,
  reference: false,
});
