import preset from '../../jest.preset.js';

// The CLI tests start a Node process per call, measured at 1.7-2.1 s each on a loaded 2-core
// machine (turbo runs the docs site's build beside them); jest's default 5 s per test is too tight.
export default { ...preset, testTimeout: 30_000 };
