import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import type { Config } from '../config';
import { ENCRYPTED_ENCODING, EncryptionCodec } from './payload-codec';

// /readyz's proof that this process can read what is in Temporal: the input of the newest workflow on hubsync's
// task queue (running ones first, which are the ones a worker must replay), decoded with this process's key.
// A key that differs from the fleet's, or a missing key while the fleet encrypts, fails it; payloads written
// before encryption was turned on stay readable and pass. The outcome is kept for `cacheMs`, so frequent
// probes cost Temporal two small calls per interval.

export type PayloadKeyCheck = () => Promise<void>;

const text = (bytes: Uint8Array | null | undefined): string => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');

/** Whether this process (its key, or none) can decode the payloads; throws naming the reason when not. */
export async function decodeWithKey(payloads: Payload[], key: string | undefined): Promise<void> {
  if (!key) {
    if (payloads.some((p) => text(p.metadata?.encoding) === ENCRYPTED_ENCODING))
      throw new Error('Temporal payloads are encrypted and this process has no TEMPORAL_PAYLOAD_KEY');
    return;
  }
  await new EncryptionCodec(Buffer.from(key, 'base64')).decode(payloads);
}

export function payloadKeyCheck(
  client: Client,
  config: Pick<Config, 'TEMPORAL_PAYLOAD_KEY' | 'TEMPORAL_NAMESPACE' | 'TEMPORAL_TASK_QUEUE'>,
  cacheMs = 30_000,
): PayloadKeyCheck {
  let checked: { at: number; error?: Error } | undefined;
  const probe = async (): Promise<void> => {
    const namespace = config.TEMPORAL_NAMESPACE;
    const { executions } = await client.workflowService.listWorkflowExecutions({
      namespace,
      pageSize: 1,
      query: `TaskQueue = '${config.TEMPORAL_TASK_QUEUE.replace(/'/g, "\\'")}'`,
    });
    const newest = executions?.[0]?.execution;
    if (!newest) return; // nothing written yet: nothing to misread
    const { history } = await client.workflowService.getWorkflowExecutionHistory({
      namespace,
      execution: newest,
      maximumPageSize: 1,
    });
    const input = history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
    await decodeWithKey(input as Payload[], config.TEMPORAL_PAYLOAD_KEY).catch((err: unknown) => {
      throw new Error(`payload key cannot read workflow ${newest.workflowId ?? ''}: ${(err as Error).message}`);
    });
  };
  return async () => {
    if (!checked || Date.now() - checked.at >= cacheMs) {
      const error = await probe().then(
        () => undefined,
        (err: unknown) => err as Error,
      );
      checked = { at: Date.now(), ...(error ? { error } : {}) };
    }
    if (checked.error) throw checked.error;
  };
}
