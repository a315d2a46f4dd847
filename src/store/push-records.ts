// The platform tables as the push sees them: read the rows of a batch, then record what HubSpot accepted
// (HubSpot ids, syncState[prop].pushed/pushedAt) and what it refused (sync_failures) — in one transaction,
// without touching updated_at, which is the platform's own change time.
import type { PushRow } from '../sync/push-plan';
import type { CrmObjectType } from '../sync/object-types';
import type { SyncState } from './hubspot-records';
import type { PrismaClient } from './prisma';
import { tableFor } from './tables';

interface RawRow {
  id: string;
  hubspot_id: string | null;
  updated_at: Date;
  sync_state: SyncState | null;
  [column: string]: unknown;
}

/** Rows of `localIds` in the portal that are not archived; ids of other portals or types are simply absent. */
export async function loadPushRows(
  prisma: PrismaClient,
  portalId: string,
  type: CrmObjectType,
  localIds: readonly string[],
): Promise<PushRow[]> {
  if (localIds.length === 0) return [];
  const spec = tableFor(type);
  const columns = Object.entries(spec.columns);
  const rows = (await prisma.$queryRawUnsafe(
    `SELECT id::text AS id, hubspot_id, updated_at, sync_state, ${columns.map(([name, c]) => `${c.sql} AS "${name}"`).join(', ')}
       FROM ${spec.table} WHERE portal_id = $1 AND id = ANY($2::uuid[]) AND NOT archived`,
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

export interface PushedRecord {
  localId: string;
  /** Set for records HubSpot just created or matched; kept when the row already has one. */
  hubspotId?: string;
  /** Per HubSpot property: merged into syncState[prop] (pushed, pushedAt, hubspotAt). */
  state: Record<string, { pushed: string; pushedAt: number; hubspotAt?: number }>;
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
  failures: readonly PushFailureRow[];
}

/**
 * One transaction: failures first, then the accepted records. A HubSpot id already linked to another local row
 * (two platform rows upserted onto one HubSpot record by the same email) is not stored twice: that record is
 * turned into a failure instead. Older unresolved outbound failures of records that now went through are closed.
 * Returns the failures actually recorded (input failures plus link conflicts).
 */
export async function savePushOutcome(prisma: PrismaClient, input: SavePushInput): Promise<PushFailureRow[]> {
  const { table } = tableFor(input.objectType);
  return prisma.$transaction(async (tx) => {
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

    if (accepted.length > 0) {
      await tx.$executeRawUnsafe(
        `UPDATE ${table} AS t
            SET hubspot_id = COALESCE(t.hubspot_id, u.hubspot_id),
                hubspot_updated_at = GREATEST(t.hubspot_updated_at, u.hubspot_updated_at),
                sync_state = t.sync_state || COALESCE(
                  (SELECT jsonb_object_agg(e.key, COALESCE(t.sync_state -> e.key, '{}'::jsonb) || e.value) FROM jsonb_each(u.state) AS e),
                  '{}'::jsonb)
           FROM jsonb_to_recordset($2::jsonb) AS u(id uuid, hubspot_id text, hubspot_updated_at timestamptz, state jsonb)
          WHERE t.id = u.id AND t.portal_id = $1`,
        input.portalId,
        JSON.stringify(
          accepted.map((r) => ({
            id: r.localId,
            hubspot_id: r.hubspotId ?? null,
            hubspot_updated_at: r.hubspotUpdatedAt === undefined ? null : new Date(r.hubspotUpdatedAt).toISOString(),
            state: r.state,
          })),
        ),
      );
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
    return failures;
  });
}
