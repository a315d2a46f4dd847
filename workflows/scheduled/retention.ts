// Prunes hubsync's bookkeeping tables on a Temporal Schedule (src/temporal/retention-schedule.ts): per table,
// bounded batches of deletes until a batch comes back short, then the next table. Continues as new on a long
// history; the schedule's next tick picks up whatever a failed run left.
import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { RetentionActivities } from '../../activities/scheduled/retention';
import type { RetentionTable } from '../../src/workflow-safe/retention-tables';
import { RETENTION_RETRY } from '../../src/workflow-safe/limits';

export interface RetentionInput {
  /** How long each table's finished rows are kept (ms). */
  horizons: Partial<Record<RetentionTable, number>>;
  batchSize: number;
  /** Carried across continue-as-new: rows deleted so far per table. */
  deleted?: Partial<Record<RetentionTable, number>>;
}

const { pruneBookkeeping } = proxyActivities<RetentionActivities>({
  startToCloseTimeout: '2 minutes',
  retry: RETENTION_RETRY,
});

const HISTORY_LIMIT = 5_000;

export async function retentionWorkflow(input: RetentionInput): Promise<Partial<Record<RetentionTable, number>>> {
  const deleted = { ...(input.deleted ?? {}) };
  for (const [table, horizonMs] of Object.entries(input.horizons) as Array<[RetentionTable, number]>) {
    for (;;) {
      const batch = await pruneBookkeeping({ table, horizonMs, limit: input.batchSize });
      deleted[table] = (deleted[table] ?? 0) + batch.deleted;
      if (batch.deleted < input.batchSize) break;
      const info = workflowInfo();
      if (info.continueAsNewSuggested || info.historyLength > HISTORY_LIMIT)
        await continueAsNew<typeof retentionWorkflow>({ ...input, deleted });
    }
  }
  return deleted;
}
