import type { ModelEntry } from '@zoo/core-blocks';
import * as edgevit from './edgevit.js';

/** Every model of `@zoo/mobile`. */
export const catalog: readonly ModelEntry[] = [edgevit.edgevit_xxs, edgevit.edgevit_xs, edgevit.edgevit_s];
