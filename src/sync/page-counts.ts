// What one sync or backfill page did, added up page by page by the sync workflows and shown as their summary.
// Pure: the page activities return these counts and the workflows sum them in the sandbox.
import type { ApplyCounts } from './apply-record';

export interface PageCounts extends ApplyCounts {
  fetched: number;
  /** Rows newly marked archived locally. */
  archived: number;
  /** Records HubSpot's archived list returned (already archived locally or not). */
  archivedListed: number;
  /** Rows the link check found gone but left live: the mass-archive guard refused them. */
  archiveRefused: number;
}

export function emptyCounts(): PageCounts {
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

export function addCounts(into: PageCounts, page: Partial<PageCounts>): PageCounts {
  const out = { ...into };
  for (const key of Object.keys(out) as Array<keyof PageCounts>) out[key] += page[key] ?? 0;
  return out;
}

/** "1200 fetched, 30 inserted, 2 updated, 1168 unchanged, 4 archived" — zero counts left out. */
export function describeCounts(counts: PageCounts): string {
  const parts = (Object.entries(counts) as Array<[string, number]>)
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${n} ${name}`);
  return parts.length > 0 ? parts.join(', ') : 'nothing fetched';
}
