import type { ModelEntry } from '@zoo/core-blocks/family';
import * as models from './__family__.js';

/** Every model of `@zoo/__family__`. The CLI and the docs site find it through package.json's `zoo.catalog`. */
export const catalog: readonly ModelEntry[] = [models.__model__];
