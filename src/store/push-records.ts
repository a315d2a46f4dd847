// The platform tables as the push sees them: read the rows of a batch, then record in one transaction what HubSpot
// accepted (HubSpot ids, FieldState.pushed/pushedAt), HubSpot's winning values, the conflicts and what HubSpot
// refused (sync_failures). Which fields are marked is decided by src/sync/push-decisions.ts against the locked rows.
import type { FieldConflict } from '../sync/apply-record';
import type { SyncState } from '../sync/field-state';
import { confirmRecording, type SentRecord, type SettledRecord } from '../sync/push-decisions';
import type { PushRow } from '../sync/push-plan';
import type { CrmObjectType } from '../sync/object-types';
import { recordConflicts } from './hubspot-records';
import { queueOutboxEntries } from './outbox';
import { inTransaction, type Db, type PrismaClient } from './prisma';
import { tableFor } from './tables';

interface RawRow {
  id: string;
  hubspot_id: string | null;
  updated_at: Date;
  sync_state: SyncState | null;
  [column: string]: unknown;
}

/**
 * Rows of `localIds` in the portal that are not archived; ids of other portals or types are simply absent.
 * `lock` takes them FOR UPDATE (in the caller's transaction) and includes archived rows.
 */
export async function loadPushRows(
  db: Db,
  portalId: string,
  type: CrmObjectType,
  localIds: readonly string[],
  lock = false,
): Promise<PushRow[]> {
  if (localIds.length === 0) return [];
  const spec = tableFor(type);
  const columns = Object.entries(spec.columns);
  const rows = (await db.$queryRawUnsafe(
    `SELECT id::text AS id, hubspot_id, updated_at, sync_state, ${columns.map(([name, c]) => `${c.sql} AS "${name}"`).join(', ')}
       FROM ${spec.table} WHERE portal_id = $1 AND id = ANY($2::uuid[]) ${lock ? 'FOR UPDATE' : 'AND NOT archived'}`,
    portalId,
    [...localIds],
  )) as RawRow[];
  return rows.map((row) => ({
    id: row.id,
    hubspotId: row.hubspot_id,
    updatedAt: row.updated_at,
    syncState: row.sync_state ?? {},
    columns: Object.fromEntries(columns.map(([name]) => [name, row[name] ?? null])),
  }));
}

export interface PushedRecord extends SentRecord {
  /** Set for records HubSpot just created or matched; kept when the row already has one. */
  hubspotId?: string;
  /**
   * HubSpot's last-modified after the write (epoch ms). Kept as the row's hubspot_updated_at when newer, so the
   * webhook echo of this very write finds the row up to date and changes nothing.
   */
  hubspotUpdatedAt?: number;
}

export interface PushFailureRow {
  localId: string;
  hubspotId?: string;
  operation: string;
  category: string;
  message: string;
  property?: string;
}

export interface SavePushInput {
  portalId: string;
  objectType: CrmObjectType;
  workflowId?: string;
  pushed: readonly PushedRecord[];
  /** HubSpot's winners and the field states the push's conflict check wrote, sent or not. */
  settled: readonly SettledRecord[];
  conflicts: readonly FieldConflict[];
  failures: readonly PushFailureRow[];
}

export interface SavePushResult {
  /** The failures actually recorded (input failures plus link conflicts). */
  failures: PushFailureRow[];
  /** Records queued to settle again because the row changed while the push was under way. */
  resettled: number;
}

/**
 * One transaction: a HubSpot id already linked to another local row (two platform rows upserted onto one HubSpot
 * record by the same email) is not stored twice: that record becomes a failure instead. The accepted and settled
 * rows are locked and confirmed against their current values (confirmRecording); what changed meanwhile is
 * queued in the outbox. Older unresolved outbound failures of records that now went through are closed.
 * updated_at, the platform's own change time, moves only on rows that took HubSpot's values.
 */
export async function savePushOutcome(prisma: PrismaClient, input: SavePushInput): Promise<SavePushResult> {
  const spec = tableFor(input.objectType);
  const { table } = spec;
  return inTransaction(prisma, async (tx) => {
    const newIds = input.pushed.flatMap((p) => (p.hubspotId ? [p.hubspotId] : []));
    const taken =
      newIds.length === 0
        ? []
        : ((await tx.$queryRawUnsafe(
            `SELECT id::text AS id, hubspot_id FROM ${table} WHERE portal_id = $1 AND hubspot_id = ANY($2::text[])`,
            input.portalId,
            newIds,
          )) as Array<{ id: string; hubspot_id: string }>);
    const owner = new Map(taken.map((t) => [t.hubspot_id, t.id]));
    const failures = [...input.failures];
    const accepted: PushedRecord[] = [];
    const claimed = new Set<string>();
    for (const record of input.pushed) {
      const holder = record.hubspotId ? owner.get(record.hubspotId) : undefined;
      const clash =
        record.hubspotId !== undefined &&
        ((holder !== undefined && holder !== record.localId) || claimed.has(record.hubspotId));
      if (clash) {
        failures.push({
          localId: record.localId,
          hubspotId: record.hubspotId,
          operation: 'upsert',
          category: 'DUPLICATE_LINK',
          message: `HubSpot record ${record.hubspotId} is already linked to another local record`,
        });
        continue;
      }
      if (record.hubspotId) claimed.add(record.hubspotId);
      accepted.push(record);
    }

    const sentById = new Map(accepted.map((r) => [r.localId, r]));
    const settledById = new Map(input.settled.map((s) => [s.localId, s]));
    const current = await loadPushRows(
      tx,
      input.portalId,
      input.objectType,
      [...new Set([...sentById.keys(), ...settledById.keys()])],
      true,
    );
    const updates: object[] = [];
    const resettle: Array<{ localId: string; fields: string[] }> = [];
    for (const row of current) {
      const sent = sentById.get(row.id);
      const changes = confirmRecording(row, sent, settledById.get(row.id));
      if (changes.resettle.length > 0) resettle.push({ localId: row.id, fields: changes.resettle });
      updates.push({
        id: row.id,
        hubspot_id: sent?.hubspotId ?? null,
        hubspot_updated_at: sent?.hubspotUpdatedAt === undefined ? null : new Date(sent.hubspotUpdatedAt).toISOString(),
        state: changes.state,
        columns: Object.fromEntries(
          Object.entries(changes.columns).map(([name, value]) => [
            name,
            value instanceof Date ? value.toISOString() : value === null ? null : String(value),
          ]),
        ),
      });
    }
    if (updates.length > 0) {
      const columnSets = Object.entries(spec.columns)
        .map(
          ([name, c]) =>
            `${c.sql} = CASE WHEN u.columns ? '${name}' THEN (u.columns ->> '${name}')::${c.type} ELSE t.${c.sql} END`,
        )
        .join(', ');
      await tx.$executeRawUnsafe(
        `UPDATE ${table} AS t
            SET hubspot_id = COALESCE(t.hubspot_id, u.hubspot_id),
                hubspot_updated_at = GREATEST(t.hubspot_updated_at, u.hubspot_updated_at),
                sync_state = t.sync_state || COALESCE(
                  (SELECT jsonb_object_agg(e.key, COALESCE(t.sync_state -> e.key, '{}'::jsonb) || e.value) FROM jsonb_each(u.state) AS e),
                  '{}'::jsonb),
                ${columnSets},
                updated_at = CASE WHEN u.columns = '{}'::jsonb THEN t.updated_at ELSE now() END
           FROM jsonb_to_recordset($2::jsonb) AS u(id uuid, hubspot_id text, hubspot_updated_at timestamptz, state jsonb, columns jsonb)
          WHERE t.id = u.id AND t.portal_id = $1`,
        input.portalId,
        JSON.stringify(updates),
      );
    }
    if (accepted.length > 0) {
      await tx.syncFailure.updateMany({
        where: {
          portalId: input.portalId,
          objectType: input.objectType,
          direction: 'outbound',
          resolvedAt: null,
          localId: { in: accepted.map((r) => r.localId) },
        },
        data: { resolvedAt: new Date() },
      });
    }
    await recordConflicts(tx, input.portalId, input.objectType, input.conflicts);
    await queueOutboxEntries(
      tx,
      resettle.map((r) => ({ portalId: input.portalId, objectType: input.objectType, ...r })),
    );
    if (failures.length > 0) {
      await tx.syncFailure.createMany({
        data: failures.map((f) => ({
          portalId: input.portalId,
          objectType: input.objectType,
          localId: f.localId,
          hubspotId: f.hubspotId ?? null,
          direction: 'outbound',
          operation: f.operation,
          category: f.category,
          message: f.message,
          property: f.property ?? null,
          workflowId: input.workflowId ?? null,
        })),
      });
    }
    return { failures, resettled: resettle.length };
  });
}
