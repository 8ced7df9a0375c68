import { convNormAct, defineModel } from '../../src/index.js';

/** A small ImageNet classifier built from core-blocks, so that inference tests run fast. */
export const tiny = defineModel({
  name: 'tiny',
  family: 'Test',
  package: '@zoo/core-blocks',
  paper: { title: 'none', authors: 'none', year: 2026, url: 'https://example.invalid' },
  defaultInputSize: 32,
  architecture: {
    features(input) {
      const x = convNormAct(input, { conv: 'conv1', norm: 'bn1', act: { kind: 'relu', name: 'relu1' }, filters: 8, kernelSize: 3, strides: 2, padding: 1 });
      return convNormAct(x, { conv: 'conv2', norm: 'bn2', act: { kind: 'relu', name: 'relu2' }, filters: 16, kernelSize: 3, strides: 2, padding: 1 });
    },
  },
});
