import './layers/register.js';

export { type ConvNormActArgs, convNormAct } from './blocks/conv-norm-act.js';
export { describe, ZooError, ZooOptionError, ZooShapeError, ZooUnknownModelError } from './errors.js';
export {
  type ClassifyOptions,
  checkModelInput,
  classify,
  classifyBatch,
  endsInSoftmax,
  type InferenceOptions,
  modelInput,
  type Prediction,
} from './inference/classify.js';
export {
  type DataConfig,
  DEFAULT_CROP_PCT,
  dataConfig,
  dataConfigOf,
  fromTimmConfig,
  fromTorchvisionWeights,
  IMAGENET_DATA_CONFIG,
  IMAGENET_MEAN,
  IMAGENET_STD,
  type Interpolation,
  type Triple,
} from './inference/data-config.js';
export { type EmbedOptions, embed, preLogits } from './inference/embed.js';
export { ZooInputTypeError, ZooValueError } from './inference/errors.js';
export { IMAGENET_LABELS } from './inference/imagenet-labels.js';
export { type BrowserImage, type ImageInput, type PixelArray, type PreprocessOptions, preprocess } from './inference/preprocess.js';
export { ACTIVATIONS, Activation, type ActivationArgs, type ActivationName, activation, applyActivation } from './layers/activation.js';
export { Conv2d, type Conv2dArgs } from './layers/conv2d.js';
export { type Pair, pair, windowOutput } from './layers/geometry.js';
export { INIT_NAMES, type InitName, initializer, withZeroInit } from './layers/init.js';
export { type CountsMacs, countsMacs, elementsPerSample, type MacCount, ZERO_MACS } from './layers/macs.js';
export { batchNorm2d, type NormArgs } from './layers/norm.js';
export { AvgPool2d, type AvgPool2dArgs, MaxPool2d, type Pool2dArgs } from './layers/pool2d.js';
export { CUSTOM_LAYERS } from './layers/register.js';
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
