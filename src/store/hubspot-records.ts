import { inTransaction, type Db } from './prisma';
import { tableFor } from './tables';
import { linkPushedRecords, takeOverListedMerges } from './inbound-lifecycle';
import { queueOutboxEntries } from './outbox';
import {
  applyRecords,
  type ApplyCounts,
  type ApplyOptions,
  type FieldConflict,
  type InboundRecord,
  type RowState,
} from '../sync/apply-record';
import type { SyncState } from '../sync/field-state';
import { localLinkClaims } from '../sync/local-link';
import { mergedObjectIds } from '../sync/merges';
import type { ObjectType } from '../sync/object-types';
import { recordFailures, VALUE_NOT_STORABLE } from './sync-failures';

// Applying what HubSpot says about records to the platform tables, in one transaction: the rows are read once
// (FOR UPDATE), src/sync/apply-record.ts decides, and the rows, conflicts and push-backs are written in batches.

export { tableFor } from './tables';
export type { InboundRecord } from '../sync/apply-record';

export interface ApplyInboundOptions extends ApplyOptions {
  portalId: string;
}

export type ApplyInboundResult = ApplyCounts;

interface StoredRow {
  id: string;
  hubspot_id: string;
  properties: Record<string, string | null> | null;
  sync_state: SyncState | null;
  hubspot_updated_at: Date | null;
  archived: boolean;
  archived_at: Date | null;
  merged_into_id: string | null;
  updated_at: Date;
  [column: string]: unknown;
}

export async function applyInboundRecords(
  db: Db,
  options: ApplyInboundOptions,
  records: readonly InboundRecord[],
): Promise<ApplyInboundResult> {
  if (records.length === 0) return { inserted: 0, updated: 0, unchanged: 0, echoes: 0, conflicts: 0, stale: 0 };
  return inTransaction(db, async (tx) => {
    if (options.mode === 'full') {
      await takeOverListedMerges(tx, {
        portalId: options.portalId,
        objectType: options.objectType,
        survivors: records.map((r) => ({
          hubspotId: r.hubspotId,
          mergedIds: mergedObjectIds(r.hubspotId, r.properties),
        })),
        at: new Date(Math.max(...records.map((r) => r.changedAt))),
      });
    }
    await linkPushedRecords(tx, {
      portalId: options.portalId,
      objectType: options.objectType,
      claims: localLinkClaims(records),
    });
    const existing = await lockRows(tx, options.portalId, options.objectType, [
      ...new Set(records.map((r) => r.hubspotId)),
    ]);
    const outcome = applyRecords(existing, records, options, Date.now());
    const changed = outcome.rows.filter((r) => r.changed).map((r) => r.row);
    if (changed.length > 0) await writeRows(tx, options.portalId, options.objectType, changed);
    await recordConflicts(tx, options.portalId, options.objectType, outcome.conflicts);
    await recordFailures(
      tx,
      outcome.unparseable.map((value) => ({
        portalId: options.portalId,
        objectType: options.objectType,
        direction: 'inbound' as const,
        operation: 'apply',
        category: VALUE_NOT_STORABLE,
        message: `${value.property}: HubSpot's value ${value.reason} for column ${value.column}; kept in the row's properties, column unchanged`,
        hubspotId: value.hubspotId,
        localId: outcome.rows.find((r) => r.row.hubspotId === value.hubspotId)?.row.id ?? null,
        property: value.property,
      })),
    );
    await queueOutboxEntries(
      tx,
      outcome.rows.flatMap((r) =>
        r.row.id && r.pushBack.length > 0
          ? [{ portalId: options.portalId, objectType: options.objectType, localId: r.row.id, fields: r.pushBack }]
          : [],
      ),
    );
    return outcome.counts;
  });
}

/** The rows of `hubspotIds`, locked for the rest of the transaction, by HubSpot id. */
export async function lockRows(
  tx: Db,
  portalId: string,
  objectType: ObjectType,
  hubspotIds: readonly string[],
): Promise<Map<string, RowState>> {
  const spec = tableFor(objectType);
  const columnEntries = Object.entries(spec.columns);
  const stored = (await tx.$queryRawUnsafe(
    `SELECT id::text AS id, hubspot_id, ${columnEntries.map(([name, c]) => `${c.sql} AS "${name}"`).join(', ')},
            properties, sync_state, hubspot_updated_at, archived, archived_at, merged_into_id, updated_at
       FROM ${spec.table} WHERE portal_id = $1 AND hubspot_id = ANY($2::text[]) FOR UPDATE`,
    portalId,
    [...hubspotIds],
  )) as StoredRow[];
  return new Map(
    stored.map((row) => [
      row.hubspot_id,
      {
        id: row.id,
        hubspotId: row.hubspot_id,
        columns: Object.fromEntries(columnEntries.map(([name]) => [name, row[name] ?? null])),
        properties: row.properties ?? {},
        syncState: row.sync_state ?? {},
        hubspotUpdatedAt: row.hubspot_updated_at ? row.hubspot_updated_at.getTime() : null,
        archived: row.archived,
        archivedAt: row.archived_at,
        localChangedAt: row.updated_at,
        mergedIntoId: row.merged_into_id,
      },
    ]),
  );
}

export async function recordConflicts(
  tx: Db,
  portalId: string,
  objectType: ObjectType,
  conflicts: readonly FieldConflict[],
): Promise<void> {
  if (conflicts.length === 0) return;
  await tx.syncConflict.createMany({ data: conflicts.map((c) => ({ portalId, objectType, ...c })) });
}

// A row the apply's read did not find can meet, on insert, a merge tombstone that a concurrent takeover
// committed since: it stays a tombstone. updated_at is the platform's side's change time in conflicts: it moves
// only when a mapped value or the archived flag changes, not for bookkeeping (sync state, HubSpot's time).
export async function writeRows(tx: Db, portalId: string, objectType: ObjectType, rows: RowState[]): Promise<void> {
  const spec = tableFor(objectType);
  const columnEntries = Object.entries(spec.columns);
  const payload = rows.map((row) => {
    const out: Record<string, unknown> = {
      id: row.id ?? null,
      hubspot_id: row.hubspotId,
      properties: row.properties,
      sync_state: row.syncState,
      hubspot_updated_at: row.hubspotUpdatedAt === null ? null : new Date(row.hubspotUpdatedAt).toISOString(),
      archived: row.archived,
      archived_at: row.archivedAt ? row.archivedAt.toISOString() : null,
    };
    for (const [name, column] of columnEntries) {
      const value = row.columns[name] ?? null;
      out[column.sql] = value instanceof Date ? value.toISOString() : value === null ? null : String(value);
    }
    return out;
  });
  const typed = columnEntries.map(([, c]) => `${c.sql} ${c.type}`).join(', ');
  const names = columnEntries.map(([, c]) => c.sql);
  const updates = [...names, 'properties', 'sync_state', 'hubspot_updated_at', 'archived', 'archived_at']
    .map((n) => `${n} = EXCLUDED.${n}`)
    .join(', ');
  await tx.$executeRawUnsafe(
    `INSERT INTO ${spec.table} (id, portal_id, hubspot_id, ${names.join(', ')}, properties, sync_state, hubspot_updated_at, archived, archived_at, updated_at)
     SELECT COALESCE(x.id, gen_random_uuid()), $1, x.hubspot_id, ${names.map((n) => `x.${n}`).join(', ')}, x.properties, x.sync_state,
            x.hubspot_updated_at, x.archived, x.archived_at, now()
       FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, hubspot_id text, ${typed}, properties jsonb, sync_state jsonb,
            hubspot_updated_at timestamptz, archived boolean, archived_at timestamptz)
     ON CONFLICT (portal_id, hubspot_id) DO UPDATE SET ${updates},
       updated_at = CASE WHEN (${names.map((n) => `${spec.table}.${n}`).join(', ')}, ${spec.table}.archived)
                         IS DISTINCT FROM (${names.map((n) => `EXCLUDED.${n}`).join(', ')}, EXCLUDED.archived)
                    THEN now() ELSE ${spec.table}.updated_at END
     WHERE ${spec.table}.merged_into_id IS NULL`,
    portalId,
    JSON.stringify(payload),
  );
}

/** Marks records archived (or restored) by HubSpot id; returns how many rows actually changed. */
export async function markArchived(
  db: Db,
  input: {
    portalId: string;
    objectType: ObjectType;
    hubspotIds: readonly string[];
    archived: boolean;
    at?: Date;
    /**
     * The lifecycle event's own time: rows HubSpot changed at or after it (restored, edited: their
     * hubspot_updated_at) are left as they are, so a late deletion never archives a record that lived on.
     */
    eventAt?: Date;
  },
): Promise<number> {
  if (input.hubspotIds.length === 0) return 0;
  const spec = tableFor(input.objectType);
  return db.$executeRawUnsafe(
    `UPDATE ${spec.table} SET archived = $3, archived_at = CASE WHEN $3 THEN COALESCE($4::timestamptz, now()) ELSE NULL END, updated_at = now()
      WHERE portal_id = $1 AND hubspot_id = ANY($2::text[]) AND archived IS DISTINCT FROM $3
        AND ($5::timestamptz IS NULL OR hubspot_updated_at IS NULL OR hubspot_updated_at < $5::timestamptz)`,
    input.portalId,
    [...input.hubspotIds],
    input.archived,
    input.at ? input.at.toISOString() : null,
    input.eventAt ? input.eventAt.toISOString() : null,
  );
}

/** Whether the portal has a row (live, archived or a tombstone) for this HubSpot id. */
export async function localRowExists(
  db: Db,
  input: { portalId: string; objectType: ObjectType; hubspotId: string },
): Promise<boolean> {
  const rows = await db.$queryRawUnsafe<unknown[]>(
    `SELECT 1 FROM ${tableFor(input.objectType).table} WHERE portal_id = $1 AND hubspot_id = $2`,
    input.portalId,
    input.hubspotId,
  );
  return rows.length > 0;
}
