import preset from '../../jest.preset.js';

// Forward passes and fit steps on a shared machine: correctness is tested here, speed is not.
export default { ...preset, testTimeout: 180_000 };
