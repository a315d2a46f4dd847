// Runs once before the suites: fail early and clearly when the stack the tests need is not up.
// scripts/test.sh (the README's `npm test`) starts it; running jest directly expects the same.
import { Client } from 'pg';
import { Connection } from '@temporalio/client';
import { temporalConnectionOptions } from '../../src/temporal/connection-options';
import { testDatabaseUrl, temporalAddress } from './env';
import { testConfig } from './runtime';

export default async function globalSetup(): Promise<void> {
  const pg = new Client({ connectionString: testDatabaseUrl() });
  try {
    await pg.connect();
    await pg.query('SELECT 1 FROM sync_runs LIMIT 1');
  } catch (err) {
    throw new Error(
      `test database not ready at ${testDatabaseUrl()} (run \`npm test\`, which migrates it): ${(err as Error).message}`,
    );
  } finally {
    await pg.end().catch(() => undefined);
  }
  const connection = await Connection.connect({
    ...temporalConnectionOptions(testConfig()),
    connectTimeout: 5000,
  }).catch((err: Error) => {
    throw new Error(
      `Temporal not reachable at ${temporalAddress()} (run \`npm test\`, which starts it): ${err.message}`,
    );
  });
  await connection.close();
}
