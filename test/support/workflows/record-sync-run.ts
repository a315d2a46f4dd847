// A minimal workflow used only to prove the wiring: workflow → activity → Prisma → PostgreSQL.
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { SyncRunActivities } from '../../../activities/sync-runs';

const { openSyncRun, closeSyncRun } = proxyActivities<SyncRunActivities>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 3 },
});

export async function recordSyncRunWorkflow(portalId: string): Promise<string> {
  const { workflowId, runId } = workflowInfo();
  const id = await openSyncRun({ runKey: runId, portalId, direction: 'inbound', trigger: 'manual', workflowId });
  await closeSyncRun({ runKey: runId, status: 'completed', counts: { fetched: 3, written: 2 } });
  return id;
}
