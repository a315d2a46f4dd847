// Shared by the sync-engine suites: reading what the sync wrote, and waiting for schedule-started runs.
import type { Client } from '@temporalio/client';
import type { PrismaClient } from '../../src/store/prisma';
import { describeSyncSchedule } from '../../src/scheduled/schedules';
import { tableFor } from '../../src/store/hubspot-records';
import type { ObjectType } from '../../src/sync/object-types';
import { waitFor } from '../support/wait';

export const CRM_TYPES = ['contacts', 'companies', 'deals', 'tasks', 'tickets'] as const;

export async function rowCount(
  prisma: PrismaClient,
  type: ObjectType,
  portalId: string,
  where = 'TRUE',
): Promise<number> {
  const rows = await prisma.$queryRawUnsafe<Array<{ n: number }>>(
    `SELECT count(*)::int AS n FROM ${tableFor(type).table} WHERE portal_id = $1 AND ${where}`,
    portalId,
  );
  return rows[0]?.n ?? 0;
}

/** hubspot_id → updated_at (ms) of every row of a type: compared before/after a run to see what it rewrote. */
export async function rowVersions(
  prisma: PrismaClient,
  type: ObjectType,
  portalId: string,
): Promise<Map<string, number>> {
  const rows = await prisma.$queryRawUnsafe<Array<{ hubspot_id: string; updated_at: Date }>>(
    `SELECT hubspot_id, updated_at FROM ${tableFor(type).table} WHERE portal_id = $1`,
    portalId,
  );
  return new Map(rows.map((r) => [r.hubspot_id, r.updated_at.getTime()]));
}

export function rewritten(before: Map<string, number>, after: Map<string, number>): string[] {
  return [...after].filter(([id, at]) => before.get(id) !== at).map(([id]) => id);
}

export async function watermark(prisma: PrismaClient, portalId: string, type: ObjectType): Promise<number | null> {
  const rows = await prisma.$queryRawUnsafe<Array<{ watermark: Date | null }>>(
    'SELECT watermark FROM sync_cursors WHERE portal_id = $1 AND object_type = $2',
    portalId,
    type,
  );
  return rows[0]?.watermark?.getTime() ?? null;
}

/** The workflow id of the schedule's n-th action (1-based), once the server has started it. */
export async function scheduledRun(client: Client, portalId: string, n: number): Promise<string> {
  return waitFor(`schedule action #${n}`, async () => {
    const description = await describeSyncSchedule(client, portalId);
    const actions = [
      ...description.info.recentActions,
      ...description.info.runningActions.map((action) => ({ action })),
    ];
    const ids = [...new Set(actions.map((a) => a.action.workflow.workflowId))];
    return ids.length >= n ? ids[n - 1] : undefined;
  });
}

export { waitFor };
