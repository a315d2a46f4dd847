import {
  type Client,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type ScheduleOptionsStartWorkflowAction,
} from '@temporalio/client';
import type { Priority } from '@temporalio/common';
import { createTemporalClient } from '../temporal/client';
import type { TemporalConnectionConfig } from '../temporal/connection-options';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { incrementalSyncWorkflow } from '../../workflows/scheduled/incremental-sync';
import { PortalIdKey, SyncDirectionKey, SyncTriggerKey } from '../workflow-safe/search-attributes';
import { incrementalSyncWorkflowId, syncScheduleId } from '../workflow-safe/ids';
import { portalPriority, SYNC_PRIORITY } from '../workflow-safe/priorities';

// The Temporal Schedule that runs a portal's incremental sync every SYNC_INTERVAL_MS. Overlap SKIP: a tick
// that comes while a run (or the first run's backfill) is still going is dropped, not queued, because the
// next run covers everything since the watermark anyway. For the same reason the catch-up window is one
// interval: after an outage, one missed tick is run, not all of them.

export type ScheduleConfig = Pick<
  Config,
  | 'TEMPORAL_TASK_QUEUE'
  | 'TEMPORAL_HUBSPOT_TASK_QUEUE'
  | 'SYNC_INTERVAL_MS'
  | 'SYNC_WINDOW_OVERLAP_MS'
  | 'LINK_CHECK_INTERVAL_MS'
>;

const MIN_CATCHUP_MS = 60_000;

// The SDK's type leaves out `priority`, which its encoder sends and its describe() returns.
type SyncAction = ScheduleOptionsStartWorkflowAction<typeof incrementalSyncWorkflow> & { priority: Priority };

function scheduleAction(portalId: string, config: ScheduleConfig): SyncAction {
  return {
    type: 'startWorkflow',
    workflowType: 'incrementalSyncWorkflow',
    // The server appends the tick's timestamp, so each run has its own readable id.
    workflowId: incrementalSyncWorkflowId(portalId, 'scheduled'),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    priority: portalPriority(portalId, SYNC_PRIORITY),
    args: [
      {
        portalId,
        trigger: 'schedule',
        hubspotTaskQueue: config.TEMPORAL_HUBSPOT_TASK_QUEUE,
        overlapMs: config.SYNC_WINDOW_OVERLAP_MS,
        linkCheckEveryMs: config.LINK_CHECK_INTERVAL_MS,
      },
    ],
    typedSearchAttributes: [
      { key: PortalIdKey, value: portalId },
      { key: SyncTriggerKey, value: 'schedule' },
      { key: SyncDirectionKey, value: 'inbound' },
    ],
    staticSummary: `hourly sync of HubSpot portal ${portalId}`,
  };
}

/**
 * Creates the portal's schedule or brings an existing one up to date with the config (interval, queues,
 * overlap). Idempotent and safe to race: every worker calls it at start. A paused schedule stays paused:
 * an update rewrites the whole schedule, state included, from a describe that may predate a pause still in
 * flight, so an unchanged schedule is left alone rather than rewritten.
 */
export async function ensureSyncSchedule(
  client: Client,
  portalId: string,
  config: ScheduleConfig,
): Promise<'created' | 'updated' | 'unchanged'> {
  const scheduleId = syncScheduleId(portalId);
  const handle = client.schedule.getHandle(scheduleId);
  const spec = { intervals: [{ every: config.SYNC_INTERVAL_MS }] };
  const action = scheduleAction(portalId, config);
  const policies = {
    overlap: ScheduleOverlapPolicy.SKIP,
    catchupWindow: Math.max(config.SYNC_INTERVAL_MS, MIN_CATCHUP_MS),
    pauseOnFailure: false,
  };
  const update = async (): Promise<'updated'> => {
    await handle.update((previous) => ({ ...previous, spec, action, policies }));
    return 'updated';
  };
  try {
    const current = await handle.describe();
    const upToDate =
      current.spec.intervals?.length === 1 &&
      current.spec.intervals[0]?.every === config.SYNC_INTERVAL_MS &&
      current.action.type === 'startWorkflow' &&
      current.action.taskQueue === action.taskQueue &&
      JSON.stringify(current.action.args) === JSON.stringify(action.args) &&
      current.action.priority?.priorityKey === action.priority.priorityKey &&
      current.action.priority?.fairnessKey === action.priority.fairnessKey &&
      current.policies.overlap === policies.overlap &&
      current.policies.catchupWindow === policies.catchupWindow;
    return upToDate ? 'unchanged' : await update();
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
  try {
    await client.schedule.create({ scheduleId, spec, action, policies });
    return 'created';
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return update(); // another worker created it meanwhile
    throw err;
  }
}

export async function pauseSyncSchedule(
  client: Client,
  portalId: string,
  note = 'paused with hubsync schedule pause',
): Promise<void> {
  await client.schedule.getHandle(syncScheduleId(portalId)).pause(note);
}

export async function resumeSyncSchedule(
  client: Client,
  portalId: string,
  note = 'resumed with hubsync schedule resume',
): Promise<void> {
  await client.schedule.getHandle(syncScheduleId(portalId)).unpause(note);
}

/** Runs the scheduled action now; overlap SKIP still applies, so it does nothing while a run is going. */
export async function triggerSyncSchedule(client: Client, portalId: string): Promise<void> {
  await client.schedule.getHandle(syncScheduleId(portalId)).trigger(ScheduleOverlapPolicy.SKIP);
}

export async function describeSyncSchedule(client: Client, portalId: string) {
  return client.schedule.getHandle(syncScheduleId(portalId)).describe();
}

export async function deleteSyncSchedule(client: Client, portalId: string): Promise<void> {
  await client.schedule.getHandle(syncScheduleId(portalId)).delete();
}

/** Worker start-up: the configured portal's schedule exists and matches the config. Failing to is logged, not fatal. */
export async function ensureScheduleOnStart(
  config: ScheduleConfig & TemporalConnectionConfig & Pick<Config, 'TEMPORAL_NAMESPACE' | 'HUBSPOT_PORTAL_ID'>,
  logger: Logger,
): Promise<void> {
  const { connection, client } = createTemporalClient(config);
  try {
    const outcome = await ensureSyncSchedule(client, config.HUBSPOT_PORTAL_ID, config);
    logger.info(
      { scheduleId: syncScheduleId(config.HUBSPOT_PORTAL_ID), outcome, everyMs: config.SYNC_INTERVAL_MS },
      'sync schedule ensured',
    );
  } catch (err) {
    logger.error(
      { err: (err as Error).message, scheduleId: syncScheduleId(config.HUBSPOT_PORTAL_ID) },
      'could not ensure the sync schedule',
    );
  } finally {
    await connection.close();
  }
}
