export { catalog } from './catalog.js';
export {
  RESNET_SPECS,
  type ResNetName,
  type ResNetSpec,
  resnet18,
  resnet34,
  resnet50,
  resnet101,
  resnet152,
  resnext50_32x4d,
  resnext101_32x8d,
  resnext101_64x4d,
  wide_resnet50_2,
  wide_resnet101_2,
} from './resnet.js';
