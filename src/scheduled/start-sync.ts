import { type Client, type WorkflowHandle } from '@temporalio/client';
import type { Config } from '../config';
import type { ObjectType } from '../sync/object-types';
import type { backfillWorkflow } from '../../workflows/scheduled/backfill';
import type { incrementalSyncWorkflow } from '../../workflows/scheduled/incremental-sync';
import { PortalIdKey, SyncDirectionKey, SyncTriggerKey } from '../workflow-safe/search-attributes';
import { backfillWorkflowId, incrementalSyncWorkflowId } from '../workflow-safe/ids';
import { BACKFILL_PRIORITY, portalPriority, SYNC_PRIORITY } from '../workflow-safe/priorities';

// Starting sync runs on demand (the CLI, tests, the demo); the schedule starts the hourly ones.

export type SyncStartConfig = Pick<
  Config,
  'TEMPORAL_TASK_QUEUE' | 'TEMPORAL_HUBSPOT_TASK_QUEUE' | 'SYNC_WINDOW_OVERLAP_MS' | 'LINK_CHECK_INTERVAL_MS'
>;

/**
 * A manual incremental run. It may overlap a scheduled one safely: both apply idempotently and the
 * watermark only ever moves forward.
 */
export async function startManualSync(
  client: Client,
  portalId: string,
  config: SyncStartConfig,
  objectTypes?: ObjectType[],
): Promise<WorkflowHandle<typeof incrementalSyncWorkflow>> {
  return client.workflow.start('incrementalSyncWorkflow', {
    workflowId: incrementalSyncWorkflowId(portalId, `manual-${new Date().toISOString()}`),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    priority: portalPriority(portalId, SYNC_PRIORITY),
    args: [
      {
        portalId,
        trigger: 'manual',
        hubspotTaskQueue: config.TEMPORAL_HUBSPOT_TASK_QUEUE,
        overlapMs: config.SYNC_WINDOW_OVERLAP_MS,
        linkCheckEveryMs: config.LINK_CHECK_INTERVAL_MS,
        ...(objectTypes ? { objectTypes } : {}),
      },
    ],
    typedSearchAttributes: [
      { key: PortalIdKey, value: portalId },
      { key: SyncTriggerKey, value: 'manual' },
      { key: SyncDirectionKey, value: 'inbound' },
    ],
    staticSummary: `manual sync of HubSpot portal ${portalId}`,
  });
}

/**
 * Starts the portal's backfill, or attaches to the one already running (one per portal: its id is fixed),
 * so running `hubsync backfill` twice, or after a crash, follows the same load.
 */
export async function startBackfill(
  client: Client,
  portalId: string,
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'TEMPORAL_HUBSPOT_TASK_QUEUE'>,
  options: { objectTypes: ObjectType[]; restart: boolean },
): Promise<WorkflowHandle<typeof backfillWorkflow>> {
  return client.workflow.start('backfillWorkflow', {
    workflowId: backfillWorkflowId(portalId),
    workflowIdConflictPolicy: 'USE_EXISTING',
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    priority: portalPriority(portalId, BACKFILL_PRIORITY),
    args: [
      {
        portalId,
        objectTypes: options.objectTypes,
        hubspotTaskQueue: config.TEMPORAL_HUBSPOT_TASK_QUEUE,
        restart: options.restart,
      },
    ],
    typedSearchAttributes: [
      { key: PortalIdKey, value: portalId },
      { key: SyncTriggerKey, value: 'backfill' },
      { key: SyncDirectionKey, value: 'inbound' },
    ],
    staticSummary: `backfill of ${options.objectTypes.join(', ')}`,
  });
}
