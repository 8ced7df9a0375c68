import { describe, expect, it } from '@jest/globals';
import { checkParity, type ParityOptions } from '@zoo/parity';
import { getReference } from '@zoo/reference';
import { catalog, RESNET_SPECS } from '../src/index.js';

// AlexNet, VGG, GoogLeNet, DenseNet, EfficientNet and ConvNeXt compute what torchvision computes
// for the same random weights, at 224 and at an odd size (199: AlexNet's and VGG's adaptive
// pooling then averages overlapping or repeated windows, GoogLeNet's ceil-mode pools round up,
// ConvNeXt's patchify stem drops a border). The ResNet family has its own file (parity.test.ts);
// the models whose reference is the authors' code (CBAM, ECA, HRNet) are checked by figures and
// by their layer-by-layer reference architecture instead.
const SIZES = [224, 199];
const models = catalog.filter((e) => getReference(e.name)?.reference.kind === 'torchvision' && !(e.name in RESNET_SPECS));

/** What the torchvision builder needs to match the zoo's inference layout. */
const REFERENCE: Record<string, Partial<ParityOptions>> = {
  // No auxiliary heads (training only); no truncated-normal init through scipy, which is slow.
  googlenet: { referenceKwargs: { aux_logits: false, init_weights: false } },
};

describe('classic CNNs compute what torchvision computes', () => {
  it('covers every torchvision model of the package outside the ResNet family', () => {
    expect(models.map((e) => e.name).sort()).toEqual(
      catalog
        .map((e) => e.name)
        .filter((n) => /^(alexnet|vgg|googlenet|densenet|efficientnet|convnext)/.test(n))
        .sort(),
    );
  });

  it.each(models.flatMap((e) => SIZES.map((size) => [e.name, size, e] as const)))(
    '%s at %i px square, batch 2',
    async (name, size, entry) => {
      // One Python run builds the reference once and writes its outputs at both sizes.
      const r = await checkParity(entry, { size, prepareSizes: SIZES, batch: 2, ...REFERENCE[name] });
      expect(r.relative).toBeLessThanOrEqual(1e-4);
    },
    900_000,
  );
});
