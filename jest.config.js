/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The chaos convergence run kills processes and restarts a private Temporal for minutes; it is not yet
  // reliable enough for every `npm test` (see bench/results/chaos.md) and runs with `npm run test:chaos`.
  testPathIgnorePatterns: process.env.CHAOS_RUN ? ['/node_modules/'] : ['/node_modules/', '/test/chaos/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', diagnostics: false }] },
  setupFiles: ['<rootDir>/test/support/quiet-temporal-runtime.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  testTimeout: 60000,
  maxWorkers: 1,
};
