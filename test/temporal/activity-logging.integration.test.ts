// Every log line written inside an activity carries the workflow id, run id, activity type and portal (the
// worker's activity interceptor + the logger's mixin), while personal data stays redacted.
import { randomInt } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createSyncRunActivities } from '../../activities/sync-runs';
import { createRuntime } from '../../src/runtime';
import { createWorkerSet } from '../../src/temporal/workers';
import { incrementalSyncWorkflowId } from '../../src/workflow-safe/ids';
import { temporalAddress } from '../support/env';
import { testConfig } from '../support/runtime';

jest.setTimeout(60_000);

it('activity log lines name their workflow, run, activity and portal', async () => {
  const portalId = String(randomInt(2_000_000, 2_000_000_000));
  const lines: Array<Record<string, unknown>> = [];
  const config = testConfig({
    LOG_LEVEL: 'info',
    TEMPORAL_TASK_QUEUE: `logs-${portalId}`,
    TEMPORAL_HUBSPOT_TASK_QUEUE: `logs-${portalId}-hubspot`,
  });
  const runtime = createRuntime(config, 'test', {
    write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  const store = createSyncRunActivities(runtime);
  const activities = {
    ...store,
    openSyncRun: async (input: Parameters<typeof store.openSyncRun>[0]) => {
      runtime.logger.info({ email: 'someone@example.com', objectType: 'contacts' }, 'opening a run');
      return store.openSyncRun(input);
    },
  };
  const nativeConnection = await NativeConnection.connect({ address: temporalAddress() });
  const workers = await createWorkerSet({
    connection: nativeConnection,
    config,
    activities,
    hubspotActivities: {},
    workflowsPath: require.resolve('../support/workflows/record-sync-run'),
  });
  const running = workers.run();
  const connection = await Connection.connect({ address: temporalAddress() });
  try {
    const workflowId = incrementalSyncWorkflowId(portalId, 'log-test');
    const handle = await new Client({ connection }).workflow.start('recordSyncRunWorkflow', {
      workflowId,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      args: [portalId],
    });
    await handle.result();
    const line = lines.find((l) => l.msg === 'opening a run');
    expect(line).toMatchObject({
      workflowId,
      runId: handle.firstExecutionRunId,
      activity: 'openSyncRun',
      attempt: '1',
      portalId,
      email: '[redacted]',
      role: 'test',
    });
    // Outside an activity nothing is added.
    runtime.logger.info('outside');
    expect(lines.find((l) => l.msg === 'outside')).not.toHaveProperty('workflowId');
  } finally {
    workers.shutdown();
    await running;
    await Promise.allSettled([connection.close(), nativeConnection.close(), runtime.prisma.$disconnect()]);
  }
});
