import * as tfl from '@tensorflow/tfjs-layers';
import { AdaptiveAvgPool2d, activation, apply, type FeatureStage, linear, type ResolvedOptions } from '@zoo/core-blocks/family';

/** One position of torchvision's `classifier` Sequential: a linear layer, or ReLU, or dropout. */
export type HeadStep = { linear: number | 'classes' } | 'relu' | 'dropout';

/**
 * AlexNet's and VGG's head: adaptive average pooling to a fixed grid (`avgpool`), flattening in
 * PyTorch's channel-major order, then `classifier.<i>` as the reference's Sequential lists it.
 * Flattening channel-major keeps each `classifier.*` weight a plain transpose of PyTorch's.
 */
export function mlpHead(features: tfl.SymbolicTensor, o: ResolvedOptions, grid: number, steps: readonly HeadStep[]): tfl.SymbolicTensor {
  let x = apply(new AdaptiveAvgPool2d({ outputSize: grid, name: 'avgpool' }), features);
  x = apply(tfl.layers.permute({ dims: [3, 1, 2], name: 'avgpool.nchw' }), x);
  x = apply(tfl.layers.flatten({ name: 'flatten' }), x);
  steps.forEach((step, i) => {
    const name = `classifier.${i}`;
    if (step === 'relu') x = apply(activation('relu', name), x);
    else if (step === 'dropout') {
      if (o.dropRate > 0) x = apply(tfl.layers.dropout({ rate: o.dropRate, name }), x);
    } else {
      const units = step.linear === 'classes' ? o.numClasses : step.linear;
      x = apply(linear(units, name, { init: 'torchDefault' }), x);
    }
  });
  return x;
}

/**
 * One piece of AlexNet's or VGG's `features` Sequential: a conv block taking `positions` indices
 * (conv, BatchNorm when there is one, ReLU last) with its output channels and stride, or a max pool
 * (one index, stride 2).
 */
export type SequentialStep = { positions: number; channels: number; stride: number } | 'pool';

/**
 * The stages of a `features` Sequential of conv blocks and max pools, by timm's VGG rule
 * (`feature_info` of `timm/models/vgg.py`): the ReLU before each max pool, at the reduction
 * before that pool, then the last max pool. torchvision's module paths (`features.<i>`) are the
 * zoo's layer names.
 */
export function sequentialStages(steps: readonly SequentialStep[]): FeatureStage[] {
  const stages: FeatureStage[] = [];
  let [i, channels, reduction] = [0, 0, 1];
  for (const step of steps) {
    if (step === 'pool') {
      stages.push({ layer: `features.${i - 1}`, channels, reduction });
      reduction *= 2;
      i += 1;
    } else {
      ({ channels } = step);
      reduction *= step.stride;
      i += step.positions;
    }
  }
  // The last pool ends the Sequential.
  stages.push({ layer: `features.${i - 1}`, channels, reduction });
  return stages;
}
