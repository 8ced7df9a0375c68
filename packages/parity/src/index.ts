export {
  checkFeatureParity,
  checkParity,
  compareWithReference,
  type FeatureParityOptions,
  type FeatureParityResult,
  ParityError,
  type ParityOptions,
  type ParityResult,
} from './check.js';
export { FEATURE_INFO_SCRIPT, type TimmFeatureInfo, type TimmStage, timmFeatureInfo } from './feature-info.js';
export {
  type FixtureRequest,
  type Fixtures,
  fixturesPassed,
  fixturesRoot,
  REFERENCE_SCRIPT,
  referenceFixtures,
} from './fixtures.js';
export { ensureTimm, ensureTorch, INSTALL_HINT, PYTHON, PYTHON_PACKAGES, pythonEnv, runPython, TIMM_REQUIREMENTS } from './python.js';
export { readWholeFile } from './read-file.js';
export { fillWeights, type RoundTripOptions, type RoundTripResult, saveLoadRoundTrip } from './round-trip.js';
export { checkWeightSetParity, WEIGHTS_SCRIPT, type WeightParityOptions, type WeightParityResult } from './weights.js';
