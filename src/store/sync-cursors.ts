import type { Prisma } from '../generated/prisma/client';
import {
  applyInboundRecords,
  type ApplyInboundOptions,
  type ApplyInboundResult,
  type InboundRecord,
} from './hubspot-records';
import { inTransaction, type PrismaClient } from './prisma';
import { tableFor } from './tables';
import type { ObjectType } from '../sync/object-types';

// Where each portal's incremental sync and backfill stand (the sync_cursors table). The watermark only moves
// forward and only once a whole window is applied; the backfill cursor moves in the same transaction as the
// rows of the page it follows, so after a crash the next page read is exactly the first one not committed.

type Tx = Prisma.TransactionClient;

export interface CursorState {
  objectType: ObjectType;
  /** Epoch ms; null until the type's first backfill completed (the next sync run backfills it). */
  watermark: number | null;
  backfillCursor: string | null;
  backfillDone: number;
  backfillStarted: boolean;
  /** Epoch ms the running (or last) backfill began; null before the first. */
  backfillStartedAt: number | null;
  backfillComplete: boolean;
  /** Epoch ms: the window end of the last run that checked the type's links (null: never). */
  linksCheckedAt: number | null;
  /** The running backfill knows which rows linked before it its pages have not listed (backfill_unseen_links). */
  backfillLinksTracked: boolean;
}

interface CursorRow {
  object_type: string;
  watermark: Date | null;
  backfill_cursor: string | null;
  backfill_done: number;
  backfill_started_at: Date | null;
  backfill_completed_at: Date | null;
  links_checked_at: Date | null;
  backfill_links_tracked: boolean;
}

function toState(objectType: ObjectType, row: CursorRow | undefined): CursorState {
  return {
    objectType,
    watermark: row?.watermark ? row.watermark.getTime() : null,
    backfillCursor: row?.backfill_cursor ?? null,
    backfillDone: row?.backfill_done ?? 0,
    backfillStarted: Boolean(row?.backfill_started_at),
    backfillStartedAt: row?.backfill_started_at ? row.backfill_started_at.getTime() : null,
    backfillComplete: Boolean(row?.backfill_completed_at),
    linksCheckedAt: row?.links_checked_at ? row.links_checked_at.getTime() : null,
    backfillLinksTracked: row?.backfill_links_tracked ?? false,
  };
}

export async function readCursors(
  prisma: PrismaClient,
  portalId: string,
  objectTypes: readonly ObjectType[],
): Promise<CursorState[]> {
  const rows = await prisma.$queryRawUnsafe<CursorRow[]>(
    `SELECT object_type, watermark, backfill_cursor, backfill_done, backfill_started_at, backfill_completed_at, links_checked_at,
            backfill_links_tracked
       FROM sync_cursors WHERE portal_id = $1 AND object_type = ANY($2::text[])`,
    portalId,
    [...objectTypes],
  );
  const byType = new Map(rows.map((row) => [row.object_type, row]));
  return objectTypes.map((type) => toState(type, byType.get(type)));
}

/**
 * Prepares a backfill of these types: a type never backfilled starts now; one interrupted resumes where its
 * last committed page left it; one completed starts over only when `restart` (an explicit `hubsync backfill`).
 * A type that starts snapshots the ids of its rows linked to HubSpot into backfill_unseen_links; each page
 * strikes the ids it lists, so the check after the load reads back only what the load never saw.
 */
export async function beginBackfill(
  prisma: PrismaClient,
  input: { portalId: string; objectTypes: readonly ObjectType[]; restart: boolean },
): Promise<CursorState[]> {
  await inTransaction(prisma, async (tx) => {
    const starting = await tx.$queryRawUnsafe<Array<{ object_type: ObjectType }>>(
      `SELECT t AS object_type FROM unnest($2::text[]) AS t
         LEFT JOIN sync_cursors c ON c.portal_id = $1 AND c.object_type = t
        WHERE c.portal_id IS NULL OR c.backfill_started_at IS NULL OR ($3 AND c.backfill_completed_at IS NOT NULL)`,
      input.portalId,
      [...input.objectTypes],
      input.restart,
    );
    await tx.$executeRawUnsafe(
      `INSERT INTO sync_cursors (portal_id, object_type, backfill_started_at, updated_at)
         SELECT $1, t, now(), now() FROM unnest($2::text[]) AS t
       ON CONFLICT (portal_id, object_type) DO UPDATE SET
         backfill_cursor     = CASE WHEN $3 AND sync_cursors.backfill_completed_at IS NOT NULL THEN NULL ELSE sync_cursors.backfill_cursor END,
         backfill_done       = CASE WHEN $3 AND sync_cursors.backfill_completed_at IS NOT NULL THEN 0 ELSE sync_cursors.backfill_done END,
         backfill_started_at = CASE WHEN ($3 AND sync_cursors.backfill_completed_at IS NOT NULL) OR sync_cursors.backfill_started_at IS NULL
                                    THEN now() ELSE sync_cursors.backfill_started_at END,
         backfill_completed_at = CASE WHEN $3 THEN NULL ELSE sync_cursors.backfill_completed_at END,
         updated_at = now()`,
      input.portalId,
      [...input.objectTypes],
      input.restart,
    );
    // Owners have no link check (they are listed in full on every run).
    const tracked = starting.map((r) => r.object_type).filter((type) => type !== 'owners');
    if (tracked.length === 0) return;
    await tx.$executeRawUnsafe(
      `DELETE FROM backfill_unseen_links WHERE portal_id = $1 AND object_type = ANY($2::text[])`,
      input.portalId,
      tracked,
    );
    for (const type of tracked) {
      await tx.$executeRawUnsafe(
        `INSERT INTO backfill_unseen_links (portal_id, object_type, hubspot_id)
         SELECT portal_id, $2, hubspot_id FROM ${tableFor(type).table}
          WHERE portal_id = $1 AND archived = false AND hubspot_id IS NOT NULL`,
        input.portalId,
        type,
      );
    }
    await tx.$executeRawUnsafe(
      `UPDATE sync_cursors SET backfill_links_tracked = true WHERE portal_id = $1 AND object_type = ANY($2::text[])`,
      input.portalId,
      tracked,
    );
  });
  return readCursors(prisma, input.portalId, input.objectTypes);
}

/**
 * Moves the watermark to `to` (never backwards: two overlapping runs both end up at the later one), and records
 * a completed link check the same way.
 */
export async function advanceWatermark(
  prisma: PrismaClient,
  input: { portalId: string; objectType: ObjectType; to: number; linksChecked?: boolean },
): Promise<void> {
  await prisma.$executeRawUnsafe(
    `INSERT INTO sync_cursors (portal_id, object_type, watermark, links_checked_at, updated_at) VALUES ($1, $2, $3::timestamptz, $4::timestamptz, now())
     ON CONFLICT (portal_id, object_type) DO UPDATE SET watermark = GREATEST(sync_cursors.watermark, EXCLUDED.watermark),
       links_checked_at = GREATEST(sync_cursors.links_checked_at, EXCLUDED.links_checked_at), updated_at = now()`,
    input.portalId,
    input.objectType,
    new Date(input.to).toISOString(),
    input.linksChecked ? new Date(input.to).toISOString() : null,
  );
}

/**
 * Records a link check completed outside a sync run (after a backfill), never moving the time backwards, and
 * drops what remained of the backfill's snapshot.
 */
export async function markLinksChecked(
  prisma: PrismaClient,
  input: { portalId: string; objectType: ObjectType; at: number },
): Promise<void> {
  await inTransaction(prisma, async (tx) => {
    await tx.$executeRawUnsafe(
      `INSERT INTO sync_cursors (portal_id, object_type, links_checked_at, updated_at) VALUES ($1, $2, $3::timestamptz, now())
       ON CONFLICT (portal_id, object_type) DO UPDATE SET links_checked_at = GREATEST(sync_cursors.links_checked_at, EXCLUDED.links_checked_at),
         backfill_links_tracked = false, updated_at = now()`,
      input.portalId,
      input.objectType,
      new Date(input.at).toISOString(),
    );
    await tx.$executeRawUnsafe(
      `DELETE FROM backfill_unseen_links WHERE portal_id = $1 AND object_type = $2`,
      input.portalId,
      input.objectType,
    );
  });
}

/** One page of the type's live rows linked to a HubSpot record, in hubspot_id order after `after`. */
export async function linkedIds(
  prisma: PrismaClient,
  input: { table: string; portalId: string; after?: string; limit: number },
): Promise<string[]> {
  const rows = (await prisma.$queryRawUnsafe(
    `SELECT hubspot_id FROM ${input.table}
      WHERE portal_id = $1 AND archived = false AND hubspot_id IS NOT NULL AND hubspot_id > $2
      ORDER BY hubspot_id LIMIT $3`,
    input.portalId,
    input.after ?? '',
    input.limit,
  )) as Array<{ hubspot_id: string }>;
  return rows.map((r) => r.hubspot_id);
}

/** The type's live rows linked to a HubSpot record. */
export async function countLinked(prisma: PrismaClient, input: { table: string; portalId: string }): Promise<number> {
  const rows = (await prisma.$queryRawUnsafe(
    `SELECT count(*)::int AS n FROM ${input.table} WHERE portal_id = $1 AND archived = false AND hubspot_id IS NOT NULL`,
    input.portalId,
  )) as Array<{ n: number }>;
  return rows[0]?.n ?? 0;
}

/**
 * One page of the rows linked when the backfill began that none of its pages listed and that are still live,
 * in hubspot_id order after `after`.
 */
export async function unseenLinkedIds(
  prisma: PrismaClient,
  input: { table: string; portalId: string; objectType: ObjectType; after?: string; limit: number },
): Promise<string[]> {
  const rows = (await prisma.$queryRawUnsafe(
    `SELECT u.hubspot_id FROM backfill_unseen_links u
       JOIN ${input.table} t ON t.portal_id = u.portal_id AND t.hubspot_id = u.hubspot_id
      WHERE u.portal_id = $1 AND u.object_type = $2 AND u.hubspot_id > $3 AND t.archived = false
      ORDER BY u.hubspot_id LIMIT $4`,
    input.portalId,
    input.objectType,
    input.after ?? '',
    input.limit,
  )) as Array<{ hubspot_id: string }>;
  return rows.map((r) => r.hubspot_id);
}

export interface BackfillPageResult extends ApplyInboundResult {
  /** The type's committed record count after this page (exact, whoever committed the page). */
  done: number;
  complete: boolean;
  /** False when another attempt had already committed this page (the cursor was elsewhere). */
  advanced: boolean;
}

/**
 * Applies one backfill page and moves the cursor from `expected` to `next` in ONE transaction. The cursor
 * update is a compare-and-set: when another attempt already committed this page (a retried activity whose
 * first attempt's reply was lost), the rows are re-applied as no-ops and the count does not move twice.
 * The last page (`next` null) completes the backfill and sets the watermark to when the backfill started,
 * so the incremental sync picks up whatever changed on pages already passed.
 */
export async function applyBackfillPage(
  prisma: PrismaClient,
  options: ApplyInboundOptions,
  records: readonly InboundRecord[],
  cursor: { expected: string | null; next: string | null },
): Promise<BackfillPageResult> {
  let advanced: { done: number; complete: boolean } | undefined;
  const moveCursor = async (tx: Tx): Promise<void> => {
    const rows = await tx.$queryRawUnsafe<Array<{ backfill_done: number; backfill_completed_at: Date | null }>>(
      `UPDATE sync_cursors SET
         backfill_cursor = $4,
         backfill_done = backfill_done + $5,
         backfill_completed_at = CASE WHEN $4::text IS NULL THEN now() ELSE NULL END,
         watermark = CASE WHEN $4::text IS NULL THEN GREATEST(watermark, backfill_started_at) ELSE watermark END,
         updated_at = now()
       WHERE portal_id = $1 AND object_type = $2 AND backfill_cursor IS NOT DISTINCT FROM $3::text AND backfill_completed_at IS NULL
       RETURNING backfill_done, backfill_completed_at`,
      options.portalId,
      options.objectType,
      cursor.expected,
      cursor.next,
      records.length,
    );
    const row = rows[0];
    if (row) advanced = { done: row.backfill_done, complete: row.backfill_completed_at !== null };
  };

  const applied = await inTransaction(prisma, async (tx) => {
    const result = await applyInboundRecords(tx, options, records);
    await moveCursor(tx);
    if (records.length > 0) {
      await tx.$executeRawUnsafe(
        `DELETE FROM backfill_unseen_links WHERE portal_id = $1 AND object_type = $2 AND hubspot_id = ANY($3::text[])`,
        options.portalId,
        options.objectType,
        records.map((r) => r.hubspotId),
      );
    }
    return result;
  });

  if (advanced) return { ...applied, ...advanced, advanced: true };
  const [state] = await readCursors(prisma, options.portalId, [options.objectType]);
  return {
    ...applied,
    done: state?.backfillDone ?? 0,
    complete: state?.backfillComplete ?? false,
    advanced: false,
  };
}

/** Non-archived local ids among `hubspotIds`: the ones an archived-list page still has to mark. */
export async function activeIds(
  prisma: PrismaClient,
  input: { table: string; portalId: string; hubspotIds: readonly string[] },
): Promise<string[]> {
  if (input.hubspotIds.length === 0) return [];
  const rows = await prisma.$queryRawUnsafe<Array<{ hubspot_id: string }>>(
    `SELECT hubspot_id FROM ${input.table} WHERE portal_id = $1 AND hubspot_id = ANY($2::text[]) AND NOT archived`,
    input.portalId,
    [...input.hubspotIds],
  );
  return rows.map((row) => row.hubspot_id);
}
