// The families of `@zoo/__family__`, in the catalog's order. scripts/generate-models.mjs reads this
// file and each family's spec rows to write models.generated.ts (`pnpm models:generate`).
// biome-ignore-all assist/source/organizeImports: the order of these lines is the catalog's order.

export { __FAMILY__ } from './__family__.js';
