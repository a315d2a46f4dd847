// One object type's part of an incremental sync run: every record changed in the window, one page per
// activity, then HubSpot's archived list (archiving does not bump last-modified, so no change search can
// see it), then — once a day by default — a check that every linked row's record still exists (a merge whose
// webhook was lost and whose survivor was later erased shows in no list). The watermark moves to the window's
// end only after every pass completed.
import {
  CancellationScope,
  continueAsNew,
  proxyActivities,
  setCurrentDetails,
  workflowInfo,
} from '@temporalio/workflow';
import type { SyncCursorActivities } from '../../activities/scheduled/sync-cursors';
import type { PageReport, SyncPageActivities } from '../../activities/scheduled/sync-pages';
import type { SyncRunActivities } from '../../activities/sync-runs';
import type { ObjectType } from '../../src/sync/object-types';
import { addCounts, describeCounts, emptyCounts, type PageCounts } from '../../src/sync/page-counts';
import {
  historyIsLong,
  PAGE_ACTIVITY_TIMEOUT,
  PAGE_RETRY,
  PAGE_WORKFLOW_HISTORY_LIMIT,
  STORE_RETRY,
} from '../../src/workflow-safe/limits';

export interface ObjectSyncInput {
  portalId: string;
  objectType: ObjectType;
  trigger: 'schedule' | 'manual';
  hubspotTaskQueue: string;
  /** Epoch ms; `from` already includes the overlap with the previous window. */
  window: { from: number; to: number };
  /** Also run the link check (see checkLinksPage). */
  checkLinks?: boolean;
  /** History events before continuing as new (default PAGE_WORKFLOW_HISTORY_LIMIT). */
  historyLimit?: number;
  /** Carried across continue-as-new. */
  progress?: ObjectSyncProgress;
}

export interface ObjectSyncProgress {
  runKey: string;
  phase: 'changes' | 'archived' | 'links';
  cursor?: string;
  counts: PageCounts;
  /** Rows the link check archived so far this run (the mass-archive guard's running total). */
  linksArchived?: number;
}

const store = proxyActivities<SyncCursorActivities & SyncRunActivities>({
  startToCloseTimeout: '30s',
  retry: STORE_RETRY,
});

export async function objectSyncWorkflow(input: ObjectSyncInput): Promise<PageCounts> {
  const { portalId, objectType, window } = input;
  const hubspot = proxyActivities<SyncPageActivities>({
    taskQueue: input.hubspotTaskQueue,
    startToCloseTimeout: PAGE_ACTIVITY_TIMEOUT,
    retry: PAGE_RETRY,
  });
  const info = workflowInfo();
  const runKey = input.progress?.runKey ?? info.runId;
  if (!input.progress) {
    await store.openSyncRun({
      runKey,
      portalId,
      objectType,
      direction: 'inbound',
      trigger: input.trigger,
      workflowId: info.workflowId,
    });
  }
  const state: ObjectSyncProgress = input.progress ?? { runKey, phase: 'changes', counts: emptyCounts() };

  const nextPage = (): Promise<PageReport> => {
    const page = { portalId, objectType, after: state.cursor };
    if (state.phase === 'archived') return hubspot.syncArchivedPage(page);
    if (state.phase === 'links' && objectType !== 'owners')
      return hubspot.checkLinksPage({
        portalId,
        objectType,
        after: state.cursor,
        archivedSoFar: state.linksArchived ?? 0,
      });
    if (objectType === 'owners') return hubspot.syncListPage(page);
    return hubspot.syncChangesPage({ portalId, objectType, window, cursor: state.cursor });
  };

  let finished = false;
  try {
    while (!historyIsLong(workflowInfo(), input.historyLimit ?? PAGE_WORKFLOW_HISTORY_LIMIT)) {
      const report = await nextPage();
      state.counts = addCounts(state.counts, report);
      if (state.phase === 'links') state.linksArchived = (state.linksArchived ?? 0) + report.archived;
      state.cursor = report.next;
      setCurrentDetails(`${objectType} ${state.phase}: ${describeCounts(state.counts)}`);
      if (state.cursor !== undefined) continue;
      if (state.phase === 'changes') state.phase = 'archived';
      else if (state.phase === 'archived' && input.checkLinks) state.phase = 'links';
      else {
        finished = true;
        break;
      }
    }
    if (finished) {
      await store.advanceWatermark({ portalId, objectType, to: window.to, linksChecked: input.checkLinks === true });
      await store.closeSyncRun({ runKey, status: 'completed', counts: { ...state.counts } });
    }
  } catch (err) {
    await CancellationScope.nonCancellable(() =>
      store.closeSyncRun({ runKey, status: 'failed', counts: { ...state.counts }, error: (err as Error).message }),
    );
    throw err;
  }
  if (!finished) await continueAsNew<typeof objectSyncWorkflow>({ ...input, progress: state });
  return state.counts;
}
