import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config';
import { dataConverterOption } from './payload-codec';

export interface TemporalHandle {
  connection: Connection;
  client: Client;
}

/**
 * A Temporal client whose connection is opened lazily: the HTTP server must start (and answer /readyz with
 * 503) while Temporal is down, and reconnects by itself once it is back.
 */
export function createTemporalClient(
  config: Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE' | 'TEMPORAL_PAYLOAD_KEY'>,
): TemporalHandle {
  const connection = Connection.lazy({ address: config.TEMPORAL_ADDRESS, connectTimeout: 5_000 });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, ...dataConverterOption(config) });
  return { connection, client };
}

/** Resolves when the Temporal frontend answers its health check within the deadline. */
export async function checkTemporal(connection: Connection, timeoutMs = 2_000): Promise<void> {
  await connection.withDeadline(Date.now() + timeoutMs, async () => {
    await connection.ensureConnected();
    await connection.healthService.check({});
  });
}
