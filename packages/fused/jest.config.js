import preset from '../../jest.preset.js';

// Forward passes on a shared machine: correctness is tested here, speed is measured by `pnpm bench`.
export default { ...preset, testTimeout: 180_000 };
