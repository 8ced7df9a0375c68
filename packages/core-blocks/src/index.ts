import './layers/register.js';

export { type ConvNormActArgs, convNormAct } from './blocks/conv-norm-act.js';
export { type InvertedResidualArgs, invertedResidual } from './blocks/inverted-residual.js';
export { type SqueezeExciteArgs, squeezeExcite } from './blocks/squeeze-excite.js';
export * from './checkpoint/index.js';
export { describe, ZooError, ZooOptionError, ZooShapeError, ZooUnknownModelError } from './errors.js';
export { ACTIVATIONS, Activation, type ActivationArgs, type ActivationName, activation, applyActivation } from './layers/activation.js';
export { AdaptiveAvgPool2d, type AdaptiveAvgPool2dArgs, adaptiveWindow } from './layers/adaptive-avg-pool.js';
export { Conv2d, type Conv2dArgs } from './layers/conv2d.js';
export { type Pair, pair, windowOutput } from './layers/geometry.js';
export { constantInitializer, INIT_NAMES, type InitName, initializer, withZeroInit } from './layers/init.js';
export { layerNorm } from './layers/layer-norm.js';
export { LayerScale, type LayerScaleArgs } from './layers/layer-scale.js';
export { type CountsMacs, countsMacs, elementsPerSample, type MacCount, ZERO_MACS } from './layers/macs.js';
export { batchNorm2d, type NormArgs } from './layers/norm.js';
export { AvgPool2d, type AvgPool2dArgs, MaxPool2d, type Pool2dArgs } from './layers/pool2d.js';
export { CUSTOM_LAYERS } from './layers/register.js';
export { StochasticDepth, type StochasticDepthArgs } from './layers/stochastic-depth.js';
export { makeDivisible } from './make-divisible.js';
export {
  type Architecture,
  apply,
  defineModel,
  dense,
  globalPool,
  linearClassifier,
  type ModelDefinition,
  type ModelEntry,
  type PaperRef,
} from './model.js';
export {
  type ClassifierActivation,
  type CreateOptions,
  type ExtraOption,
  type ExtraOptions,
  isPositiveInt,
  type OptionDefaults,
  type Pooling,
  type ResolvedOptions,
  resolveOptions,
} from './options.js';
