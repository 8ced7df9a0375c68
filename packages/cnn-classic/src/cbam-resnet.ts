import * as tfl from '@tensorflow/tfjs-layers';
import {
  AvgPool2d,
  apply,
  type CreateOptions,
  cbam,
  defineFamily,
  defineModel,
  linear,
  type ModelEntry,
  type PaperRef,
  type ResolvedOptions,
  ZooShapeError,
} from '@zoo/core-blocks/family';
import { PACKAGE } from './package-name.js';
import { type ResNetBody, resnetFeatures, resnetStages } from './resnet.js';

/**
 * CBAM-ResNet as its authors build it (Jongchan/attention-module, `MODELS/model_resnet.py`,
 * `ResidualNet('ImageNet', depth, 1000, 'CBAM')`): the ResNet layout torchvision also uses, with
 * a CBAM module (`layerN.i.cbam`) on every block, after its last BatchNorm and before the add,
 * and the authors' head, `AvgPool2d(7)` then `fc`.
 */
export const CBAM_RESNET_SPECS = {
  cbam_resnet18: { block: 'basic', depths: [2, 2, 2, 2] },
  cbam_resnet34: { block: 'basic', depths: [3, 4, 6, 3] },
  cbam_resnet50: { block: 'bottleneck', depths: [3, 4, 6, 3] },
  cbam_resnet101: { block: 'bottleneck', depths: [3, 4, 23, 3] },
} as const satisfies Record<string, ResNetBody>;

export type CbamResNetName = keyof typeof CBAM_RESNET_SPECS;

/** The authors' reduction ratio of the channel gate's MLP. */
const REDUCTION = 16;
/** The authors' head pools 7x7 windows with stride 7. */
const HEAD_POOL = 7;

const PAPER: PaperRef = {
  title: 'CBAM: Convolutional Block Attention Module',
  authors: 'Sanghyun Woo, Jongchan Park, Joon-Young Lee, In So Kweon',
  year: 2018,
  url: 'https://arxiv.org/abs/1807.06521',
};

export interface CbamResNetOptions extends CreateOptions {
  /**
   * `'fixed'` (default): the authors' `nn.AvgPool2d(7)`, which needs a 7-13 pixel final map
   * (inputs of about 193-416 pixels). `'adaptive'`: a global average, the same function at
   * 224x224 and defined at any input size.
   */
  headPool?: 'fixed' | 'adaptive';
}

type Resolved = ResolvedOptions & { headPool: 'fixed' | 'adaptive' };

/**
 * `AvgPool2d(7)`, flatten, `fc`. PyTorch's `fc` only accepts the flattened map when the pool
 * leaves one pixel; a larger map is refused here rather than fed to a wider `fc`.
 */
function classifier(features: tfl.SymbolicTensor, o: Resolved): tfl.SymbolicTensor {
  let x: tfl.SymbolicTensor;
  if (o.headPool === 'adaptive') {
    x = apply(tfl.layers.globalAveragePooling2d({ name: 'avgpool' }), features);
  } else {
    const [h, w] = [features.shape[1] ?? HEAD_POOL, features.shape[2] ?? HEAD_POOL];
    if (h >= 2 * HEAD_POOL || w >= 2 * HEAD_POOL) {
      throw new ZooShapeError(
        `The authors' head, AvgPool2d(${HEAD_POOL}), leaves more than one pixel of the ${h}x${w} final map, ` +
          "which their fc cannot take. Use an input of at most 416x416, or headPool: 'adaptive'.",
      );
    }
    x = apply(new AvgPool2d({ name: 'avgpool', poolSize: HEAD_POOL }), features);
    x = apply(tfl.layers.flatten({ name: 'flatten' }), x);
  }
  if (o.dropRate > 0) x = apply(tfl.layers.dropout({ rate: o.dropRate, name: 'dropout' }), x);
  return apply(linear(o.numClasses, 'fc', { init: 'torchDefault' }), x);
}

/** One variant per row of `CBAM_RESNET_SPECS`; models.generated.ts exports each variant. */
export const CBAM_RESNET = /* @__PURE__ */ defineFamily(CBAM_RESNET_SPECS, (name, spec, weights): ModelEntry<CbamResNetOptions> => {
  return defineModel<CbamResNetOptions, Resolved>({
    name,
    weights,
    family: 'CBAM',
    package: PACKAGE,
    paper: PAPER,
    extraOptions: {
      headPool: {
        default: 'fixed',
        check: (v) => (v === 'fixed' || v === 'adaptive' ? null : "'fixed' (the authors' AvgPool2d(7)) or 'adaptive' (global average)"),
        doc: "Head pooling: 'fixed' is the authors' AvgPool2d(7) (inputs of about 193-416 pixels); 'adaptive' a global average (any size, the same at 224).",
      },
    },
    architecture: {
      features: (input) =>
        resnetFeatures(spec, input, (y, block) =>
          cbam(y, { name: `${block.name}.cbam`, reductionRatio: REDUCTION, zeroInitSpatialGate: true }),
        ),
      // The CBAM module sits inside each block, before its add: the stages are the ResNet's.
      stages: () => resnetStages(spec),
      classifier,
    },
  });
});
