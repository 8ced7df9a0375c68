import type { ModelEntry } from '@zoo/core-blocks';

/** Every model of `@zoo/transformers`. */
export const catalog: readonly ModelEntry[] = [];
