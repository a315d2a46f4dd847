import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { retentionWorkflow, RetentionInput } from '../../workflows/scheduled/retention';
import { createTemporalClient } from '../temporal/client';
import type { Config } from '../config';
import type { Logger } from '../logger';

// The Temporal Schedule of the retention workflow (workflows/retention.ts): one for the whole deployment,
// every RETENTION_INTERVAL_MS, overlap SKIP (a run still pruning makes the next tick redundant).

export const RETENTION_SCHEDULE_ID = 'hubsync-retention';

export type RetentionConfig = Pick<
  Config,
  | 'TEMPORAL_TASK_QUEUE'
  | 'RETENTION_INTERVAL_MS'
  | 'RETENTION_PROCESSED_EVENTS_MS'
  | 'RETENTION_OUTBOX_MS'
  | 'RETENTION_SYNC_RUNS_MS'
  | 'RETENTION_RESOLVED_FAILURES_MS'
  | 'RETENTION_CONFLICTS_MS'
  | 'RETENTION_DEAD_LETTERS_MS'
  | 'RETENTION_PARKED_EVENTS_MS'
  | 'RETENTION_BATCH_SIZE'
>;

export function retentionInput(config: RetentionConfig): RetentionInput {
  return {
    horizons: {
      processed_webhook_events: config.RETENTION_PROCESSED_EVENTS_MS,
      outbox: config.RETENTION_OUTBOX_MS,
      sync_runs: config.RETENTION_SYNC_RUNS_MS,
      sync_failures: config.RETENTION_RESOLVED_FAILURES_MS,
      sync_conflicts: config.RETENTION_CONFLICTS_MS,
      webhook_inbox: config.RETENTION_DEAD_LETTERS_MS,
      inbound_parked_events: config.RETENTION_PARKED_EVENTS_MS,
    },
    batchSize: config.RETENTION_BATCH_SIZE,
  };
}

/** Creates the schedule or rewrites it to match the config; idempotent, safe to race (every worker calls it). */
export async function ensureRetentionSchedule(client: Client, config: RetentionConfig): Promise<'created' | 'updated'> {
  const handle = client.schedule.getHandle(RETENTION_SCHEDULE_ID);
  const spec = { intervals: [{ every: config.RETENTION_INTERVAL_MS }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'retentionWorkflow',
    workflowId: 'hubsync-retention',
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [retentionInput(config)] as Parameters<typeof retentionWorkflow>,
    staticSummary: 'prunes hubsync bookkeeping tables',
  };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: config.RETENTION_INTERVAL_MS };
  const update = async (): Promise<'updated'> => {
    await handle.update((previous) => ({ ...previous, spec, action, policies }));
    return 'updated';
  };
  try {
    await handle.describe();
    return await update();
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
  try {
    await client.schedule.create({ scheduleId: RETENTION_SCHEDULE_ID, spec, action, policies });
    return 'created';
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return update();
    throw err;
  }
}

/** Worker start-up, like the sync schedule: failing to ensure it is logged, not fatal. */
export async function ensureRetentionScheduleOnStart(
  config: RetentionConfig & Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE' | 'TEMPORAL_PAYLOAD_KEY'>,
  logger: Logger,
): Promise<void> {
  const { connection, client } = createTemporalClient(config);
  try {
    const outcome = await ensureRetentionSchedule(client, config);
    logger.info({ scheduleId: RETENTION_SCHEDULE_ID, outcome }, 'retention schedule ensured');
  } catch (err) {
    logger.error({ err: (err as Error).message }, 'could not ensure the retention schedule');
  } finally {
    await connection.close();
  }
}
