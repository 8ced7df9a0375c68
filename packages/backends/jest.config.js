import preset from '../../jest.preset.js';

// Twenty-one models on three software-rendered backends in one browser: minutes, on a shared machine.
export default { ...preset, testTimeout: 900_000 };
