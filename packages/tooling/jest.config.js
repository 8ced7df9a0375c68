import preset from '../../jest.preset.js';

// These tests copy the workspace and run pnpm, turbo, changesets and a registry: one at a time.
export default { ...preset, maxWorkers: 1 };
