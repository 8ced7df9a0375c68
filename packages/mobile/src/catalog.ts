import type { ModelEntry } from '@zoo/core-blocks/family';
import * as edgevit from './edgevit.js';
import * as mobilenetV1 from './mobilenet-v1.js';
import * as mobilenetV2 from './mobilenet-v2.js';
import * as mobilenetV3 from './mobilenet-v3.js';
import * as shufflenetV1 from './shufflenet-v1.js';
import * as shufflenetV2 from './shufflenet-v2.js';
import * as squeezenet from './squeezenet.js';

/** Every model of `@zoo/mobile`. */
export const catalog: readonly ModelEntry[] = [
  squeezenet.squeezenet1_0,
  squeezenet.squeezenet1_1,
  mobilenetV1.mobilenet_v1_100,
  mobilenetV1.mobilenet_v1_075,
  mobilenetV1.mobilenet_v1_050,
  mobilenetV1.mobilenet_v1_025,
  mobilenetV2.mobilenet_v2,
  mobilenetV3.mobilenet_v3_small,
  mobilenetV3.mobilenet_v3_large,
  shufflenetV1.shufflenet_v1_g1_x1_0,
  shufflenetV1.shufflenet_v1_g2_x1_0,
  shufflenetV1.shufflenet_v1_g3_x1_0,
  shufflenetV1.shufflenet_v1_g4_x1_0,
  shufflenetV1.shufflenet_v1_g8_x1_0,
  shufflenetV1.shufflenet_v1_g3_x0_5,
  shufflenetV1.shufflenet_v1_g3_x2_0,
  shufflenetV2.shufflenet_v2_x0_5,
  shufflenetV2.shufflenet_v2_x1_0,
  shufflenetV2.shufflenet_v2_x1_5,
  shufflenetV2.shufflenet_v2_x2_0,
  edgevit.edgevit_xxs,
  edgevit.edgevit_xs,
  edgevit.edgevit_s,
];
