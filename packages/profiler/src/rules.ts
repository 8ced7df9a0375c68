import type * as tfl from '@tensorflow/tfjs-layers';
import { elementsPerSample, type MacCount } from '@zoo/core-blocks/family';

/** Counts one application of a layer, given its input shapes and output shape (batch axis first). */
export type MacRule = (layer: tfl.layers.Layer, inputShapes: tfl.Shape[], outputShape: tfl.Shape) => MacCount;

const zero: MacRule = () => ({ convLinear: 0, attention: 0 });
const linear = (n: number): MacCount => ({ convLinear: n, attention: 0 });

interface ConvConfig {
  kernelSize: number[];
  filters?: number;
  depthMultiplier?: number;
  dataFormat?: 'channelsFirst' | 'channelsLast';
}
const conf = (layer: tfl.layers.Layer) => layer.getConfig() as unknown as ConvConfig;
const channels = (shape: tfl.Shape, c: ConvConfig) => (c.dataFormat === 'channelsFirst' ? shape[1] : shape[shape.length - 1]) ?? 0;
const area = (c: ConvConfig) => c.kernelSize.reduce((a, b) => a * b, 1);

/** Output elements x input channels x kernel area (the reference's convolution rule). */
const conv: MacRule = (layer, [input], output) => {
  const c = conf(layer);
  return linear(elementsPerSample(output) * channels(input, c) * area(c));
};

/**
 * Built-in tfjs-layers classes. Layers that only move, pool, normalise or activate count zero,
 * as in the reference conventions; any class not listed here and without its own `countMacs` is
 * reported as uncounted rather than guessed at.
 */
const BUILT_IN: Record<string, MacRule> = {
  Conv1D: conv,
  Conv2D: conv,
  Conv3D: conv,
  DepthwiseConv2D: (layer, _inputs, output) => linear(elementsPerSample(output) * area(conf(layer))),
  SeparableConv2D: (layer, [input], output) => {
    const c = conf(layer);
    const cin = channels(input, c);
    const spatial = elementsPerSample(output) / channels(output, c);
    const mid = cin * (c.depthMultiplier ?? 1);
    return linear(spatial * mid * area(c) + spatial * mid * channels(output, c));
  },
  // A transposed conv: every input element meets out-channels x kernel-area weights.
  Conv2DTranspose: (layer, [input], output) => {
    const c = conf(layer);
    return linear(elementsPerSample(input) * channels(output, c) * area(c));
  },
  Dense: (_layer, [input], output) => linear(elementsPerSample(output) * (input[input.length - 1] ?? 0)),
};
for (const name of [
  'InputLayer',
  'Activation',
  'ReLU',
  'LeakyReLU',
  'PReLU',
  'ELU',
  'ThresholdedReLU',
  'Softmax',
  'BatchNormalization',
  'LayerNormalization',
  'Add',
  'Subtract',
  'Multiply',
  'Average',
  'Maximum',
  'Minimum',
  'Concatenate',
  'MaxPooling1D',
  'MaxPooling2D',
  'MaxPooling3D',
  'AveragePooling1D',
  'AveragePooling2D',
  'AveragePooling3D',
  'GlobalAveragePooling1D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling1D',
  'GlobalMaxPooling2D',
  'Flatten',
  'Reshape',
  'Permute',
  'RepeatVector',
  'Dropout',
  'SpatialDropout1D',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
  'ZeroPadding2D',
  'Cropping2D',
  'UpSampling2D',
  'Masking',
  'Rescaling',
  'CenterCrop',
  'Resizing',
  'Embedding',
]) {
  BUILT_IN[name] = zero;
}

const custom = new Map<string, MacRule>();

/**
 * Teaches the profiler the cost of a layer class it cannot change (a custom layer of another
 * library). A layer of your own can instead implement `countMacs` (see `CountsMacs`).
 */
export function registerMacRule(className: string, rule: MacRule): void {
  custom.set(className, rule);
}

export function ruleFor(className: string): MacRule | undefined {
  return custom.get(className) ?? BUILT_IN[className];
}
