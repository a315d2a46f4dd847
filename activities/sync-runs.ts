import type { PrismaClient } from '../src/store/prisma';
import type { SyncDirection, SyncTrigger } from '../src/workflow-safe/search-attributes';

export interface SyncRunActivityDeps {
  prisma: PrismaClient;
}

export interface OpenSyncRunInput {
  /** Stable per run (e.g. the workflow run id), so a retried activity finds the row it already wrote. */
  runKey: string;
  portalId: string;
  objectType?: string;
  direction: SyncDirection;
  trigger: SyncTrigger;
  workflowId: string;
}

export interface CloseSyncRunInput {
  runKey: string;
  status: 'completed' | 'failed';
  counts: Record<string, number>;
  error?: string;
}

/** Bookkeeping of sync runs: one row per run, written at its start and completed at its end. */
export function createSyncRunActivities({ prisma }: SyncRunActivityDeps) {
  return {
    async openSyncRun(input: OpenSyncRunInput): Promise<string> {
      const existing = await prisma.syncRun.findFirst({ where: { workflowId: input.workflowId, runId: input.runKey } });
      if (existing) return existing.id;
      const row = await prisma.syncRun.create({
        data: {
          portalId: input.portalId,
          objectType: input.objectType ?? null,
          direction: input.direction,
          trigger: input.trigger,
          workflowId: input.workflowId,
          runId: input.runKey,
        },
      });
      return row.id;
    },

    async closeSyncRun(input: CloseSyncRunInput): Promise<void> {
      await prisma.syncRun.updateMany({
        where: { runId: input.runKey },
        data: { status: input.status, counts: input.counts, error: input.error ?? null, finishedAt: new Date() },
      });
    },
  };
}

export type SyncRunActivities = ReturnType<typeof createSyncRunActivities>;
