import type { ModelEntry } from '@zoo/core-blocks/family';
import * as swin from './swin.js';
import * as vit from './vit.js';

/** Every model of `@zoo/transformers`. */
export const catalog: readonly ModelEntry[] = [
  vit.vit_b_16,
  vit.vit_b_32,
  vit.vit_l_16,
  vit.vit_l_32,
  vit.vit_h_14,
  swin.swin_t,
  swin.swin_s,
  swin.swin_b,
];
