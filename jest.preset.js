import { fileURLToPath } from 'node:url';

// Shared jest set-up for every package: TypeScript tests run as native ESM through ts-jest
// (transpile only; `pnpm typecheck` does the type checking).
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  setupFiles: [fileURLToPath(new URL('./jest.setup.js', import.meta.url))],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
  },
};
