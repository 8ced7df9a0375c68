import preset from '../../jest.preset.js';

// A Vite build, a checkpoint written by PyTorch and a browser: minutes, not seconds, on a shared machine.
export default { ...preset, testTimeout: 300_000 };
