import type { ModelEntry } from '@zoo/core-blocks';
import * as cbamResnet from './cbam-resnet.js';
import * as ecaResnet from './eca-resnet.js';
import * as hrnet from './hrnet.js';
import * as resnet from './resnet.js';

/** Every model of `@zoo/cnn-classic`, in the order the survey notes list them. */
export const catalog: readonly ModelEntry[] = [
  resnet.resnet18,
  resnet.resnet34,
  resnet.resnet50,
  resnet.resnet101,
  resnet.resnet152,
  resnet.resnext50_32x4d,
  resnet.resnext101_32x8d,
  resnet.resnext101_64x4d,
  resnet.wide_resnet50_2,
  resnet.wide_resnet101_2,
  cbamResnet.cbam_resnet18,
  cbamResnet.cbam_resnet34,
  cbamResnet.cbam_resnet50,
  cbamResnet.cbam_resnet101,
  ecaResnet.eca_resnet18,
  ecaResnet.eca_resnet34,
  ecaResnet.eca_resnet50,
  ecaResnet.eca_resnet101,
  hrnet.hrnet_w18_small,
  hrnet.hrnet_w18_small_v2,
  hrnet.hrnet_w18,
  hrnet.hrnet_w30,
  hrnet.hrnet_w32,
  hrnet.hrnet_w40,
  hrnet.hrnet_w44,
  hrnet.hrnet_w48,
  hrnet.hrnet_w64,
];
