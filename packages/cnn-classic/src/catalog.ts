import type { ModelEntry } from '@zoo/core-blocks';
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
];

/** The ideas of this package's families, for the docs site (see docs/architecture.md). */
export { innovations } from './innovations.js';
