import type { ModelEntry } from '@zoo/core-blocks/family';
import * as alexnet from './alexnet.js';
import * as cbamResnet from './cbam-resnet.js';
import * as convnext from './convnext.js';
import * as densenet from './densenet.js';
import * as ecaResnet from './eca-resnet.js';
import * as efficientnet from './efficientnet.js';
import * as googlenet from './googlenet.js';
import * as hrnet from './hrnet.js';
import * as resnet from './resnet.js';
import * as vgg from './vgg.js';

/** Every model of `@zoo/cnn-classic`, in the order the survey notes list them. */
export const catalog: readonly ModelEntry[] = [
  alexnet.alexnet,
  vgg.vgg11,
  vgg.vgg11_bn,
  vgg.vgg13,
  vgg.vgg13_bn,
  vgg.vgg16,
  vgg.vgg16_bn,
  vgg.vgg19,
  vgg.vgg19_bn,
  googlenet.googlenet,
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
  densenet.densenet121,
  densenet.densenet161,
  densenet.densenet169,
  densenet.densenet201,
  efficientnet.efficientnet_b0,
  efficientnet.efficientnet_b1,
  efficientnet.efficientnet_b2,
  efficientnet.efficientnet_b3,
  efficientnet.efficientnet_b4,
  efficientnet.efficientnet_b5,
  efficientnet.efficientnet_b6,
  efficientnet.efficientnet_b7,
  convnext.convnext_tiny,
  convnext.convnext_small,
  convnext.convnext_base,
  convnext.convnext_large,
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
