export {
  type CheckpointConvention,
  type ConventionFit,
  conventionFit,
  detectConvention,
  type KeyRule,
  type MappedKey,
  mapKey,
  NATIVE_CONVENTION,
  shapesFit,
} from '../keys/convention.js';
export {
  type LayerStateDict,
  layerStateDict,
  type MapsStateDict,
  registerStateDictRule,
  type StateDictParam,
  type StateDictRule,
  sameLayout,
  transposed,
  weightOf,
} from '../keys/rules.js';
export { DTYPE_BYTES, FLOAT_DTYPES, type SafetensorsDtype } from './dtypes.js';
export {
  describeReport,
  type MismatchedKey,
  type StateDictReport,
  type WrongDtypeKey,
  ZooCheckpointError,
  ZooCheckpointFormatError,
  ZooPickleError,
  ZooPickleGlobalError,
  ZooPickleLimitError,
  ZooPthError,
  ZooSafetensorsDtypeError,
  ZooSafetensorsHeaderError,
  ZooSafetensorsOffsetError,
  ZooSafetensorsShapeError,
  ZooStateDictError,
  ZooStateDictRuleError,
} from './errors.js';
export { type CheckpointOptions, loadCheckpoint, loadCheckpointFromUrl } from './load.js';
export { loadLayersModelChecked } from './load-layers-model.js';
export {
  checkManifestAgainst,
  checkWeightBytes,
  checkWeightPath,
  type ManifestWeight,
  type ModelJsonInfo,
  type ModelJsonOptions,
  readModelArtifacts,
  readModelJson,
  ZooModelJsonError,
} from './model-json.js';
export { PickleGlobal, type PickleLimits, type PickleValue, type TorchStorage, TorchTensor } from './pickle.js';
export { PthFile, type PthOptions, readCheckpoint, readPth } from './pth.js';
export {
  checkFloat16Finite,
  checkSealedWeights,
  type QuantizeReport,
  quantizeArtifacts,
  quantizeCheckpoint,
  quantizes,
  quantizeValues,
  quantizingHandler,
  sealArtifacts,
  ZOO_METADATA_KEY,
  type ZooModelMetadata,
} from './quantize.js';
export {
  checkQuantizeDtype,
  dequantizeValues,
  isQuantizeDtype,
  MIN_QUANTIZED_VALUES,
  QUANTIZATION_DTYPE_METADATA,
  QUANTIZATION_METADATA,
  QUANTIZE_DTYPES,
  type QuantizeDtype,
  type QuantizedValues,
  ZooQuantizeError,
} from './quantized-values.js';
export { type ReadOptions, readSafetensors, SafetensorsFile, type TensorInfo, type TensorSource } from './safetensors.js';
export { type TensorToWrite, writeSafetensors } from './safetensors-writer.js';
export { exportStateDict, type LoadOptions, loadStateDict, stateDictParams, toSafetensors } from './state-dict.js';
