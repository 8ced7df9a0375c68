// The families of `@zoo/mobile`, in the catalog's order. scripts/generate-models.mjs reads this
// file and each family's spec rows to write models.generated.ts (`pnpm models:generate`).
// biome-ignore-all assist/source/organizeImports: the order of these lines is the catalog's order.

export { SQUEEZENET } from './squeezenet.js';
export { MOBILENET_V1 } from './mobilenet-v1.js';
export { MOBILENET_V2 } from './mobilenet-v2.js';
export { MOBILENET_V3 } from './mobilenet-v3.js';
export { SHUFFLENET_V1 } from './shufflenet-v1.js';
export { SHUFFLENET_V2 } from './shufflenet-v2.js';
export { EDGEVIT } from './edgevit.js';
