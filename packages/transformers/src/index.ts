export { catalog } from './catalog.js';
export {
  SWIN_SIZE_STEP,
  SWIN_SPECS,
  type SwinName,
  type SwinOptions,
  type SwinSpec,
  swin_b,
  swin_s,
  swin_t,
  swinStageOutputs,
} from './swin.js';
export { VIT_SPECS, type ViTName, type ViTOptions, type ViTSpec, vit_b_16, vit_b_32, vit_h_14, vit_l_16, vit_l_32 } from './vit.js';
