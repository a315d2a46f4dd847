// Association changes and the lifecycle changes that move or remove associations (a merge takeover, a privacy
// erasure) of one portal exclude each other until commit. Under READ COMMITTED neither sees what the other has
// not committed: an association apply that read an id as not yet merged (or erased) would store its row after
// the takeover had moved (or the erasure removed) that id's rows, and the row would stay on the tombstone.
// Applies share the lock (they may run together); a takeover or erasure holds it alone, so whichever commits
// second sees the first. One key per portal rather than one per record: a single key needs no lock order and
// cannot deadlock as long as no transaction takes it shared before taking it exclusively (applies never take
// over or erase after their association changes). Released at commit or rollback (transaction-scoped).
import type { Db } from './prisma';

// The first half of the two-key advisory lock: this lock's namespace, the portal's hash the second half.
const ASSOCIATION_LOCK_SPACE = 48_151;

/** Taken by association applies, before they read merges and erasures. */
export async function shareAssociationLock(db: Db, portalId: string): Promise<void> {
  await db.$queryRawUnsafe(
    `SELECT pg_advisory_xact_lock_shared($1::int, hashtext($2))::text`,
    ASSOCIATION_LOCK_SPACE,
    portalId,
  );
}

/** Taken by merge takeovers and erasures, before they read or move the records' associations. */
export async function holdAssociationLock(db: Db, portalId: string): Promise<void> {
  await db.$queryRawUnsafe(
    `SELECT pg_advisory_xact_lock($1::int, hashtext($2))::text`,
    ASSOCIATION_LOCK_SPACE,
    portalId,
  );
}
