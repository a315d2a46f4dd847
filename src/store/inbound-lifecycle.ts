import type { Prisma } from '../generated/prisma/client';
import { canonicalAssociation } from '../sync/associations';
import { holdAssociationLock } from './association-lock';
import type { ObjectType } from '../sync/object-types';
import { tableFor } from './tables';

// What a HubSpot webhook does to local rows beyond property values: the processed-event log that makes an
// apply idempotent, privacy erasure, merges and association changes. Every function runs inside the
// caller's transaction, so one webhook apply is one commit.

export type Tx = Prisma.TransactionClient;

export interface ProcessedEvent {
  key: string;
  occurredAt: number;
}

/** Records the events of an apply; returns how many were new (0 = this exact apply already committed). */
export async function recordProcessedEvents(
  tx: Tx,
  target: { portalId: string; objectType: ObjectType; objectId: string },
  events: readonly ProcessedEvent[],
): Promise<number> {
  if (events.length === 0) return 0;
  return tx.$executeRawUnsafe(
    `INSERT INTO processed_webhook_events (portal_id, dedupe_key, object_type, object_id, occurred_at)
     SELECT $1, x.key, $2, $3, to_timestamp(x.at / 1000.0)
       FROM jsonb_to_recordset($4::jsonb) AS x(key text, at bigint)
     ON CONFLICT (portal_id, dedupe_key) DO NOTHING`,
    target.portalId,
    target.objectType,
    target.objectId,
    JSON.stringify(events.map((e) => ({ key: e.key, at: e.occurredAt }))),
  );
}

/**
 * GDPR deletion: the contact's typed columns, unmapped properties and sync state are cleared and the row is
 * archived (kept as a tombstone so platform references stay valid and no sync writes it back); its
 * associations are removed; a privacy_erasures row (no personal data) records that it happened. The contacts
 * merged into it, directly or through earlier merges, are part of the erased record in HubSpot: their rows
 * keep no personal data either ("the contact's personal data will be deleted",
 * https://knowledge.hubspot.com/privacy-and-consent/how-do-i-perform-a-gdpr-delete-in-hubspot).
 */
export async function eraseContact(
  tx: Tx,
  input: { portalId: string; hubspotId: string; at: Date },
): Promise<{ localId: string | null }> {
  await holdAssociationLock(tx, input.portalId);
  const spec = tableFor('contacts');
  const rows = await tx.$queryRawUnsafe<Array<{ id: string }>>(
    `UPDATE ${spec.table} SET ${personalDataCleared()}, archived = true,
            archived_at = COALESCE(archived_at, $3::timestamptz), updated_at = now()
      WHERE portal_id = $1 AND hubspot_id = $2 RETURNING id::text AS id`,
    input.portalId,
    input.hubspotId,
    input.at.toISOString(),
  );
  const absorbed = await tx.$queryRawUnsafe<Array<{ hubspot_id: string }>>(
    `WITH RECURSIVE absorbed(hubspot_id, depth) AS (
       SELECT hubspot_id, 1 FROM ${spec.table} WHERE portal_id = $1 AND merged_into_id = $2
       UNION
       SELECT c.hubspot_id, a.depth + 1 FROM ${spec.table} c JOIN absorbed a ON c.merged_into_id = a.hubspot_id
        WHERE c.portal_id = $1 AND a.depth < ${MAX_MERGE_HOPS})
     UPDATE ${spec.table} SET ${personalDataCleared()}, updated_at = now()
      WHERE portal_id = $1 AND hubspot_id IN (SELECT hubspot_id FROM absorbed) RETURNING hubspot_id`,
    input.portalId,
    input.hubspotId,
  );
  // Parked webhook events carry the values HubSpot sent (an email, a name): they go with the record.
  await tx.$executeRawUnsafe(
    `DELETE FROM inbound_parked_events WHERE portal_id = $1 AND object_type = 'contacts' AND object_id = ANY($2::text[])`,
    input.portalId,
    [input.hubspotId, ...absorbed.map((r) => r.hubspot_id)],
  );
  await tx.$executeRawUnsafe(
    `DELETE FROM associations WHERE portal_id = $1 AND ((from_type = 'contacts' AND from_id = $2) OR (to_type = 'contacts' AND to_id = $2))`,
    input.portalId,
    input.hubspotId,
  );
  const localId = rows[0]?.id ?? null;
  await tx.privacyErasure.upsert({
    where: {
      portalId_objectType_hubspotId: { portalId: input.portalId, objectType: 'contacts', hubspotId: input.hubspotId },
    },
    create: {
      portalId: input.portalId,
      objectType: 'contacts',
      hubspotId: input.hubspotId,
      localId,
      occurredAt: input.at,
    },
    update: {},
  });
  return { localId };
}

/** SET list of a privacy deletion: every mapped column, the unmapped properties and the sync state. */
function personalDataCleared(): string {
  const cleared = Object.values(tableFor('contacts').columns).map((c) => `${c.sql} = NULL`);
  return [...cleared, `properties = '{}'::jsonb`, `sync_state = '{}'::jsonb`].join(', ');
}

/** Whether HubSpot's privacy deletion of this record was already honoured (nothing may be written back). */
export async function isErased(
  tx: Tx,
  input: { portalId: string; objectType: ObjectType; hubspotId: string },
): Promise<boolean> {
  const row = await tx.privacyErasure.findUnique({
    where: { portalId_objectType_hubspotId: input },
    select: { id: true },
  });
  return row !== null;
}

/** The survivor a local record was merged into, if it was. */
export async function mergedInto(
  tx: Tx,
  input: { portalId: string; objectType: ObjectType; hubspotId: string },
): Promise<string | null> {
  const spec = tableFor(input.objectType);
  const rows = await tx.$queryRawUnsafe<Array<{ merged_into_id: string | null }>>(
    `SELECT merged_into_id FROM ${spec.table} WHERE portal_id = $1 AND hubspot_id = $2`,
    input.portalId,
    input.hubspotId,
  );
  return rows[0]?.merged_into_id ?? null;
}

/**
 * A merge: the survivor takes over the merged records. When the survivor has no local row yet, the row of
 * the merge's former primary (not known: the oldest row, then the lowest HubSpot id) becomes the survivor's,
 * so platform references to it stay valid (never a merge tombstone: adopting one would leave the survivor
 * pointing at itself); the other merged ids keep (or get) an archived row with mergedIntoId; associations
 * move to the survivor.
 */
export async function takeOverMergedRecords(
  tx: Tx,
  input: {
    portalId: string;
    objectType: ObjectType;
    survivorId: string;
    /** The merge's former primary, when known (a merge event names it; a survivor's merged-id list does not). */
    primaryId: string | null;
    mergedIds: readonly string[];
    at: Date;
  },
): Promise<{ adopted: boolean; archived: number; associationsMoved: number }> {
  await holdAssociationLock(tx, input.portalId);
  const spec = tableFor(input.objectType);
  // A survivor merged away in turn since (its merge applied first) hands what it absorbs on to its own survivor.
  const survivorId = await currentRecordOf(tx, spec.table, input.portalId, input.survivorId);
  const merged = input.mergedIds.filter((id) => id !== survivorId && id !== input.survivorId);
  if (merged.length === 0) return { adopted: false, archived: 0, associationsMoved: 0 };
  const adopted = await tx.$executeRawUnsafe(
    `UPDATE ${spec.table} SET hubspot_id = $2, updated_at = now()
      WHERE id = (SELECT id FROM ${spec.table} WHERE portal_id = $1 AND hubspot_id = ANY($3::text[]) AND merged_into_id IS NULL
                     AND NOT EXISTS (SELECT 1 FROM ${spec.table} WHERE portal_id = $1 AND hubspot_id = $2)
                   ORDER BY (hubspot_id IS NOT DISTINCT FROM $4) DESC, created_at, length(hubspot_id), hubspot_id LIMIT 1)`,
    input.portalId,
    survivorId,
    merged,
    input.primaryId,
  );
  const archived = await tx.$executeRawUnsafe(
    `UPDATE ${spec.table} SET archived = true, archived_at = COALESCE(archived_at, $4::timestamptz), merged_into_id = $2, updated_at = now()
      WHERE portal_id = $1 AND hubspot_id = ANY($3::text[]) AND merged_into_id IS DISTINCT FROM $2`,
    input.portalId,
    survivorId,
    merged,
    input.at.toISOString(),
  );
  // Merged ids never seen locally get a tombstone, so their own late events are recognised and ignored.
  await tx.$executeRawUnsafe(
    `INSERT INTO ${spec.table} (id, portal_id, hubspot_id, archived, archived_at, merged_into_id, updated_at)
     SELECT gen_random_uuid(), $1, x, true, $4::timestamptz, $2, now() FROM unnest($3::text[]) AS x
     ON CONFLICT (portal_id, hubspot_id) DO NOTHING`,
    input.portalId,
    survivorId,
    merged,
    input.at.toISOString(),
  );
  // HubSpot removed an erased survivor's associations with it: what the merged records had goes too.
  const erased = await isErased(tx, { portalId: input.portalId, objectType: input.objectType, hubspotId: survivorId });
  const associationsMoved = await moveAssociations(
    tx,
    input.portalId,
    input.objectType,
    merged,
    erased ? null : survivorId,
  );
  // A merge applied after its survivor's erasure: the adopted row and the merged ones are the erased record's.
  if (erased && input.objectType === 'contacts')
    await eraseContact(tx, { portalId: input.portalId, hubspotId: survivorId, at: input.at });
  return { adopted: adopted > 0, archived, associationsMoved };
}

/**
 * The safety net for merge webhooks that never arrived: merged-away records vanish from HubSpot's lists, so
 * only a survivor's merged ids reveal the merge. Survivors listing ids whose local rows do not yet point at
 * them get the webhook's takeover. Call before the survivors' own values are applied, in that transaction,
 * so a row adopted here is the one they update. Rows already taken over cost one read and no write.
 */
export async function takeOverListedMerges(
  tx: Tx,
  input: {
    portalId: string;
    objectType: ObjectType;
    survivors: ReadonlyArray<{ hubspotId: string; mergedIds: readonly string[] }>;
    at: Date;
  },
): Promise<number> {
  const listed = input.survivors.filter((s) => s.mergedIds.length > 0);
  if (listed.length === 0) return 0;
  const rows = await tx.$queryRawUnsafe<Array<{ hubspot_id: string; merged_into_id: string | null }>>(
    `SELECT hubspot_id, merged_into_id FROM ${tableFor(input.objectType).table} WHERE portal_id = $1 AND hubspot_id = ANY($2::text[])`,
    input.portalId,
    listed.flatMap((s) => s.mergedIds),
  );
  const mergedInto = new Map(rows.map((r) => [r.hubspot_id, r.merged_into_id]));
  let taken = 0;
  for (const survivor of listed) {
    const pending = survivor.mergedIds.filter((id) => mergedInto.has(id) && mergedInto.get(id) !== survivor.hubspotId);
    if (pending.length === 0) continue;
    await takeOverMergedRecords(tx, {
      portalId: input.portalId,
      objectType: input.objectType,
      survivorId: survivor.hubspotId,
      primaryId: null,
      mergedIds: pending,
      at: input.at,
    });
    taken += pending.length;
  }
  return taken;
}

/**
 * Links unlinked local rows to the HubSpot records that name them in hubsync_local_id (see localLinkClaims),
 * before those records are applied, so they update the row instead of inserting a duplicate. updated_at is
 * left alone: linking is not a platform edit.
 */
export async function linkPushedRecords(
  tx: Tx,
  input: { portalId: string; objectType: ObjectType; claims: ReadonlyArray<{ hubspotId: string; localId: string }> },
): Promise<number> {
  if (input.claims.length === 0) return 0;
  const table = tableFor(input.objectType).table;
  return tx.$executeRawUnsafe(
    `UPDATE ${table} AS t SET hubspot_id = x.hubspot_id
       FROM (SELECT DISTINCT ON (local_id) hubspot_id, local_id FROM jsonb_to_recordset($2::jsonb) AS c(hubspot_id text, local_id uuid)) AS x
      WHERE t.portal_id = $1 AND t.id = x.local_id AND t.hubspot_id IS NULL
        AND NOT EXISTS (SELECT 1 FROM ${table} AS o WHERE o.portal_id = $1 AND o.hubspot_id = x.hubspot_id)`,
    input.portalId,
    JSON.stringify(input.claims.map((c) => ({ hubspot_id: c.hubspotId, local_id: c.localId }))),
  );
}

interface AssociationRow {
  from_type: string;
  from_id: string;
  to_type: string;
  to_id: string;
  association_type_id: number;
  association_category: string | null;
  label: string | null;
  archived: boolean;
  last_event_at: Date | null;
}

// Merge chains longer than this are not followed (each hop is one more merge of an already merged record).
export const MAX_MERGE_HOPS = 5;

/** The record a HubSpot id now lives on: itself, or the end of the merge chain its row records. */
async function currentRecordOf(tx: Tx, table: string, portalId: string, hubspotId: string): Promise<string> {
  let current = hubspotId;
  for (let hop = 0; hop < MAX_MERGE_HOPS; hop++) {
    const rows = await tx.$queryRawUnsafe<Array<{ merged_into_id: string | null }>>(
      `SELECT merged_into_id FROM ${table} WHERE portal_id = $1 AND hubspot_id = $2`,
      portalId,
      current,
    );
    const next = rows[0]?.merged_into_id;
    if (!next || next === current) return current;
    current = next;
  }
  return current;
}

/** Moves the associations of `fromIds` to the survivor, or (survivor null: erased) removes them. */
async function moveAssociations(
  tx: Tx,
  portalId: string,
  objectType: ObjectType,
  fromIds: string[],
  survivorId: string | null,
): Promise<number> {
  const rows = await tx.$queryRawUnsafe<AssociationRow[]>(
    `DELETE FROM associations
      WHERE portal_id = $1 AND ((from_type = $2 AND from_id = ANY($3::text[])) OR (to_type = $2 AND to_id = ANY($3::text[])))
      RETURNING from_type, from_id, to_type, to_id, association_type_id, association_category, label, archived, last_event_at`,
    portalId,
    objectType,
    fromIds,
  );
  if (survivorId === null) return rows.length;
  const moved = rows
    .map((row) => {
      const swap = (type: string, id: string) => (type === objectType && fromIds.includes(id) ? survivorId : id);
      const c = canonicalAssociation(
        row.from_type,
        swap(row.from_type, row.from_id),
        row.to_type,
        swap(row.to_type, row.to_id),
      );
      return {
        ...c,
        typeId: row.association_type_id,
        category: row.association_category,
        label: row.label,
        archived: row.archived,
        at: row.last_event_at?.toISOString() ?? null,
      };
    })
    // A record merged with one it was linked to would now be linked to itself: that link disappears.
    .filter((a) => !(a.fromType === a.toType && a.fromId === a.toId));
  if (moved.length === 0) return rows.length;
  // The survivor keeps a link when either side had it live (a merge is a union).
  await tx.$executeRawUnsafe(
    `INSERT INTO associations (portal_id, from_type, from_id, to_type, to_id, association_type_id, association_category, label, archived, last_event_at, updated_at)
     SELECT $1, x.from_type, x.from_id, x.to_type, x.to_id, x.type_id, x.category, x.label, x.archived, x.at, now()
       FROM jsonb_to_recordset($2::jsonb) AS x(from_type text, from_id text, to_type text, to_id text, type_id int, category text, label text, archived boolean, at timestamptz)
     ON CONFLICT (portal_id, from_type, from_id, to_type, to_id, association_type_id) DO UPDATE
       SET archived = associations.archived AND EXCLUDED.archived,
           last_event_at = GREATEST(associations.last_event_at, EXCLUDED.last_event_at), updated_at = now()`,
    portalId,
    JSON.stringify(
      dedupeRows(moved).map((a) => ({
        from_type: a.fromType,
        from_id: a.fromId,
        to_type: a.toType,
        to_id: a.toId,
        type_id: a.typeId,
        category: a.category,
        label: a.label,
        archived: a.archived,
        at: a.at,
      })),
    ),
  );
  return rows.length;
}

// Two merged rows can collapse onto one survivor row; one INSERT … ON CONFLICT may not touch a row twice.
function dedupeRows<
  T extends { fromType: string; fromId: string; toType: string; toId: string; typeId: number; archived: boolean },
>(rows: T[]): T[] {
  const byKey = new Map<string, T>();
  for (const row of rows) {
    const key = `${row.fromType}|${row.fromId}|${row.toType}|${row.toId}|${row.typeId}`;
    const prior = byKey.get(key);
    byKey.set(key, prior && !prior.archived ? prior : row);
  }
  return [...byKey.values()];
}
