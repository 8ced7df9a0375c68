// `@zoo/core-blocks/family`: what a family package is built from (layers, blocks, the model
// contract, checkpoint rules, the registries) on top of everything of the user entry. Apps need
// only `@zoo/core-blocks`; see README.md.
import './index.js';

export { dropPathRateOption, linearDropPathRates } from './base/drop-path.js';
export { describe, ZooError, ZooOptionError, ZooShapeError, ZooUnknownModelError } from './base/errors.js';
export { makeDivisible } from './base/make-divisible.js';
export { normEpsOption } from './base/norm-eps.js';
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
} from './base/options.js';
export {
  multiHeadSelfAttention,
  type SelfAttentionArgs,
  shiftedWindowAttention,
  type WindowAttentionBlockArgs,
} from './blocks/attention.js';
export { type CbamArgs, cbam } from './blocks/cbam.js';
export { type ConvNormActArgs, convNormAct } from './blocks/conv-norm-act.js';
export { type EcaArgs, eca, ecaKernelSize } from './blocks/eca.js';
export { type InvertedResidualArgs, invertedResidual } from './blocks/inverted-residual.js';
export { type InvertedResidualPlace, timmInvertedResidualRules, timmStagePaths } from './blocks/inverted-residual-keys.js';
export { type MlpArgs, mlp } from './blocks/mlp.js';
export { type PatchEmbedArgs, type PatchMergingArgs, patchEmbed, patchMerging } from './blocks/patch-embed.js';
export { type SqueezeExciteArgs, squeezeExcite } from './blocks/squeeze-excite.js';
export { tokenMap } from './blocks/token-map.js';
export * from './checkpoint/index.js';
export { type CatalogLoader, registeredFamilies, registerFamily } from './front-door/families.js';
export {
  type CompiledPlan,
  type Compiler,
  type CreateModelOptions,
  createModel,
  registerCompiler,
  ZooCompilerError,
  ZooModel,
} from './front-door/handle.js';
export {
  getModel,
  hasWeights,
  type ListModelsOptions,
  listModels,
  nearest,
} from './front-door/registry.js';
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
export { classifierOf, type EmbedOptions, embed, preLogits } from './inference/embed.js';
export { ZooInputTypeError, ZooNonFiniteError, ZooValueError } from './inference/errors.js';
export { IMAGENET_LABELS } from './inference/imagenet-labels.js';
export { classLabels, LABELLED_DATASETS } from './inference/labels.js';
export { type LoadedWeights, weightsOf } from './inference/loaded-weights.js';
export { type BrowserImage, type ImageInput, type PixelArray, type PreprocessOptions, preprocess } from './inference/preprocess.js';
export { ACTIVATIONS, Activation, type ActivationArgs, type ActivationName, activation, applyActivation } from './layers/activation.js';
export { AdaptiveAvgPool2d, type AdaptiveAvgPool2dArgs, adaptiveWindow } from './layers/adaptive-avg-pool.js';
export { apply } from './layers/apply.js';
export { attend, MultiHeadAttention, type MultiHeadAttentionArgs, mergeHeads, splitHeads } from './layers/attention.js';
export { ZooBackendError } from './layers/backend-errors.js';
export { TorchBatchNorm, torchBatchNorm } from './layers/batch-norm.js';
export { ChannelPool } from './layers/channel-pool.js';
export { ChannelShuffle, type ChannelShuffleArgs } from './layers/channel-shuffle.js';
export { ChannelSplit, type ChannelSplitArgs } from './layers/channel-split.js';
export { ConvTranspose2d, type ConvTranspose2dArgs } from './layers/conv-transpose2d.js';
export { Conv2d, type Conv2dArgs } from './layers/conv2d.js';
export { type Pair, pair, windowOutput } from './layers/geometry.js';
export { InProjection, type InProjectionArgs } from './layers/in-projection.js';
export { constantInitializer, INIT_NAMES, type InitName, initializer, withZeroInit } from './layers/init.js';
export { layerNorm } from './layers/layer-norm.js';
export { LayerScale, type LayerScaleArgs } from './layers/layer-scale.js';
export { type LinearArgs, linear } from './layers/linear.js';
export { type CountsMacs, countsMacs, elementsPerSample, type MacCount, ZERO_MACS } from './layers/macs.js';
export { batchNorm2d, type NormArgs } from './layers/norm.js';
export { PatchMerge } from './layers/patch-merge.js';
export { AvgPool2d, type AvgPool2dArgs, MaxPool2d, type Pool2dArgs } from './layers/pool2d.js';
export { CUSTOM_LAYERS, registerZooLayers } from './layers/register.js';
export { bicubicAntialiasMatrix } from './layers/resample.js';
export { StochasticDepth, type StochasticDepthArgs } from './layers/stochastic-depth.js';
export {
  ClassToken,
  type ClassTokenArgs,
  PositionEmbedding,
  type PositionEmbeddingArgs,
  TakeToken,
  type TakeTokenArgs,
} from './layers/tokens.js';
export { registerWasmGradients, WASM_GRADIENT_KERNELS, ZooGradientError } from './layers/wasm-gradients.js';
export { relativePositionIndex, roll2d, shiftedWindowMask, WindowAttention, type WindowAttentionArgs } from './layers/window-attention.js';
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
} from './model/data-config.js';
export { defineFamily, type Family, type FamilyBuilder, type FamilyName } from './model/define-family.js';
export {
  type Architecture,
  defineModel,
  type FeatureInfo,
  type FeatureStage,
  featureInfoOf,
  globalPool,
  linearClassifier,
  type ModelDefinition,
  type ModelEntry,
  type PaperRef,
} from './model/model.js';
export { noWeightSets, noWeightsReason } from './model/no-weights.js';
export type {
  KeyConvention,
  WeightAccuracy,
  WeightClasses,
  WeightFile,
  WeightPreprocessing,
  WeightPublisher,
  WeightSet,
} from './model/weight-set.js';
export { weightDataConfig } from './model/weight-set.js';
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
export { findWeightSet } from './weights/find.js';
export type { LoadOptions, WeightsOptions } from './weights/load.js';
