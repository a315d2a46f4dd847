// The initial load of a portal (or of some object types): HubSpot's list endpoint, 100 records a page, all
// types in parallel, one page per activity. The cursor lives in sync_cursors and moves in the same
// transaction as the page's rows, so a crash anywhere resumes at the first uncommitted page: no gap, no
// duplicate. The `progress` query feeds the CLI's progress bar.
import {
  ApplicationFailure,
  CancellationScope,
  continueAsNew,
  defineQuery,
  executeChild,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { SyncCursorActivities } from '../../activities/scheduled/sync-cursors';
import type { SyncPageActivities } from '../../activities/scheduled/sync-pages';
import type { SyncRunActivities } from '../../activities/sync-runs';
import { associationPairsWithin, OBJECT_TYPES, type ObjectType } from '../../src/sync/object-types';
import { associationSyncWorkflowId, customObjectSyncWorkflowId } from '../../src/workflow-safe/ids';
import { associationSyncWorkflow } from './association-sync';
import { customObjectSyncWorkflow } from './custom-object-sync';
import { ASSOCIATION_SYNC, CUSTOM_OBJECTS, ESTIMATE_BESIDE_PAGES } from '../../src/workflow-safe/patches';
import { addCounts, describeCounts, emptyCounts, type PageCounts } from '../../src/sync/page-counts';
import {
  historyIsLong,
  PAGE_ACTIVITY_TIMEOUT,
  PAGE_RETRY,
  PAGE_WORKFLOW_HISTORY_LIMIT,
  STORE_RETRY,
} from '../../src/workflow-safe/limits';

export interface BackfillInput {
  portalId: string;
  objectTypes: ObjectType[];
  hubspotTaskQueue: string;
  /** Load again types whose backfill already completed (an explicit `hubsync backfill`). */
  restart?: boolean;
  /** History events before continuing as new (default PAGE_WORKFLOW_HISTORY_LIMIT). */
  historyLimit?: number;
  /** Carried across continue-as-new. */
  carried?: { runKey: string; types: Partial<Record<ObjectType, TypeProgress>> };
}

export interface TypeProgress {
  done: number;
  /** HubSpot's count when the backfill began; null when unknown (owners). */
  total: number | null;
  complete: boolean;
  /** After loading: false until every row linked before the load was read back (see checkLinksPage). */
  linksChecked?: boolean;
  /** Where that check stands, across continue-as-new. */
  linksAfter?: string;
  /** The store tracked which rows linked before the load its pages listed: the check reads back only the others. */
  linksTracked?: boolean;
  failed?: string;
  counts: PageCounts;
}

export interface BackfillProgress {
  done: number;
  estimatedTotal: number;
  complete: boolean;
  types: Partial<Record<ObjectType, TypeProgress>>;
  /** What the association read after the load did (absent before it ran). */
  associations?: PageCounts;
  /** What the load of the custom objects did (a backfill of every type loads them all). */
  customObjects?: PageCounts;
}

export const progressQuery = defineQuery<BackfillProgress>('progress');

const store = proxyActivities<SyncCursorActivities & SyncRunActivities>({
  startToCloseTimeout: '30s',
  retry: STORE_RETRY,
});

function summarize(types: Partial<Record<ObjectType, TypeProgress>>): BackfillProgress {
  const all = Object.values(types) as TypeProgress[];
  const done = all.reduce((sum, t) => sum + t.done, 0);
  // A type's count moves while we load it; never report an estimate below what is already done.
  const estimatedTotal = all.reduce((sum, t) => sum + (t.complete ? t.done : Math.max(t.total ?? t.done, t.done)), 0);
  return {
    done,
    estimatedTotal,
    complete: all.every((t) => (t.complete && t.linksChecked !== false) || t.failed !== undefined),
    types,
  };
}

export async function backfillWorkflow(input: BackfillInput): Promise<BackfillProgress> {
  const { portalId } = input;
  const hubspot = proxyActivities<SyncPageActivities>({
    taskQueue: input.hubspotTaskQueue,
    startToCloseTimeout: PAGE_ACTIVITY_TIMEOUT,
    retry: PAGE_RETRY,
  });
  const info = workflowInfo();
  const types: Partial<Record<ObjectType, TypeProgress>> = input.carried?.types ?? {};
  setHandler(progressQuery, () => summarize(types));
  const runKey = input.carried?.runKey ?? info.runId;
  const runKeyOf = (type: ObjectType) => `${runKey}:${type}`;

  let estimating: Promise<void> | undefined;
  if (!input.carried) {
    const states = await store.beginBackfill({
      portalId,
      objectTypes: input.objectTypes,
      restart: input.restart ?? false,
    });
    const besidePages = patched(ESTIMATE_BESIDE_PAGES);
    const totals = besidePages ? {} : await hubspot.estimateTotals({ portalId, objectTypes: input.objectTypes });
    for (const state of states) {
      types[state.objectType] = {
        done: state.backfillDone,
        total: totals[state.objectType] ?? null,
        complete: state.backfillComplete,
        // Absent from the state of a backfill begun before the store tracked listed rows: it checks every link.
        ...(state.backfillLinksTracked ? { linksTracked: true } : {}),
        counts: emptyCounts(),
      };
    }
    const openRuns = states
      .filter((state) => !state.backfillComplete)
      .map(
        (state) => () =>
          store.openSyncRun({
            runKey: runKeyOf(state.objectType),
            portalId,
            objectType: state.objectType,
            direction: 'inbound',
            trigger: 'backfill',
            workflowId: info.workflowId,
          }),
      );
    if (besidePages) {
      // The estimate feeds only the progress query: the pages do not wait for its searches (5 a second), and a
      // failed estimate leaves the totals unknown.
      estimating = hubspot.estimateTotals({ portalId, objectTypes: input.objectTypes }).then(
        (estimated) => {
          for (const [type, total] of Object.entries(estimated) as Array<[ObjectType, number]>) {
            const progress = types[type];
            if (progress) progress.total = total;
          }
        },
        () => undefined,
      );
      await Promise.all(openRuns.map((open) => open()));
    } else {
      for (const open of openRuns) await open();
    }
  }

  let draining = false;
  const load = async (type: ObjectType, progress: TypeProgress): Promise<void> => {
    try {
      while (!progress.complete && !draining) {
        const page = await hubspot.backfillPage({ portalId, objectType: type });
        progress.done = page.done;
        progress.complete = page.complete;
        progress.counts = addCounts(progress.counts, page);
        if (historyIsLong(workflowInfo(), input.historyLimit ?? PAGE_WORKFLOW_HISTORY_LIMIT)) draining = true;
        if (progress.complete && type !== 'owners') progress.linksChecked = false;
      }
      // Rows hubsync held before the load (from webhooks, an earlier load) whose records HubSpot no longer has
      // are in no list the load read: only reading them back by id finds them. Rows the load listed need no read.
      while (progress.complete && progress.linksChecked === false && !draining && type !== 'owners') {
        const page = await hubspot.checkLinksPage({
          portalId,
          objectType: type,
          after: progress.linksAfter,
          ...(progress.linksTracked ? { unseenOnly: true } : {}),
        });
        progress.counts = addCounts(progress.counts, page);
        progress.linksAfter = page.next;
        if (page.next === undefined) {
          progress.linksChecked = true;
          await store.markLinksChecked({ portalId, objectType: type, at: Date.now() }); // the workflow clock
        }
        if (historyIsLong(workflowInfo(), input.historyLimit ?? PAGE_WORKFLOW_HISTORY_LIMIT)) draining = true;
      }
      if (progress.complete && progress.linksChecked !== false) {
        await store.closeSyncRun({
          runKey: runKeyOf(type),
          status: 'completed',
          counts: { ...progress.counts, done: progress.done },
        });
      }
    } catch (err) {
      progress.failed = (err as Error).message;
      await CancellationScope.nonCancellable(() =>
        store.closeSyncRun({
          runKey: runKeyOf(type),
          status: 'failed',
          counts: { ...progress.counts, done: progress.done },
          error: progress.failed,
        }),
      );
      throw err;
    }
  };

  const pending = (Object.entries(types) as Array<[ObjectType, TypeProgress]>).filter(
    ([, p]) => (!p.complete || p.linksChecked === false) && p.failed === undefined,
  );
  const outcomes = await Promise.allSettled(pending.map(([type, progress]) => load(type, progress)));
  await estimating;
  const summary = summarize(types);
  setCurrentDetails(
    `backfill: ${summary.done} of ~${summary.estimatedTotal} records; ${describeCounts(sumCounts(types))}`,
  );

  const failed = (Object.entries(types) as Array<[ObjectType, TypeProgress]>).filter(([, p]) => p.failed !== undefined);
  if (failed.length > 0 || outcomes.some((o) => o.status === 'rejected')) {
    throw ApplicationFailure.create({
      message: `backfill failed for ${failed.map(([t, p]) => `${t} (${p.failed})`).join('; ')}`,
      nonRetryable: true,
    });
  }
  if (!summary.complete) await continueAsNew<typeof backfillWorkflow>({ ...input, carried: { runKey, types } });
  // Once every type is loaded, the associations between the loaded types, read from HubSpot (v4).
  const pairs = associationPairsWithin(input.objectTypes);
  if (pairs.length > 0 && patched(ASSOCIATION_SYNC)) {
    summary.associations = await executeChild(associationSyncWorkflow, {
      workflowId: associationSyncWorkflowId(info.workflowId),
      args: [
        {
          portalId,
          hubspotTaskQueue: input.hubspotTaskQueue,
          pairs,
          ...(input.historyLimit ? { historyLimit: input.historyLimit } : {}),
        },
      ],
      staticSummary: `associations of ${pairs.map((p) => p.join('→')).join(', ')}`,
    });
  }
  if (OBJECT_TYPES.every((type) => input.objectTypes.includes(type)) && patched(CUSTOM_OBJECTS)) {
    summary.customObjects = await executeChild(customObjectSyncWorkflow, {
      workflowId: customObjectSyncWorkflowId(info.workflowId),
      args: [
        {
          portalId,
          hubspotTaskQueue: input.hubspotTaskQueue,
          to: Date.now(), // the workflow clock
          overlapMs: 0,
          reload: true,
          ...(input.historyLimit ? { historyLimit: input.historyLimit } : {}),
        },
      ],
      staticSummary: 'custom objects: load',
    });
  }
  return summary;
}

function sumCounts(types: Partial<Record<ObjectType, TypeProgress>>): PageCounts {
  return (Object.values(types) as TypeProgress[]).reduce((sum, t) => addCounts(sum, t.counts), emptyCounts());
}
