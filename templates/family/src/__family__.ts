import type * as tfl from '@tensorflow/tfjs-layers';
import { activation, apply, Conv2d, convNormAct, defineFamily, defineModel, type ModelEntry, type PaperRef } from '@zoo/core-blocks/family';
import { PACKAGE } from './package-name.js';

/**
 * __Family__: replace this example with the family's reference (name the file it ports, e.g.
 * `timm/models/foo.py`) and name every layer after that reference's module paths, so that its
 * checkpoints map onto these models by name.
 *
 * The example is a small network of depthwise-separable blocks: a strided stem convolution, then
 * stages whose first block halves the resolution.
 */
export interface __Family__Spec {
  /** Output channels of the stem convolution. */
  stem: number;
  /** Output channels of each stage. */
  widths: readonly number[];
  /** Blocks in each stage. */
  depths: readonly number[];
}

const PAPER: PaperRef = {
  title: 'The paper that introduced __Family__',
  authors: 'Its authors',
  year: 2026,
  url: 'https://arxiv.org/abs/0000.00000',
};

/** The variants: a row each, as in the paper's table. */
export const __FAMILY___SPECS = {
  __model__: { stem: 16, widths: [24, 48], depths: [1, 2] },
} as const satisfies Record<string, __Family__Spec>;

export type __Family__Name = keyof typeof __FAMILY___SPECS;

function features(spec: __Family__Spec, input: tfl.SymbolicTensor): tfl.SymbolicTensor {
  let x = apply(new Conv2d({ name: 'stem.conv', filters: spec.stem, kernelSize: 3, strides: 2, padding: 1 }), input);
  x = apply(activation('relu', 'stem.act'), x);
  let channels = spec.stem;
  spec.depths.forEach((depth, stage) => {
    for (let i = 0; i < depth; i++) {
      x = separableBlock(x, `stages.${stage}.${i}`, channels, spec.widths[stage], i === 0 ? 2 : 1);
      channels = spec.widths[stage];
    }
  });
  return x;
}

/** Depthwise 3x3 (one group per channel) then pointwise 1x1, each followed by BatchNorm and ReLU. */
function separableBlock(x: tfl.SymbolicTensor, name: string, inChannels: number, outChannels: number, stride: number) {
  const y = convNormAct(x, {
    conv: `${name}.conv_dw`,
    norm: `${name}.bn_dw`,
    act: { kind: 'relu', name: `${name}.act_dw` },
    filters: inChannels,
    kernelSize: 3,
    strides: stride,
    padding: 1,
    groups: inChannels,
  });
  return convNormAct(y, {
    conv: `${name}.conv_pw`,
    norm: `${name}.bn_pw`,
    act: { kind: 'relu', name: `${name}.act_pw` },
    filters: outChannels,
    kernelSize: 1,
  });
}

/**
 * The family: one variant per row of `__FAMILY___SPECS`. `pnpm models:generate` writes
 * models.generated.ts from the rows, a constant per variant and the catalog: add a variant by
 * adding its row, then regenerate. Its weight sets come from weights.generated.ts once the family
 * has them (`pnpm weights:generate`).
 */
export const __FAMILY__ = /* @__PURE__ */ defineFamily(__FAMILY___SPECS, (name, spec: __Family__Spec, weights): ModelEntry => {
  return defineModel({
    name,
    weights,
    family: '__Family__',
    package: PACKAGE,
    paper: PAPER,
    architecture: {
      features: (input) => features(spec, input),
      // The feature maps of `featuresOnly`: the stem, then each stage's last block (the last output
      // at each reduction, as timm's `feature_info` lists a family's stages).
      stages: () => [
        { layer: 'stem.act', channels: spec.stem, reduction: 2 },
        ...spec.depths.map((depth, stage) => ({
          layer: `stages.${stage}.${depth - 1}.act_pw`,
          module: `stages.${stage}`,
          channels: spec.widths[stage],
          reduction: 2 ** (stage + 2),
        })),
      ],
    },
  });
});
