import { fileURLToPath } from 'node:url';

// Shared jest set-up for every package: TypeScript tests run as native ESM through ts-jest
// (transpile only; `pnpm typecheck` does the type checking).
export default {
  testEnvironment: 'node',
  // A worker that used more than this after a test file is replaced by a fresh one: the wasm heap
  // never shrinks, so a file of big models (cnn-classic's front-door and feature checks) would
  // otherwise leave the next file of the same worker gigabytes short (CI saw the OOM killer take
  // a cnn-classic worker at 11.8 GB). Applies where jest runs workers (maxWorkers > 1).
  workerIdleMemoryLimit: '3GB',
  extensionsToTreatAsEsm: ['.ts'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  setupFiles: [fileURLToPath(new URL('./jest.setup.js', import.meta.url))],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
  },
};
