// The association part of a sync run or a backfill: for each type pair, its label definitions, then its
// associations page by page (activities/scheduled/association-pages.ts). A pair with no linked row at one end
// and no stored association costs its labels only (pairNeedsRead); the others are read ASSOCIATION_PAIRS_IN_FLIGHT
// at a time, so the HubSpot queue's rate, not one pair's round trips, sets the pace. The workflow continues
// as new before its history grows long.
import { continueAsNew, patched, proxyActivities, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { AssociationPageActivities } from '../../activities/scheduled/association-pages';
import type { AssociationStoreActivities } from '../../activities/scheduled/association-store';
import { pairNeedsRead } from '../../src/sync/association-read';
import type { CrmObjectType } from '../../src/sync/object-types';
import { addCounts, describeCounts, emptyCounts, type PageCounts } from '../../src/sync/page-counts';
import {
  ASSOCIATION_PAIRS_IN_FLIGHT,
  historyIsLong,
  PAGE_ACTIVITY_TIMEOUT,
  PAGE_RETRY,
  PAGE_WORKFLOW_HISTORY_LIMIT,
  STORE_RETRY,
} from '../../src/workflow-safe/limits';
import { ASSOCIATION_READ_SELECTED } from '../../src/workflow-safe/patches';

export interface AssociationSyncInput {
  portalId: string;
  hubspotTaskQueue: string;
  /** Canonical pairs (ASSOCIATION_PAIRS) whose both types this run synced. */
  pairs: Array<[CrmObjectType, CrmObjectType]>;
  historyLimit?: number;
  /** Carried across continue-as-new by runs before ASSOCIATION_READ_SELECTED: one pair after another. */
  progress?: { pair: number; labelsRead: boolean; cursor?: string; archivedSoFar: number; counts: PageCounts };
  /** Carried across continue-as-new: where each pair stands (same order as `pairs`). */
  pairsProgress?: { selected: boolean; pairs: PairProgress[]; counts: PageCounts };
}

export interface PairProgress {
  labelsRead: boolean;
  /** False once the holdings showed nothing to read: the labels only. */
  read: boolean;
  cursor?: string;
  archivedSoFar: number;
  done: boolean;
}

type Hubspot = AssociationPageActivities;

const store = proxyActivities<AssociationStoreActivities>({ startToCloseTimeout: '30s', retry: STORE_RETRY });

export async function associationSyncWorkflow(input: AssociationSyncInput): Promise<PageCounts> {
  const hubspot = proxyActivities<Hubspot>({
    taskQueue: input.hubspotTaskQueue,
    startToCloseTimeout: PAGE_ACTIVITY_TIMEOUT,
    retry: PAGE_RETRY,
  });
  if (!patched(ASSOCIATION_READ_SELECTED)) return readOneAfterAnother(input, hubspot);
  const state = input.pairsProgress ?? fromSerialProgress(input);
  if (!state.selected) {
    const holdings = await store.associationHoldings({ portalId: input.portalId, pairs: input.pairs });
    state.pairs.forEach((p, i) => {
      p.read = p.read && pairNeedsRead(holdings[i]!);
      if (!p.read && p.labelsRead) p.done = true;
    });
    state.selected = true;
  }
  const limit = input.historyLimit ?? PAGE_WORKFLOW_HISTORY_LIMIT;
  let draining = false;
  const readPair = async (i: number): Promise<void> => {
    const [fromType, toType] = input.pairs[i]!;
    const p = state.pairs[i]!;
    while (!p.done && !draining) {
      if (!p.labelsRead) {
        await hubspot.syncAssociationLabels({ portalId: input.portalId, fromType, toType });
        p.labelsRead = true;
        p.done = !p.read;
      } else {
        const page = await hubspot.syncAssociationsPage({
          portalId: input.portalId,
          fromType,
          toType,
          after: p.cursor,
          archivedSoFar: p.archivedSoFar,
        });
        state.counts = addCounts(state.counts, page);
        p.archivedSoFar += page.archived;
        p.cursor = page.next;
        p.done = p.cursor === undefined;
        setCurrentDetails(`associations: ${describeCounts(state.counts)}`);
      }
      if (historyIsLong(workflowInfo(), limit)) draining = true;
    }
  };
  const waiting = state.pairs.flatMap((p, i) => (p.done ? [] : [i]));
  await Promise.all(
    Array.from({ length: Math.min(ASSOCIATION_PAIRS_IN_FLIGHT, waiting.length) }, async () => {
      for (let i = waiting.shift(); i !== undefined && !draining; i = waiting.shift()) await readPair(i);
    }),
  );
  if (state.pairs.some((p) => !p.done))
    return continueAsNew<typeof associationSyncWorkflow>({ ...input, progress: undefined, pairsProgress: state });
  return state.counts;
}

/** Where a run that read one pair after another left off, as per-pair progress (its holdings not read yet). */
function fromSerialProgress(input: AssociationSyncInput): NonNullable<AssociationSyncInput['pairsProgress']> {
  const old = input.progress;
  return {
    selected: false,
    counts: old?.counts ?? emptyCounts(),
    pairs: input.pairs.map((_, i) => {
      if (!old || i > old.pair) return { labelsRead: false, read: true, archivedSoFar: 0, done: false };
      if (i < old.pair) return { labelsRead: true, read: true, archivedSoFar: 0, done: true };
      return {
        labelsRead: old.labelsRead,
        read: true,
        ...(old.cursor === undefined ? {} : { cursor: old.cursor }),
        archivedSoFar: old.archivedSoFar,
        done: false,
      };
    }),
  };
}

/** The read before ASSOCIATION_READ_SELECTED, kept for executions that began on it. */
async function readOneAfterAnother(input: AssociationSyncInput, hubspot: Hubspot): Promise<PageCounts> {
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
