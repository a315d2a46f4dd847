import type { Client } from '@temporalio/client';
import type { PushStatus } from '../../workflows/outbound/push';
import type { PrismaClient } from '../store/prisma';
import { tableFor } from '../store/tables';
import type { PushObjectType } from '../sync/local-changes';

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
    if (Date.now() > deadline)
      throw new Error(
        `push workflow ${workflowId} still busy after ${Math.round(timeoutMs / 1000)} s (see the Temporal UI)`,
      );
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The database's clock: failure rows are stamped by it, so "since" must come from it too. */
export async function databaseNow(prisma: PrismaClient): Promise<Date> {
  const rows = await prisma.$queryRaw<Array<{ now: Date }>>`SELECT now() AS now`;
  return rows[0]?.now ?? new Date();
}

type PushRowState = { id: string; hubspot_id: string | null; sync_state: Record<string, { pushedAt?: number }> | null };

async function loadRows(
  prisma: PrismaClient,
  portalId: string,
  objectType: PushObjectType,
  localIds: readonly string[],
): Promise<PushRowState[]> {
  return prisma.$queryRawUnsafe<PushRowState[]>(
    `SELECT id::text AS id, hubspot_id, sync_state FROM ${tableFor(objectType).table} WHERE portal_id = $1 AND id = ANY($2::uuid[])`,
    portalId,
    [...localIds],
  );
}

const lastPushedAt = (row: PushRowState): number =>
  Math.max(0, ...Object.values(row.sync_state ?? {}).map((s) => s.pushedAt ?? 0));

/** Each record's latest push time before the request: a later one afterwards means this push wrote it. */
export async function pushMarks(
  prisma: PrismaClient,
  portalId: string,
  objectType: PushObjectType,
  localIds: readonly string[],
): Promise<Map<string, number>> {
  return new Map((await loadRows(prisma, portalId, objectType, localIds)).map((r) => [r.id, lastPushedAt(r)]));
}

export async function pushOutcomes(
  prisma: PrismaClient,
  portalId: string,
  objectType: PushObjectType,
  localIds: readonly string[],
  before: { since: Date; marks: ReadonlyMap<string, number> },
): Promise<RecordOutcome[]> {
  const rows = await loadRows(prisma, portalId, objectType, localIds);
  const failures = await prisma.syncFailure.findMany({
    where: {
      portalId,
      objectType,
      direction: 'outbound',
      localId: { in: [...localIds] },
      createdAt: { gte: before.since },
    },
    orderBy: { createdAt: 'desc' },
  });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return localIds.map((localId) => {
    const row = byId.get(localId);
    const failure = failures.find((f) => f.localId === localId);
    if (failure) {
      return {
        localId,
        outcome: 'failed',
        hubspotId: row?.hubspot_id ?? null,
        failure: { category: failure.category, message: failure.message, property: failure.property },
      };
    }
    if (!row) return { localId, outcome: 'not found', hubspotId: null };
    return {
      localId,
      outcome: lastPushedAt(row) > (before.marks.get(localId) ?? 0) ? 'pushed' : 'nothing to send',
      hubspotId: row.hubspot_id,
    };
  });
}
