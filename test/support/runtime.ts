// A Runtime for tests: the same composition as the entry points, pointed at the test stack.
import { parseConfig, type Config } from '../../src/config';
import { createRuntime, type Runtime } from '../../src/runtime';
import { temporalAddress, testDatabaseUrl } from './env';

export function testConfig(overrides: Record<string, string> = {}): Config {
  return parseConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: testDatabaseUrl(),
    TEMPORAL_ADDRESS: temporalAddress(),
    ...overrides,
  });
}

export function testRuntime(overrides: Record<string, string> = {}): Runtime {
  return createRuntime(testConfig(overrides), 'test');
}
