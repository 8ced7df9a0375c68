// The families of `@zoo/cnn-classic`, in the catalog's order (the survey notes'). scripts/generate-models.mjs
// reads this file and each family's spec rows to write models.generated.ts (`pnpm models:generate`).
export { ALEXNET } from './alexnet.js';
export { CBAM_RESNET } from './cbam-resnet.js';
export { CONVNEXT } from './convnext.js';
export { DENSENET } from './densenet.js';
export { ECA_RESNET } from './eca-resnet.js';
export { EFFICIENTNET } from './efficientnet.js';
export { GOOGLENET } from './googlenet.js';
export { HRNET } from './hrnet.js';
export { RESNET } from './resnet.js';
export { VGG } from './vgg.js';
