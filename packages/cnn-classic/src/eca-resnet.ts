import {
  type CreateOptions,
  defineFamily,
  defineModel,
  eca,
  ecaKernelSize,
  type ModelEntry,
  type PaperRef,
  type ResolvedOptions,
} from '@zoo/core-blocks/family';
import { PACKAGE } from './package-name.js';
import { type ResNetBody, resnetFeatures, resnetStages } from './resnet.js';

type Four = readonly [number, number, number, number];

export interface EcaResNetSpec extends ResNetBody {
  /** Kernel of the ECA convolution in layer1..layer4, as the authors' released weights use. */
  kSize: Four;
}

/**
 * ECA-ResNet as its authors build it (BangguWu/ECANet, `models/eca_resnet.py`): the ResNet
 * layout torchvision also uses, with an ECA module (`layerN.i.eca`) on every block, after its
 * last BatchNorm and before the add, and the head `AdaptiveAvgPool2d(1)` then `fc`. The kernel
 * sizes per stage are those of the released weights (`eca_resnet50(k_size=[3, 5, 5, 7])`).
 */
export const ECA_RESNET_SPECS = {
  eca_resnet18: { block: 'basic', depths: [2, 2, 2, 2], kSize: [3, 5, 7, 7] },
  eca_resnet34: { block: 'basic', depths: [3, 4, 6, 3], kSize: [3, 3, 5, 7] },
  eca_resnet50: { block: 'bottleneck', depths: [3, 4, 6, 3], kSize: [3, 5, 5, 7] },
  eca_resnet101: { block: 'bottleneck', depths: [3, 4, 23, 3], kSize: [3, 3, 5, 7] },
} as const satisfies Record<string, EcaResNetSpec>;

export type EcaResNetName = keyof typeof ECA_RESNET_SPECS;

const PAPER: PaperRef = {
  title: 'ECA-Net: Efficient Channel Attention for Deep Convolutional Neural Networks',
  authors: 'Qilong Wang, Banggu Wu, Pengfei Zhu, Peihua Li, Wangmeng Zuo, Qinghua Hu',
  year: 2020,
  url: 'https://arxiv.org/abs/1910.03151',
};

/** `'released'`: the row's per-stage sizes; `'adaptive'`: the paper's rule on each block's channels. */
export type EcaKernelSizes = 'released' | 'adaptive' | Four;

export interface EcaResNetOptions extends CreateOptions {
  kernelSizes?: EcaKernelSizes;
}

type Resolved = ResolvedOptions & { kernelSizes: EcaKernelSizes };

const isOddPositive = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0 && v % 2 === 1;

/** One variant per row of `ECA_RESNET_SPECS`; models.generated.ts exports each variant. */
export const ECA_RESNET = /* @__PURE__ */ defineFamily(ECA_RESNET_SPECS, (name, spec, weights): ModelEntry<EcaResNetOptions> => {
  return defineModel<EcaResNetOptions, Resolved>({
    name,
    weights,
    family: 'ECA-Net',
    package: PACKAGE,
    paper: PAPER,
    extraOptions: {
      kernelSizes: {
        default: 'released',
        check: (v) =>
          v === 'released' || v === 'adaptive' || (Array.isArray(v) && v.length === 4 && v.every(isOddPositive))
            ? null
            : "'released', 'adaptive' or four odd positive integers (one per stage)",
        doc: `ECA kernel size per stage: 'released' (${spec.kSize.join(', ')}, the authors' weights), 'adaptive' (the paper's rule, k = odd(|log2(C)/2 + 1/2|)) or four odd integers.`,
      },
    },
    architecture: {
      features: (input, o) =>
        resnetFeatures(spec, input, (y, block) => {
          const k = o.kernelSizes;
          const kernelSize = k === 'released' ? spec.kSize[block.stage] : k === 'adaptive' ? ecaKernelSize(block.channels) : k[block.stage];
          return eca(y, { name: `${block.name}.eca`, kernelSize });
        }),
      // The ECA module sits inside each block, before its add: the stages are the ResNet's.
      stages: () => resnetStages(spec),
    },
  });
});
