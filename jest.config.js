// Two projects. `unit`: tests that need no service (pure rules, the HubSpot client and simulator in process,
// the CLI's argument handling): `npm run test:unit`. `integration`: files named *.integration.test.ts, which
// need the PostgreSQL and Temporal that scripts/test.sh (`npm test`) provides. `npm test` runs both; the short
// chaos run (seed 1, 300 operations) is one of the integration tests, `npm run test:chaos` the full length.
const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', diagnostics: false }] },
  setupFiles: ['<rootDir>/test/support/quiet-temporal-runtime.ts'],
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60000,
  maxWorkers: 1,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['\\.integration\\.test\\.ts$'],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['**/*.integration.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
    },
  ],
};
