// The families of `@zoo/transformers`, in the catalog's order. scripts/generate-models.mjs reads
// this file and each family's spec rows to write models.generated.ts (`pnpm models:generate`).

export { SWIN } from './swin.js';
export { VIT } from './vit.js';
