// Counts the sync workflows add up page by page and show as their summary. Pure: safe in the sandbox.
import type { PageCounts } from '../../activities/scheduled/sync-pages';

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
