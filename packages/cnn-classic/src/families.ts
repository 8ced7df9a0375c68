// The families of `@zoo/cnn-classic`, in the catalog's order (the survey notes'). scripts/generate-models.mjs
// reads this file and each family's spec rows to write models.generated.ts (`pnpm models:generate`).
// biome-ignore-all assist/source/organizeImports: the order of these lines is the catalog's order.

export { ALEXNET } from './alexnet.js';
export { VGG } from './vgg.js';
export { GOOGLENET } from './googlenet.js';
export { RESNET } from './resnet.js';
export { DENSENET } from './densenet.js';
export { EFFICIENTNET } from './efficientnet.js';
export { CONVNEXT } from './convnext.js';
export { CBAM_RESNET } from './cbam-resnet.js';
export { ECA_RESNET } from './eca-resnet.js';
export { HRNET } from './hrnet.js';
