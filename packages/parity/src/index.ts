export { checkParity, ParityError, type ParityOptions, type ParityResult } from './check.js';
export {
  type FixtureRequest,
  type Fixtures,
  fixturesPassed,
  fixturesRoot,
  REFERENCE_SCRIPT,
  referenceFixtures,
} from './fixtures.js';
export { ensureTorch, INSTALL_HINT, PYTHON } from './python.js';
export { readWholeFile } from './read-file.js';
export { fillWeights, type RoundTripOptions, type RoundTripResult, saveLoadRoundTrip } from './round-trip.js';
