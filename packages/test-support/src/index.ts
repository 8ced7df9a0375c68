export { CHROMIUM, launchChromium } from './browser.js';
export {
  describeFamilyPackage,
  expectModelMatchesReference,
  FAMILY_SUITE_PARTS,
  type FamilySuiteOptions,
  type FamilySuitePart,
} from './family-suite.js';
export { FASHION_MNIST_CLASSES, FASHION_MNIST_DIR, type FashionMnist, type Idx, parseIdx, readFashionMnist } from './fashion-mnist.js';
export { installFastCpuKernels } from './fast-cpu-kernels.js';
export { itHasFeatureMaps, itMatchesTimmFeatureInfo } from './features.js';
export { expectReferenceFigures, referenceNames } from './figures.js';
export {
  calibrateBatchNorm,
  type FineTuneOptions,
  type FineTuneResult,
  fashionAccuracy,
  fashionBatch,
  fineTuneFashionMnist,
  type PhaseResult,
} from './fine-tune.js';
export { expectOneFitStep, type FitStepOptions } from './fit.js';
export { itHasAFrontDoor } from './front-door.js';
export {
  disposeModel,
  type FormatFigures,
  maxRelativeError,
  measureQuantization,
  modelJsonBytesOf,
  type QuantizationFigures,
  type QuantizedCopy,
  quantizedCopy,
  quantizedCopyOf,
  saveArtifacts,
  seededImage,
  seedWeights,
  weightBytesOf,
} from './quantization.js';
export { itRoundTripsQuantizedFiles, MEASURED_QUANTIZATION } from './quantized-round-trip.js';
export { mulberry32 } from './random.js';
export {
  expectLayersMatchReference,
  hasReferenceLayers,
  type ReferenceLayer,
  referenceLayers,
  referenceStateDictKeys,
} from './reference-layers.js';
export { itSavesAndLoadsEveryModel } from './save-load.js';
export { itLoadsWeightSetsLikeTheReference, itPreprocessesLikeTheWeightSources, itTakesTheDefaultSetsPreprocessing } from './weights.js';
