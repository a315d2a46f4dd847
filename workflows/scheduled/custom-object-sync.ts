// The custom-object part of a sync run or a backfill: the portal's custom object types discovered again, then
// each type in turn — its first load (full list) or the changes since its watermark (search) and HubSpot's
// archived list — then its associations with every partner its schema names, and its watermark moved to the
// run's time. One page per activity; the workflow continues as new before its history grows long.
import { continueAsNew, proxyActivities, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { CustomObjectPageActivities, DiscoveredType } from '../../activities/scheduled/custom-object-pages';
import type { CustomObjectStoreActivities } from '../../activities/scheduled/custom-object-store';
import type { PageReport } from '../../activities/scheduled/sync-pages';
import { addCounts, describeCounts, emptyCounts, type PageCounts } from '../../src/sync/page-counts';
import {
  historyIsLong,
  PAGE_ACTIVITY_TIMEOUT,
  PAGE_RETRY,
  PAGE_WORKFLOW_HISTORY_LIMIT,
  STORE_RETRY,
} from '../../src/workflow-safe/limits';

export interface CustomObjectSyncInput {
  portalId: string;
  hubspotTaskQueue: string;
  /** Epoch ms, the parent's clock: the end of this run's change window and the watermark a complete type gets. */
  to: number;
  /** How far each window reaches back before the previous one ended (SYNC_WINDOW_OVERLAP_MS). */
  overlapMs: number;
  /** Load every type from its full list again (an explicit backfill). */
  reload?: boolean;
  historyLimit?: number;
  /** Carried across continue-as-new. */
  progress?: CustomObjectSyncProgress;
}

export interface CustomObjectSyncProgress {
  types: DiscoveredType[];
  index: number;
  phase: 'records' | 'archived' | 'associations';
  partner: number;
  cursor?: string;
  archivedSoFar: number;
  counts: PageCounts;
}

const store = proxyActivities<CustomObjectStoreActivities>({ startToCloseTimeout: '30s', retry: STORE_RETRY });

export async function customObjectSyncWorkflow(input: CustomObjectSyncInput): Promise<PageCounts> {
  const { portalId } = input;
  const hubspot = proxyActivities<CustomObjectPageActivities>({
    taskQueue: input.hubspotTaskQueue,
    startToCloseTimeout: PAGE_ACTIVITY_TIMEOUT,
    retry: PAGE_RETRY,
  });
  const state: CustomObjectSyncProgress = input.progress ?? {
    types: await hubspot.discoverCustomObjectTypes({ portalId }),
    index: 0,
    phase: 'records',
    partner: 0,
    archivedSoFar: 0,
    counts: emptyCounts(),
  };

  while (state.index < state.types.length) {
    if (historyIsLong(workflowInfo(), input.historyLimit ?? PAGE_WORKFLOW_HISTORY_LIMIT))
      return continueAsNew<typeof customObjectSyncWorkflow>({ ...input, progress: state });
    const type = state.types[state.index]!;
    const { objectTypeId } = type;
    const loading = input.reload === true || type.watermark === null;
    let page: PageReport;
    if (state.phase === 'records') {
      page = loading
        ? await hubspot.customListPage({ portalId, objectTypeId, after: state.cursor })
        : await hubspot.customChangesPage({
            portalId,
            objectTypeId,
            window: { from: Math.max(0, (type.watermark as number) - input.overlapMs), to: input.to },
            cursor: state.cursor,
          });
    } else if (state.phase === 'archived') {
      page = await hubspot.customArchivedPage({ portalId, objectTypeId, after: state.cursor });
    } else if (state.partner < type.partners.length) {
      page = await hubspot.customAssociationsPage({
        portalId,
        objectTypeId,
        toType: type.partners[state.partner]!,
        after: state.cursor,
        archivedSoFar: state.archivedSoFar,
      });
      state.archivedSoFar += page.archived;
    } else {
      await store.advanceCustomWatermark({ portalId, objectTypeId, to: input.to });
      state.index += 1;
      state.phase = 'records';
      state.partner = 0;
      state.cursor = undefined;
      continue;
    }
    state.counts = addCounts(state.counts, page);
    state.cursor = page.next;
    setCurrentDetails(`custom objects ${objectTypeId} ${state.phase}: ${describeCounts(state.counts)}`);
    if (state.cursor !== undefined) continue;
    // A first load lists live records only: nothing it holds can be archived yet by HubSpot's archived list.
    if (state.phase === 'records') state.phase = loading ? 'associations' : 'archived';
    else if (state.phase === 'archived') state.phase = 'associations';
    else {
      state.partner += 1;
      state.archivedSoFar = 0;
    }
  }
  return state.counts;
}
