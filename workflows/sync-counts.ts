// Counts the sync workflows add up page by page and show as their summary. Pure: safe in the sandbox.
import type { RetryPolicy } from '@temporalio/common';
import type { PageCounts } from '../activities/sync-pages';

export type SyncCounts = PageCounts;

export function emptyCounts(): SyncCounts {
  return {
    fetched: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    echoes: 0,
    conflicts: 0,
    stale: 0,
    archived: 0,
    archivedListed: 0,
    archiveRefused: 0,
  };
}

export function addCounts(into: SyncCounts, page: Partial<SyncCounts>): SyncCounts {
  const out = { ...into };
  for (const key of Object.keys(out) as Array<keyof SyncCounts>) out[key] += page[key] ?? 0;
  return out;
}

/** "1200 fetched, 30 inserted, 2 updated, 1168 unchanged, 4 archived" — zero counts left out. */
export function describeCounts(counts: SyncCounts): string {
  const parts = (Object.entries(counts) as Array<[string, number]>)
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${n} ${name}`);
  return parts.length > 0 ? parts.join(', ') : 'nothing fetched';
}

/** A page costs about 6 history events; continue-as-new well before Temporal's 50k-event limit. */
export const HISTORY_LIMIT = 10_000;

/** Temporal's own advice, or `limit` events (lowered by tests to exercise continue-as-new). */
export function historyIsLong(
  info: { continueAsNewSuggested: boolean; historyLength: number },
  limit = HISTORY_LIMIT,
): boolean {
  return info.continueAsNewSuggested || info.historyLength > limit;
}

/** Page activities: one page is well under a second; a dead worker's page is retried after this long. */
export const PAGE_ACTIVITY_TIMEOUT = '20s';
export const PAGE_RETRY: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts: 12,
};
