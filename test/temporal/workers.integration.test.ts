import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { PrismaClient } from '../../src/store/prisma';
import { createWorkerSet, type WorkerSet } from '../../src/temporal/workers';
import { temporalAddress } from '../support/env';
import { testRuntime } from '../support/runtime';

describe('wiring: a real workflow on the real Temporal server writes through Prisma', () => {
  let prisma: PrismaClient;
  let nativeConnection: NativeConnection;
  let connection: Connection;
  let workerSet: WorkerSet;
  let running: Promise<void>;
  const taskQueue = `wiring-${randomUUID()}`;

  beforeAll(async () => {
    const runtime = testRuntime();
    prisma = runtime.prisma;
    nativeConnection = await NativeConnection.connect({ address: temporalAddress() });
    connection = await Connection.connect({ address: temporalAddress() });
    workerSet = await createWorkerSet({
      connection: nativeConnection,
      config: {
        TEMPORAL_NAMESPACE: 'default',
        TEMPORAL_TASK_QUEUE: taskQueue,
        TEMPORAL_HUBSPOT_TASK_QUEUE: `${taskQueue}-hubspot`,
        HUBSPOT_RATE_TIER: 'starter',
        HUBSPOT_REQUESTS_PER_10S: undefined,
      },
      activities: createActivities(runtime),
      hubspotActivities: {},
      workflowsPath: require.resolve('../support/workflows/record-sync-run'),
    });
    running = workerSet.run();
  });

  afterAll(async () => {
    workerSet.shutdown();
    await running;
    await Promise.all([connection.close(), nativeConnection.close(), prisma.$disconnect()]);
  });

  it('runs the workflow and its activity leaves a completed sync_runs row', async () => {
    const client = new Client({ connection });
    const portalId = `wiring-${Date.now()}`;
    const workflowId = `wiring-test-${randomUUID()}`;
    const handle = await client.workflow.start('recordSyncRunWorkflow', { taskQueue, workflowId, args: [portalId] });
    const rowId = await handle.result();

    const row = await prisma.syncRun.findUniqueOrThrow({ where: { id: rowId } });
    expect(row).toMatchObject({ portalId, workflowId, status: 'completed', direction: 'inbound', trigger: 'manual' });
    expect(row.runId).toBe(handle.firstExecutionRunId);
    expect(row.counts).toEqual({ fetched: 3, written: 2 });
    expect(row.finishedAt).not.toBeNull();
  });
});
