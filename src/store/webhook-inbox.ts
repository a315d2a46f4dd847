// The webhook inbox: verified batches wait here between HubSpot's acknowledgement and Temporal's. A row is
// leased by whoever will hand it off (the server that received it, at first); a lease that runs out — the
// server died, or Temporal refused the hand-off — lets any server's sweeper take the row. Hand-offs are at
// least once, which the per-object workflows make harmless (they deduplicate events).
import type { Db, PrismaClient } from './prisma';

export interface InboxBatch<R> {
  id: bigint;
  records: R[];
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
  options: { limit: number; leaseMs: number },
): Promise<Array<InboxBatch<R>>> {
  return prisma.$queryRaw<Array<InboxBatch<R>>>`
    UPDATE webhook_inbox SET lease_until = now() + ${options.leaseMs} * interval '1 millisecond', attempts = attempts + 1
     WHERE id IN (SELECT id FROM webhook_inbox WHERE lease_until < now() ORDER BY id LIMIT ${options.limit} FOR UPDATE SKIP LOCKED)
    RETURNING id, records`;
}

/** The batch is in Temporal: it leaves the inbox (the workflows and processed_webhook_events keep the facts). */
export async function completeBatch(prisma: PrismaClient, id: bigint): Promise<void> {
  await prisma.$executeRaw`DELETE FROM webhook_inbox WHERE id = ${id}`;
}

/** The hand-off failed: the row becomes available to sweepers after `retryInMs`, with the reason kept. */
export async function releaseBatch(
  prisma: PrismaClient,
  id: bigint,
  options: { retryInMs: number; error: string },
): Promise<void> {
  await prisma.$executeRaw`
    UPDATE webhook_inbox SET lease_until = now() + ${options.retryInMs} * interval '1 millisecond', last_error = ${options.error.slice(0, 500)}
     WHERE id = ${id}`;
}

/** Rows waiting for a hand-off and the age of the oldest, for /metrics and `hubsync status`. */
export async function inboxBacklog(prisma: PrismaClient): Promise<{ batches: number; oldestAgeMs: number }> {
  const [row] = await prisma.$queryRaw<Array<{ batches: bigint; oldest_age_ms: number | null }>>`
    SELECT count(*) AS batches, (extract(epoch FROM now() - min(received_at)) * 1000)::float8 AS oldest_age_ms FROM webhook_inbox`;
  return { batches: Number(row?.batches ?? 0), oldestAgeMs: row?.oldest_age_ms ?? 0 };
}
