import type { Client } from '@temporalio/client';
import { listParked, markRedriven } from '../store/parked-events';
import type { PrismaClient } from '../store/prisma';
import { groupByObject, handOffToWorkflows, type HandoffOptions } from './handoff';

// `hubsync parked --redrive`: parked events go back to their records' workflows through the webhook inbox's
// hand-off, and a row is marked redriven only once Temporal accepted every signal of its record. The workflows
// dedupe and order them as any webhook, and the store keeps newer values, so a redrive never rolls a record back.

/** Rows handed off per batch: one signal-with-start per record, all concurrent, within the hand-off deadline. */
const REDRIVE_BATCH_ROWS = 100;

export interface RedriveOutcome {
  redriven: number;
  /** Rows whose hand-off Temporal refused or did not answer: left parked, with why. */
  failed: Array<{ id: string; error: string }>;
}

/** Redrives every parked row of the portal, a batch at a time; stops at the first batch with a failure. */
export async function redriveParked(
  prisma: PrismaClient,
  client: Client,
  portalId: string,
  options: HandoffOptions,
): Promise<RedriveOutcome> {
  let redriven = 0;
  for (;;) {
    const rows = await listParked(prisma, portalId, { limit: REDRIVE_BATCH_ROWS });
    if (rows.length === 0) return { redriven, failed: [] };
    const { groups } = groupByObject(rows.flatMap((row) => row.events));
    const failures = await handOffToWorkflows(client, groups, options);
    const recordOf = (g: { portalId: string; objectType: string; objectId: string }) =>
      `${g.portalId}:${g.objectType}:${g.objectId}`;
    const refused = new Map(failures.map((f) => [recordOf(f.group), f.error.message]));
    const done = rows.filter((row) => !refused.has(recordOf(row)));
    await markRedriven(
      prisma,
      done.map((row) => row.id),
    );
    redriven += done.length;
    if (refused.size > 0)
      return {
        redriven,
        failed: rows
          .filter((row) => refused.has(recordOf(row)))
          .map((row) => ({ id: String(row.id), error: refused.get(recordOf(row)) ?? '' })),
      };
  }
}
