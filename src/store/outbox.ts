// The transactional outbox: platforms INSERT INTO outbox (portal_id, object_type, local_id, fields) in the same
// transaction as their own change; the relay hands committed entries to the push workflows. An entry is marked
// dispatched in the transaction that locked it, after the hand-over succeeded: a crash in between hands it over
// again (at least once), which is harmless because pushing an already-pushed record sends nothing.
import { isPushObjectType, type LocalChange, type PushObjectType } from '../sync/local-changes';
import type { PrismaClient } from './prisma';

export interface OutboxChange extends LocalChange {
  objectType: PushObjectType;
  portalId: string;
}

interface OutboxRow {
  id: bigint;
  object_type: string;
  local_id: string;
  fields: unknown;
}

const columnList = (fields: unknown): string[] | undefined =>
  Array.isArray(fields) && fields.length > 0 && fields.every((f) => typeof f === 'string')
    ? (fields as string[])
    : undefined;

/**
 * Locks up to `limit` undispatched entries of the portal (SKIP LOCKED: several relays never hand over the same
 * entry at once), passes them to `handOver`, then marks them dispatched — all in one transaction, so an entry is
 * marked only when `handOver` resolved. Entries whose object type cannot be pushed become sync_failures rows.
 * Returns how many entries were taken.
 */
export async function dispatchOutbox(
  prisma: PrismaClient,
  options: { portalId: string; limit: number },
  handOver: (changes: OutboxChange[]) => Promise<unknown>,
): Promise<number> {
  return prisma.$transaction(
    async (tx) => {
      const rows = await tx.$queryRaw<OutboxRow[]>`
        SELECT id, object_type, local_id::text AS local_id, fields FROM outbox
         WHERE dispatched_at IS NULL AND portal_id = ${options.portalId}
         ORDER BY id LIMIT ${options.limit} FOR UPDATE SKIP LOCKED`;
      if (rows.length === 0) return 0;
      const changes: OutboxChange[] = [];
      const unusable: OutboxRow[] = [];
      for (const row of rows) {
        if (!isPushObjectType(row.object_type)) {
          unusable.push(row);
          continue;
        }
        const fields = columnList(row.fields);
        changes.push({
          portalId: options.portalId,
          objectType: row.object_type,
          localId: row.local_id,
          ...(fields ? { fields } : {}),
        });
      }
      if (changes.length > 0) await handOver(changes);
      if (unusable.length > 0) {
        await tx.syncFailure.createMany({
          data: unusable.map((row) => ({
            portalId: options.portalId,
            objectType: row.object_type,
            localId: row.local_id,
            direction: 'outbound',
            operation: 'outbox',
            category: 'INVALID_OUTBOX_ENTRY',
            message: `outbox entry ${row.id}: object type "${row.object_type}" cannot be pushed`,
          })),
        });
      }
      const ids = rows.map((r) => r.id.toString());
      await tx.$executeRaw`UPDATE outbox SET dispatched_at = now() WHERE id = ANY(${ids}::bigint[])`;
      return rows.length;
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
}
