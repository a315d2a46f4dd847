import type { PrismaClient } from '../../src/store/prisma';
import { pruneTable, type RetentionTable } from '../../src/store/retention';

export interface PruneInput {
  table: RetentionTable;
  horizonMs: number;
  /** Rows deleted by this activity at most; the workflow calls again while a batch came back full. */
  limit: number;
}

/** The retention workflow's one activity: a bounded batch of deletes from one bookkeeping table. */
export function createRetentionActivities({ prisma }: { prisma: PrismaClient }) {
  return {
    async pruneBookkeeping(input: PruneInput): Promise<{ deleted: number }> {
      return { deleted: await pruneTable(prisma, input) };
    },
  };
}

export type RetentionActivities = ReturnType<typeof createRetentionActivities>;
