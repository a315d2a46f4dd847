// The transactional outbox: platforms INSERT INTO outbox (portal_id, object_type, local_id, fields) in the same
// transaction as their own change; the relay hands committed entries to the push workflows. An entry is marked
// dispatched in the transaction that locked it, after the hand-over succeeded: a crash in between hands it over
// again (at least once), which is harmless because pushing an already-pushed record sends nothing.
// An entry naming association_to_type/association_to_id is an association intent instead (create, or remove
// when association_remove): same relay, same guarantees, handed to the association push.
import type { AssociationChange } from '../sync/association-changes';
import { isPushObjectType, type LocalChange, type PushObjectType } from '../sync/local-changes';
import { isAssociationPair, type CrmObjectType } from '../sync/object-types';
import { TRANSACTION_OPTIONS, type Db, type PrismaClient } from './prisma';

export interface OutboxChange extends LocalChange {
  objectType: PushObjectType;
  portalId: string;
}

export interface NewOutboxEntry {
  portalId: string;
  objectType: string;
  localId: string;
  /** Columns to push; absent = every mapped column. */
  fields?: readonly string[];
}

/** Queues entries in the caller's transaction: hubsync's own writes (push-backs, records to settle again). */
export async function queueOutboxEntries(tx: Db, entries: readonly NewOutboxEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await tx.$executeRawUnsafe(
    `INSERT INTO outbox (portal_id, object_type, local_id, fields)
     SELECT x.portal_id, x.object_type, x.local_id, x.fields
       FROM jsonb_to_recordset($1::jsonb) AS x(portal_id text, object_type text, local_id uuid, fields jsonb)`,
    JSON.stringify(
      entries.map((e) => ({
        portal_id: e.portalId,
        object_type: e.objectType,
        local_id: e.localId,
        fields: e.fields ? [...e.fields] : null,
      })),
    ),
  );
}

export interface OutboxAssociationChange extends AssociationChange {
  portalId: string;
}

/** What one relay tick hands over: record changes for the push workflows, association intents for theirs. */
export interface OutboxHandOver {
  records: OutboxChange[];
  associations: OutboxAssociationChange[];
}

interface OutboxRow {
  id: bigint;
  object_type: string;
  local_id: string;
  fields: unknown;
  association_to_type: string | null;
  association_to_id: string | null;
  association_label: string | null;
  association_remove: boolean;
  created_at: Date;
}

const columnList = (fields: unknown): string[] | undefined =>
  Array.isArray(fields) && fields.length > 0 && fields.every((f) => typeof f === 'string')
    ? (fields as string[])
    : undefined;

/**
 * Locks up to `limit` undispatched entries of the portal (SKIP LOCKED: several relays never hand over the same
 * entry at once), passes them to `handOver`, then marks them dispatched — all in one transaction, so an entry is
 * marked only when `handOver` resolved. Entries that cannot be pushed (an object type hubsync does not push, a
 * pair hubsync does not associate) become sync_failures rows naming why. Returns how many entries were taken.
 */
export async function dispatchOutbox(
  prisma: PrismaClient,
  options: { portalId: string; limit: number },
  handOver: (batch: OutboxHandOver) => Promise<unknown>,
): Promise<number> {
  return prisma.$transaction(
    async (tx) => {
      const rows = await tx.$queryRaw<OutboxRow[]>`
        SELECT id, object_type, local_id::text AS local_id, fields, association_to_type,
               association_to_id::text AS association_to_id, association_label, association_remove, created_at
          FROM outbox
         WHERE dispatched_at IS NULL AND portal_id = ${options.portalId}
         ORDER BY id LIMIT ${options.limit} FOR UPDATE SKIP LOCKED`;
      if (rows.length === 0) return 0;
      const batch: OutboxHandOver = { records: [], associations: [] };
      const unusable: Array<{ row: OutboxRow; why: string }> = [];
      for (const row of rows) {
        if (row.association_to_type !== null && row.association_to_id !== null) {
          if (!isAssociationPair(row.object_type, row.association_to_type)) {
            unusable.push({
              row,
              why: `${row.object_type} and ${row.association_to_type} are not associated by hubsync`,
            });
            continue;
          }
          batch.associations.push({
            portalId: options.portalId,
            fromType: row.object_type as CrmObjectType,
            fromId: row.local_id,
            toType: row.association_to_type as CrmObjectType,
            toId: row.association_to_id,
            label: row.association_label,
            remove: row.association_remove,
            // The platform's change time is its transaction's: weighed against HubSpot's later changes.
            reportedAt: row.created_at.getTime(),
          });
          continue;
        }
        if (!isPushObjectType(row.object_type)) {
          unusable.push({ row, why: `object type "${row.object_type}" cannot be pushed` });
          continue;
        }
        const fields = columnList(row.fields);
        batch.records.push({
          portalId: options.portalId,
          objectType: row.object_type,
          localId: row.local_id,
          ...(fields ? { fields } : {}),
        });
      }
      if (batch.records.length > 0 || batch.associations.length > 0) await handOver(batch);
      if (unusable.length > 0) {
        await tx.syncFailure.createMany({
          data: unusable.map(({ row, why }) => ({
            portalId: options.portalId,
            objectType: row.object_type,
            localId: row.local_id,
            direction: 'outbound',
            operation: 'outbox',
            category: 'INVALID_OUTBOX_ENTRY',
            message: `outbox entry ${row.id}: ${why}`,
          })),
        });
      }
      const ids = rows.map((r) => r.id.toString());
      await tx.$executeRaw`UPDATE outbox SET dispatched_at = now() WHERE id = ANY(${ids}::bigint[])`;
      return rows.length;
    },
    // A relay tick that cannot get a connection soon gives up early: the next tick tries again.
    { ...TRANSACTION_OPTIONS, maxWait: 10_000 },
  );
}
