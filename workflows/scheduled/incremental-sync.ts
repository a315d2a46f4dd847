// One run of a portal's incremental sync (a schedule tick, or `hubsync sync now`): one child workflow per
// object type, in parallel, each applying what changed since its watermark. Types never loaded are handed
// to the backfill first (the portal's first run backfills automatically).
import {
  CancellationScope,
  executeChild,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { SyncCursorActivities } from '../../activities/scheduled/sync-cursors';
import type { SyncRunActivities } from '../../activities/sync-runs';
import { associationPairsWithin, OBJECT_TYPES, type ObjectType } from '../../src/sync/object-types';
import {
  HubSpotObjectTypeKey,
  PortalIdKey,
  SyncDirectionKey,
  SyncTriggerKey,
} from '../../src/workflow-safe/search-attributes';
import {
  associationSyncWorkflowId,
  backfillWorkflowId,
  customObjectSyncWorkflowId,
  objectSyncWorkflowId,
} from '../../src/workflow-safe/ids';
import { STORE_RETRY } from '../../src/workflow-safe/limits';
import { associationSyncWorkflow } from './association-sync';
import { ASSOCIATION_SYNC, BACKFILL_CHILD_PRIORITY, CUSTOM_OBJECTS } from '../../src/workflow-safe/patches';
import { BACKFILL_PRIORITY, portalPriority } from '../../src/workflow-safe/priorities';
import { customObjectSyncWorkflow } from './custom-object-sync';
import { backfillWorkflow } from './backfill';
import { objectSyncWorkflow } from './object-sync';
import { addCounts, describeCounts, emptyCounts, type PageCounts } from '../../src/sync/page-counts';

export interface IncrementalSyncInput {
  portalId: string;
  trigger: 'schedule' | 'manual';
  hubspotTaskQueue: string;
  /** How far each window reaches back before the previous one ended (SYNC_WINDOW_OVERLAP_MS): search index lag. */
  overlapMs: number;
  /** Default: every type. */
  objectTypes?: ObjectType[];
  /**
   * A type's run also checks that every linked row's record still exists in HubSpot when its last check is at
   * least this old (LINK_CHECK_INTERVAL_MS; 0: every run; absent: never).
   */
  linkCheckEveryMs?: number;
  /** Passed to the children: history events before they continue as new. */
  historyLimit?: number;
}

export interface IncrementalSyncResult {
  counts: Partial<Record<ObjectType, PageCounts>>;
  /** Types loaded by the backfill in this run (their first sync), or already being backfilled elsewhere. */
  backfilled: ObjectType[];
  backfillAlreadyRunning: boolean;
  failed: Partial<Record<ObjectType, string>>;
  /** What the association read did (absent when the backfill of this run read them, or nothing was synced). */
  associations?: PageCounts;
  associationsFailed?: string;
  /** What the custom-object sync did (a run of every type; absent when this run's backfill loaded them). */
  customObjects?: PageCounts;
  customObjectsFailed?: string;
}

const store = proxyActivities<SyncCursorActivities & SyncRunActivities>({
  startToCloseTimeout: '30s',
  retry: STORE_RETRY,
});

export async function incrementalSyncWorkflow(input: IncrementalSyncInput): Promise<IncrementalSyncResult> {
  const { portalId, trigger, hubspotTaskQueue } = input;
  const info = workflowInfo();
  const to = Date.now(); // the workflow clock: the same on every replay
  const objectTypes = input.objectTypes ?? [...OBJECT_TYPES];
  upsertSearchAttributes([
    { key: PortalIdKey, value: portalId },
    { key: SyncTriggerKey, value: trigger },
    { key: SyncDirectionKey, value: 'inbound' },
  ]);
  await store.openSyncRun({ runKey: info.runId, portalId, direction: 'inbound', trigger, workflowId: info.workflowId });

  const result: IncrementalSyncResult = { counts: {}, backfilled: [], backfillAlreadyRunning: false, failed: {} };
  try {
    const cursors = await store.loadSyncCursors({ portalId, objectTypes });
    const toBackfill = cursors.filter((c) => c.watermark === null).map((c) => c.objectType);

    const runs: Array<Promise<void>> = cursors
      .filter((c) => c.watermark !== null)
      .map(async ({ objectType, watermark, linksCheckedAt }) => {
        const window = { from: Math.max(0, (watermark as number) - input.overlapMs), to };
        // Owners are few and listed in full on every run: nothing to check.
        const checkLinks =
          objectType !== 'owners' &&
          input.linkCheckEveryMs !== undefined &&
          (linksCheckedAt === null || to - linksCheckedAt >= input.linkCheckEveryMs);
        try {
          result.counts[objectType] = await executeChild(objectSyncWorkflow, {
            workflowId: objectSyncWorkflowId(info.workflowId, objectType),
            args: [
              {
                portalId,
                objectType,
                trigger,
                hubspotTaskQueue,
                window,
                checkLinks,
                ...(input.historyLimit ? { historyLimit: input.historyLimit } : {}),
              },
            ],
            typedSearchAttributes: [
              { key: PortalIdKey, value: portalId },
              { key: HubSpotObjectTypeKey, value: objectType },
              { key: SyncTriggerKey, value: trigger },
              { key: SyncDirectionKey, value: 'inbound' },
            ],
            staticSummary: `${objectType}: changes ${new Date(window.from).toISOString()} → ${new Date(window.to).toISOString()}`,
          });
        } catch (err) {
          result.failed[objectType] = (err as Error).message;
        }
      });

    if (toBackfill.length > 0) runs.push(runBackfill(input, toBackfill, result));
    await Promise.all(runs);
    // Associations converge without webhooks: read for the pairs of the types synced now. A backfill in this
    // run read them itself once loaded.
    const synced = cursors.filter((c) => c.watermark !== null && !(c.objectType in result.failed));
    const pairs = associationPairsWithin(synced.map((c) => c.objectType));
    if (pairs.length > 0 && toBackfill.length === 0 && patched(ASSOCIATION_SYNC)) {
      try {
        result.associations = await executeChild(associationSyncWorkflow, {
          workflowId: associationSyncWorkflowId(info.workflowId),
          args: [
            {
              portalId,
              hubspotTaskQueue,
              pairs,
              ...(input.historyLimit ? { historyLimit: input.historyLimit } : {}),
            },
          ],
          typedSearchAttributes: [
            { key: PortalIdKey, value: portalId },
            { key: SyncTriggerKey, value: trigger },
            { key: SyncDirectionKey, value: 'inbound' },
          ],
          staticSummary: `associations of ${pairs.map((p) => p.join('→')).join(', ')}`,
        });
      } catch (err) {
        result.associationsFailed = (err as Error).message;
      }
    }
    if (input.objectTypes === undefined && toBackfill.length === 0 && patched(CUSTOM_OBJECTS)) {
      try {
        result.customObjects = await executeChild(customObjectSyncWorkflow, {
          workflowId: customObjectSyncWorkflowId(info.workflowId),
          args: [
            {
              portalId,
              hubspotTaskQueue,
              to,
              overlapMs: input.overlapMs,
              ...(input.historyLimit ? { historyLimit: input.historyLimit } : {}),
            },
          ],
          typedSearchAttributes: [
            { key: PortalIdKey, value: portalId },
            { key: SyncTriggerKey, value: trigger },
            { key: SyncDirectionKey, value: 'inbound' },
          ],
          staticSummary: 'custom objects: changes',
        });
      } catch (err) {
        result.customObjectsFailed = (err as Error).message;
      }
    }
  } catch (err) {
    await CancellationScope.nonCancellable(() =>
      store.closeSyncRun({ runKey: info.runId, status: 'failed', counts: {}, error: (err as Error).message }),
    );
    throw err;
  }

  const total = (Object.values(result.counts) as PageCounts[]).reduce((sum, c) => addCounts(sum, c), emptyCounts());
  const failedTypes = [
    ...Object.keys(result.failed),
    ...(result.associationsFailed ? ['associations'] : []),
    ...(result.customObjectsFailed ? ['custom objects'] : []),
  ];
  setCurrentDetails(
    [
      ...Object.entries(result.counts).map(([type, counts]) => `${type}: ${describeCounts(counts as PageCounts)}`),
      ...(result.associations ? [`associations: ${describeCounts(result.associations)}`] : []),
      ...(result.customObjects ? [`custom objects: ${describeCounts(result.customObjects)}`] : []),
      ...(result.backfilled.length > 0 ? [`backfilled: ${result.backfilled.join(', ')}`] : []),
      ...failedTypes.map((type) => `${type} FAILED`),
    ].join('\n'),
  );
  await store.closeSyncRun({
    runKey: info.runId,
    status: failedTypes.length > 0 ? 'failed' : 'completed',
    counts: { ...total },
    ...(failedTypes.length > 0 ? { error: `failed: ${failedTypes.join(', ')}` } : {}),
  });
  return result;
}

async function runBackfill(
  input: IncrementalSyncInput,
  objectTypes: ObjectType[],
  result: IncrementalSyncResult,
): Promise<void> {
  try {
    const progress = await executeChild(backfillWorkflow, {
      workflowId: backfillWorkflowId(input.portalId),
      args: [
        {
          portalId: input.portalId,
          objectTypes,
          hubspotTaskQueue: input.hubspotTaskQueue,
          ...(input.historyLimit ? { historyLimit: input.historyLimit } : {}),
        },
      ],
      // A backfill is long and resumable: it outlives a cancelled or terminated sync run.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      ...(patched(BACKFILL_CHILD_PRIORITY) ? { priority: portalPriority(input.portalId, BACKFILL_PRIORITY) } : {}),
      typedSearchAttributes: [
        { key: PortalIdKey, value: input.portalId },
        { key: SyncTriggerKey, value: 'backfill' },
        { key: SyncDirectionKey, value: 'inbound' },
      ],
      staticSummary: `first load of ${objectTypes.join(', ')}`,
    });
    result.backfilled = objectTypes;
    for (const [type, p] of Object.entries(progress.types)) result.counts[type as ObjectType] = p.counts;
  } catch (err) {
    // Started by `hubsync backfill` (or an earlier run): it sets the watermarks itself when done.
    if (err instanceof WorkflowExecutionAlreadyStartedError) result.backfillAlreadyRunning = true;
    else for (const type of objectTypes) result.failed[type] = (err as Error).message;
  }
}
