// The association part of a sync run or a backfill: for each type pair, its label definitions, then its
// associations page by page (activities/scheduled/association-pages.ts). Pairs run one after another; the
// workflow continues as new before its history grows long.
import { continueAsNew, proxyActivities, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { AssociationPageActivities } from '../../activities/scheduled/association-pages';
import type { CrmObjectType } from '../../src/sync/object-types';
import { addCounts, describeCounts, emptyCounts, type PageCounts } from '../../src/sync/page-counts';
import {
  historyIsLong,
  PAGE_ACTIVITY_TIMEOUT,
  PAGE_RETRY,
  PAGE_WORKFLOW_HISTORY_LIMIT,
} from '../../src/workflow-safe/limits';

export interface AssociationSyncInput {
  portalId: string;
  hubspotTaskQueue: string;
  /** Canonical pairs (ASSOCIATION_PAIRS) whose both types this run synced. */
  pairs: Array<[CrmObjectType, CrmObjectType]>;
  historyLimit?: number;
  /** Carried across continue-as-new. */
  progress?: { pair: number; labelsRead: boolean; cursor?: string; archivedSoFar: number; counts: PageCounts };
}

export async function associationSyncWorkflow(input: AssociationSyncInput): Promise<PageCounts> {
  const hubspot = proxyActivities<AssociationPageActivities>({
    taskQueue: input.hubspotTaskQueue,
    startToCloseTimeout: PAGE_ACTIVITY_TIMEOUT,
    retry: PAGE_RETRY,
  });
  const state = input.progress ?? { pair: 0, labelsRead: false, archivedSoFar: 0, counts: emptyCounts() };
  while (state.pair < input.pairs.length) {
    if (historyIsLong(workflowInfo(), input.historyLimit ?? PAGE_WORKFLOW_HISTORY_LIMIT))
      return continueAsNew<typeof associationSyncWorkflow>({ ...input, progress: state });
    const [fromType, toType] = input.pairs[state.pair]!;
    if (!state.labelsRead) {
      await hubspot.syncAssociationLabels({ portalId: input.portalId, fromType, toType });
      state.labelsRead = true;
      continue;
    }
    const page = await hubspot.syncAssociationsPage({
      portalId: input.portalId,
      fromType,
      toType,
      after: state.cursor,
      archivedSoFar: state.archivedSoFar,
    });
    state.counts = addCounts(state.counts, page);
    state.archivedSoFar += page.archived;
    state.cursor = page.next;
    setCurrentDetails(`associations ${fromType}→${toType}: ${describeCounts(state.counts)}`);
    if (state.cursor === undefined) {
      state.pair += 1;
      state.labelsRead = false;
      state.archivedSoFar = 0;
    }
  }
  return state.counts;
}
