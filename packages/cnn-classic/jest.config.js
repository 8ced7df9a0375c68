import preset from '../../jest.preset.js';

// The package with the most test time (fit steps, parity at two sizes for ~50 models): two
// workers, so that it takes the second core once the other packages' tests are done.
export default { ...preset, maxWorkers: 2 };
