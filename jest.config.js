/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The short chaos run (seed 1, 300 operations) is part of every `npm test`; `npm run test:chaos` runs the
  // full length on a fresh random seed.
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', diagnostics: false }] },
  setupFiles: ['<rootDir>/test/support/quiet-temporal-runtime.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  testTimeout: 60000,
  maxWorkers: 1,
};
