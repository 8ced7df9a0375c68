export { catalog } from './catalog.js';
export { EDGEVIT_SIZE_STEP, EDGEVIT_SPECS, type EdgeViTName, type EdgeViTSpec, edgevit_s, edgevit_xs, edgevit_xxs } from './edgevit.js';
