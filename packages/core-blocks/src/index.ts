// Registers the custom layers for `tf.loadLayersModel`. This file and register.js are listed in
// package.json's `sideEffects`, so that a bare `import '@zoo/core-blocks'` survives bundling.
import './layers/register.js';
import { setWeightsLoader } from './model/model.js';

// `entry.load()` reaches the weights loader through this lazy import: a chunk of its own in a bundle.
setWeightsLoader((entry, options) => import('./weights/load.js').then((m) => m.loadPretrained(entry, options)));

export { ZooError, ZooOptionError, ZooShapeError, ZooUnknownModelError } from './base/errors.js';
export type { ClassifierActivation, CreateOptions, Pooling } from './base/options.js';
// The user entry: models by name, inference, weights and checkpoints, and the errors they throw.
// What only family authors need (layers, blocks, the model contract's builders, key rules) is
// `@zoo/core-blocks/family`.
export {
  type CheckpointOptions,
  exportStateDict,
  loadCheckpoint,
  loadCheckpointFromUrl,
  QUANTIZE_DTYPES,
  type QuantizeDtype,
  type QuantizeReport,
  quantizeArtifacts,
  quantizeCheckpoint,
  quantizingHandler,
  readCheckpoint,
  type StateDictReport,
  toSafetensors,
  ZooCheckpointError,
  ZooCheckpointFormatError,
  ZooModelJsonError,
  ZooPickleError,
  ZooPickleGlobalError,
  ZooPickleLimitError,
  ZooPthError,
  ZooQuantizeError,
  ZooSafetensorsDtypeError,
  ZooSafetensorsHeaderError,
  ZooSafetensorsOffsetError,
  ZooSafetensorsShapeError,
  ZooStateDictError,
  ZooStateDictRuleError,
} from './checkpoint/index.js';
export { type CreateModelOptions, createModel, ZooCompilerError, ZooModel } from './front-door/handle.js';
export { getModel, hasWeights, type ListModelsOptions, listModels } from './front-door/registry.js';
export { type ClassifyOptions, classify, classifyBatch, type InferenceOptions, type Prediction } from './inference/classify.js';
export { type EmbedOptions, embed } from './inference/embed.js';
export { ZooInputTypeError, ZooNonFiniteError, ZooValueError } from './inference/errors.js';
export { IMAGENET_LABELS } from './inference/imagenet-labels.js';
export { classLabels, LABELLED_DATASETS } from './inference/labels.js';
export { type LoadedWeights, weightsOf } from './inference/loaded-weights.js';
export { type BrowserImage, type ImageInput, type PixelArray, type PreprocessOptions, preprocess } from './inference/preprocess.js';
export { ZooBackendError } from './layers/backend-errors.js';
export { withZeroInit } from './layers/init.js';
export { CUSTOM_LAYERS, registerZooLayers } from './layers/register.js';
export { ZooGradientError } from './layers/wasm-gradients.js';
export {
  type DataConfig,
  dataConfig,
  dataConfigOf,
  IMAGENET_DATA_CONFIG,
  IMAGENET_MEAN,
  IMAGENET_STD,
  type Interpolation,
} from './model/data-config.js';
export { type FeatureInfo, featureInfoOf, type ModelEntry, type PaperRef } from './model/model.js';
export type { WeightAccuracy, WeightClasses, WeightFile, WeightPreprocessing, WeightPublisher, WeightSet } from './model/weight-set.js';
export { type CachedWeights, cacheStorageCache, defaultCacheDir, folderCache, type WeightCache } from './weights/cache.js';
export type { Progress } from './weights/download.js';
export { fileUrl, hubUrl, weightsEnv } from './weights/env.js';
export {
  ZooUnknownWeightsError,
  ZooUnsupportedWeightsError,
  ZooWeightsAbortedError,
  ZooWeightsError,
  ZooWeightsFetchError,
  ZooWeightsIntegrityError,
  ZooWeightsTimeoutError,
  ZooWeightsTruncatedError,
} from './weights/errors.js';
export type { LoadOptions, WeightsOptions } from './weights/load.js';
