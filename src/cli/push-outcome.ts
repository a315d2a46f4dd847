import type { Client } from '@temporalio/client';
import type { PushStatus } from '../../workflows/push';
import type { PrismaClient } from '../store/prisma';
import { tableFor } from '../store/tables';
import type { PushObjectType } from '../push/changes';

// What became of records handed to a push workflow, for `hubsync push --wait` and `hubsync replay`.
// Temporal's queries are consistent with the signals already accepted, so once the push workflow reports
// nothing pending or in flight after our signal, every batch holding our records has committed its outcome
// (HubSpot ids + syncState, or sync_failures rows) to PostgreSQL; the database then says what happened.

export type PushOutcome = 'pushed' | 'failed' | 'nothing to send' | 'not found';

export interface RecordOutcome {
  localId: string;
  outcome: PushOutcome;
  hubspotId: string | null;
  /** The newest failure recorded since the push was requested. */
  failure?: { category: string; message: string; property: string | null };
}

const POLL_MS = 250;

/** Polls the push workflow's `pushStatus` until it holds no work; the workflow may also have completed (idle). */
export async function waitForPushIdle(client: Client, workflowId: string, timeoutMs: number): Promise<void> {
  const handle = client.workflow.getHandle(workflowId);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await handle.query<PushStatus>('pushStatus').catch(() => undefined);
    if (status && status.pending === 0 && status.inFlight === 0) return;
    if (Date.now() > deadline) throw new Error(`push workflow ${workflowId} still busy after ${Math.round(timeoutMs / 1000)} s (see the Temporal UI)`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The database's clock: failure rows are stamped by it, so "since" must come from it too. */
export async function databaseNow(prisma: PrismaClient): Promise<Date> {
  const rows = await prisma.$queryRaw<Array<{ now: Date }>>`SELECT now() AS now`;
  return rows[0]?.now ?? new Date();
}

export async function pushOutcomes(prisma: PrismaClient, portalId: string, objectType: PushObjectType, localIds: readonly string[], since: Date): Promise<RecordOutcome[]> {
  const { table } = tableFor(objectType);
  const rows = await prisma.$queryRawUnsafe<Array<{ id: string; hubspot_id: string | null; sync_state: Record<string, { pushedAt?: number }> | null }>>(
    `SELECT id::text AS id, hubspot_id, sync_state FROM ${table} WHERE portal_id = $1 AND id = ANY($2::uuid[])`,
    portalId,
    [...localIds],
  );
  const failures = await prisma.syncFailure.findMany({
    where: { portalId, objectType, direction: 'outbound', localId: { in: [...localIds] }, createdAt: { gte: since } },
    orderBy: { createdAt: 'desc' },
  });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return localIds.map((localId) => {
    const row = byId.get(localId);
    const failure = failures.find((f) => f.localId === localId);
    if (failure) {
      return { localId, outcome: 'failed', hubspotId: row?.hubspot_id ?? null, failure: { category: failure.category, message: failure.message, property: failure.property } };
    }
    if (!row) return { localId, outcome: 'not found', hubspotId: null };
    const pushedAt = Math.max(0, ...Object.values(row.sync_state ?? {}).map((s) => s.pushedAt ?? 0));
    // pushedAt is the worker's clock; a second of slack keeps a skewed clock from hiding a push.
    return { localId, outcome: pushedAt >= since.getTime() - 1_000 ? 'pushed' : 'nothing to send', hubspotId: row.hubspot_id };
  });
}
