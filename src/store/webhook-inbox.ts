// The webhook inbox: verified batches wait here between HubSpot's acknowledgement and Temporal's. A row is
// leased by whoever will hand it off (the server that received it, at first); a lease that runs out — the
// server died, or Temporal refused the hand-off — lets any server's sweeper take the row. Hand-offs are at
// least once, which the per-object workflows make harmless (they deduplicate events).
import type { Db, PrismaClient } from './prisma';

export interface InboxBatch<R> {
  id: bigint;
  records: R[];
  /** Failed hand-offs Temporal answered (an unreachable Temporal does not count). */
  attempts?: number;
}

/** Stores a verified batch, leased to the caller for `leaseMs`; resolves once it is committed. */
export async function storeWebhookBatch<R>(prisma: Db, records: readonly R[], leaseMs: number): Promise<bigint> {
  const rows = await prisma.$queryRaw<Array<{ id: bigint }>>`
    INSERT INTO webhook_inbox (lease_until, records)
    VALUES (now() + ${leaseMs} * interval '1 millisecond', ${JSON.stringify(records)}::jsonb)
    RETURNING id`;
  return rows[0]!.id;
}

/** Leases up to `limit` rows whose lease ran out, oldest first; SKIP LOCKED keeps two sweepers apart. */
export async function claimExpiredBatches<R>(
  prisma: PrismaClient,
  options: { limit: number; leaseMs: number; exclude?: readonly string[] },
): Promise<Array<InboxBatch<R>>> {
  const exclude = [...(options.exclude ?? [])];
  return prisma.$queryRaw<Array<InboxBatch<R>>>`
    UPDATE webhook_inbox SET lease_until = now() + ${options.leaseMs} * interval '1 millisecond'
     WHERE id IN (SELECT id FROM webhook_inbox WHERE lease_until < now() AND dead_lettered_at IS NULL AND id::text <> ALL(${exclude}::text[]) ORDER BY id LIMIT ${options.limit} FOR UPDATE SKIP LOCKED)
    RETURNING id, records, attempts`;
}

/** The batch is in Temporal: it leaves the inbox (the workflows and processed_webhook_events keep the facts). */
export async function completeBatch(prisma: PrismaClient, id: bigint): Promise<void> {
  await prisma.$executeRaw`DELETE FROM webhook_inbox WHERE id = ${id}`;
}

/**
 * The hand-off failed: the row keeps only the records still to hand off and becomes available to sweepers
 * after `retryInMs`, with the reason kept; `counted` failures (Temporal answered) add to its attempts.
 */
export async function releaseBatch<R>(
  prisma: PrismaClient,
  id: bigint,
  options: { retryInMs: number; error: string; counted: boolean; records?: readonly R[] },
): Promise<void> {
  const records = options.records === undefined ? null : JSON.stringify(options.records);
  await prisma.$executeRaw`
    UPDATE webhook_inbox SET lease_until = now() + ${options.retryInMs} * interval '1 millisecond', last_error = ${options.error.slice(0, 500)},
           attempts = attempts + ${options.counted ? 1 : 0}, records = COALESCE(${records}::jsonb, records)
     WHERE id = ${id}`;
}

/** Sets the batch aside for good, holding only the records Temporal refused. */
export async function deadLetterBatch<R>(
  prisma: PrismaClient,
  id: bigint,
  options: { error: string; records: readonly R[] },
): Promise<void> {
  await prisma.$executeRaw`
    UPDATE webhook_inbox SET dead_lettered_at = now(), attempts = attempts + 1, last_error = ${options.error.slice(0, 500)},
           records = ${JSON.stringify(options.records)}::jsonb
     WHERE id = ${id}`;
}

/** Rows waiting for a hand-off and the age of the oldest, for /metrics and `hubsync status`. */
export async function inboxBacklog(
  prisma: PrismaClient,
): Promise<{ batches: number; oldestAgeMs: number; deadLettered: number }> {
  const [row] = await prisma.$queryRaw<Array<{ batches: bigint; oldest_age_ms: number | null; dead: bigint }>>`
    SELECT count(*) FILTER (WHERE dead_lettered_at IS NULL) AS batches,
           (extract(epoch FROM now() - min(received_at) FILTER (WHERE dead_lettered_at IS NULL)) * 1000)::float8 AS oldest_age_ms,
           count(*) FILTER (WHERE dead_lettered_at IS NOT NULL) AS dead
      FROM webhook_inbox`;
  return {
    batches: Number(row?.batches ?? 0),
    oldestAgeMs: row?.oldest_age_ms ?? 0,
    deadLettered: Number(row?.dead ?? 0),
  };
}
