import { convNormAct, defineModel, type ModelDefinition, type ResolvedOptions } from '../../src/family.js';

/**
 * A small ImageNet classifier built from core-blocks, so that inference tests run fast (tfjs's
 * cpu backend takes milliseconds per layer call even on tiny tensors).
 */
export const tinyDefinition: ModelDefinition<ResolvedOptions> = {
  name: 'tiny',
  family: 'Test',
  package: '@zoo/core-blocks',
  paper: { title: 'none', authors: 'none', year: 2026, url: 'https://example.invalid' },
  defaultInputSize: 16,
  architecture: {
    features(input) {
      return convNormAct(input, {
        conv: 'conv1',
        norm: 'bn1',
        act: { kind: 'relu', name: 'relu1' },
        filters: 8,
        kernelSize: 3,
        strides: 2,
        padding: 1,
      });
    },
    stages: () => [{ layer: 'relu1', channels: 8, reduction: 2 }],
  },
};
export const tiny = defineModel(tinyDefinition);
