// Two projects. `unit`: tests that need no service, spawn no process and wait on no real clock (pure rules, the
// HubSpot client and simulator in process, the CLI's argument handling): `npm run test:unit`. `integration`:
// files named *.integration.test.ts, which need the PostgreSQL and Temporal that scripts/test.sh (`npm test`)
// provides, start the real entry points, or wait out HubSpot's real 10-second rate windows. `npm test` runs both;
// the short chaos run (seed 1, 300 operations) is one of the integration tests, `npm run test:chaos` the full length.
// Tests are transpiled by swc (no type checking here: `npm run typecheck` checks test and source alike).
const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
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
      setupFiles: ['<rootDir>/test/support/quiet-temporal-runtime.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
    },
  ],
};
