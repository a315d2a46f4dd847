// The mass-archive guard: one sync run archives at most a share of a type's linked rows (and always up to a
// small floor, so small portals can lose a few records). Archives that a silence-based check infers — rows whose
// record HubSpot reports gone — are refused beyond that, since an incident that answers "not found" for live
// records would otherwise empty the table in one run. Pure: safe in workflows.

export interface ArchiveAllowanceInput {
  /** The type's live linked rows before this run archived any (live now + archived so far this run). */
  linkedRows: number;
  archivedSoFar: number;
  maxShare: number;
  minCount: number;
}

/** How many rows the run may archive in all. */
export function archiveAllowance(input: Pick<ArchiveAllowanceInput, 'linkedRows' | 'maxShare' | 'minCount'>): number {
  return Math.max(input.minCount, Math.floor(input.linkedRows * input.maxShare));
}

/** Whether archiving `candidates` more rows keeps the run within its allowance. */
export function mayArchive(input: ArchiveAllowanceInput, candidates: number): boolean {
  return input.archivedSoFar + candidates <= archiveAllowance(input);
}
