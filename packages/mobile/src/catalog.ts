import type { ModelEntry } from '@zoo/core-blocks';

/** Every model of `@zoo/mobile`. */
export const catalog: readonly ModelEntry[] = [];
