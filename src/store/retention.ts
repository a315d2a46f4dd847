import { RETENTION_TABLES, type RetentionTable } from '../workflow-safe/retention-tables';
import type { PrismaClient } from './prisma';

// Pruning of hubsync's bookkeeping tables: each holds facts only for a while (dedupe keys within HubSpot's
// retry horizon, dispatched outbox rows, finished runs, resolved failures, conflicts, dead letters, parked
// events: redriven ones at once, the others past their horizon). Deletes
// go in bounded batches so one statement never locks or rewrites much at once.

export type { RetentionTable } from '../workflow-safe/retention-tables';

// Which rows of each table are done with, and the time that ages them; `done`: rows pruned whatever their age.
const PRUNABLE: Record<RetentionTable, { at: string; where: string; done?: string }> = {
  processed_webhook_events: { at: 'processed_at', where: 'true' },
  outbox: { at: 'dispatched_at', where: 'dispatched_at IS NOT NULL' },
  sync_runs: { at: 'finished_at', where: "status <> 'running' AND finished_at IS NOT NULL" },
  sync_failures: { at: 'resolved_at', where: 'resolved_at IS NOT NULL' },
  sync_conflicts: { at: 'created_at', where: 'true' },
  webhook_inbox: { at: 'dead_lettered_at', where: 'dead_lettered_at IS NOT NULL' },
  inbound_parked_events: { at: 'parked_at', where: 'true', done: 'redriven_at IS NOT NULL' },
};

/** Deletes up to `limit` rows of `table` done with for longer than `horizonMs`; returns how many. */
export async function pruneTable(
  prisma: PrismaClient,
  input: { table: RetentionTable; horizonMs: number; limit: number },
): Promise<number> {
  const { at, where, done = 'false' } = PRUNABLE[input.table];
  return prisma.$executeRawUnsafe(
    `DELETE FROM ${input.table} WHERE ctid = ANY(ARRAY(
       SELECT ctid FROM ${input.table}
       WHERE (${where} AND ${at} < now() - $1 * interval '1 millisecond') OR ${done} LIMIT $2))`,
    input.horizonMs,
    input.limit,
  );
}

/** Rows per bookkeeping table (all portals), for `hubsync status`. */
export async function tableSizes(prisma: PrismaClient): Promise<Record<RetentionTable, number>> {
  const rows = await prisma.$queryRawUnsafe<Array<{ name: RetentionTable; n: number }>>(
    RETENTION_TABLES.map((t) => `SELECT '${t}' AS name, count(*)::int AS n FROM ${t}`).join(' UNION ALL '),
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.n])) as Record<RetentionTable, number>;
}
