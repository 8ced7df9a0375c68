import type { ModelEntry } from '@zoo/core-blocks';

/** Every model of `@zoo/mobile`. */
export const catalog: readonly ModelEntry[] = [];

/** The ideas of this package's families, for the docs site (see docs/architecture.md). */
export { innovations } from './innovations.js';
