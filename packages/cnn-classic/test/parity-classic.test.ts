import { describe, expect, it } from '@jest/globals';
import { checkParity, type ParityOptions } from '@zoo/parity';
import { catalog, RESNET_SPECS } from '../src/index.js';

// AlexNet, VGG, GoogLeNet, DenseNet, EfficientNet and ConvNeXt compute what torchvision computes
// for the same random weights, at 224 and at an odd size (199: AlexNet's and VGG's adaptive
// pooling then averages overlapping or repeated windows, GoogLeNet's ceil-mode pools round up).
const SIZES = [224, 199];
const models = catalog.filter((e) => !(e.name in RESNET_SPECS));

/** What the torchvision builder needs to match the zoo's inference layout. */
const REFERENCE: Record<string, Partial<ParityOptions>> = {
  // No auxiliary heads (training only); no truncated-normal init through scipy, which is slow.
  googlenet: { referenceKwargs: { aux_logits: false, init_weights: false } },
};

describe('classic CNNs compute what torchvision computes', () => {
  it.each(models.flatMap((e) => SIZES.map((size) => [e.name, size, e] as const)))(
    '%s at %i px square, batch 2',
    async (name, size, entry) => {
      const r = await checkParity(entry, { size, batch: 2, ...REFERENCE[name] });
      expect(r.relative).toBeLessThanOrEqual(1e-4);
    },
    900_000,
  );
});
