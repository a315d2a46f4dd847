// Each kind of hubsync work is started at its task-queue priority with its portal as fairness key, which its
// workflow tasks, activities and children inherit (test/temporal/priority-fairness.integration.test.ts shows
// what the server does with them). Nothing polls these queues: the started executions are read and terminated.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { handOffToWorkflows } from '../../src/inbound/handoff';
import { notifyLocalChanges } from '../../src/outbound/notify';
import { startOutboxRelay } from '../../src/outbound/start-outbox-relay';
import { startBackfill, startManualSync } from '../../src/scheduled/start-sync';
import { applyPerPortalRateLimit, hubspotQueueWorkerRate } from '../../src/temporal/fairness';
import { BACKFILL_PRIORITY, PUSH_PRIORITY, SYNC_PRIORITY, WEBHOOK_PRIORITY } from '../../src/workflow-safe/priorities';
import { inboundObjectWorkflowId } from '../../src/workflow-safe/ids';
import { temporalAddress } from '../support/env';

describe('the priority and fairness key each kind of work is started with', () => {
  let connection: Connection;
  let client: Client;
  const queue = `priorities-${randomUUID()}`;
  const portalId = String(Date.now());
  const started: string[] = [];

  beforeAll(async () => {
    connection = await Connection.connect({ address: temporalAddress() });
    client = new Client({ connection });
  });

  afterAll(async () => {
    await Promise.allSettled(started.map((id) => client.workflow.getHandle(id).terminate('test over')));
    await connection.close();
  });

  async function priorityOf(workflowId: string): Promise<{ priorityKey?: number | null; fairnessKey?: string | null }> {
    started.push(workflowId);
    const priority = (await client.workflow.getHandle(workflowId).describe()).raw.workflowExecutionInfo?.priority;
    return { priorityKey: priority?.priorityKey, fairnessKey: priority?.fairnessKey };
  }

  it('webhook events: priority 1', async () => {
    const failures = await handOffToWorkflows(
      client,
      [{ portalId, objectType: 'contacts', objectId: '7', events: [] }],
      { taskQueue: queue, coalesceMs: 50, idleTimeoutMs: 60_000, deadlineMs: 5_000 },
    );
    expect(failures).toEqual([]);
    expect(await priorityOf(inboundObjectWorkflowId(portalId, 'contacts', '7'))).toEqual({
      priorityKey: WEBHOOK_PRIORITY,
      fairnessKey: portalId,
    });
  });

  it('platform changes (push workflows, the outbox relay): priority 2', async () => {
    const push = {
      defaultPortalId: portalId,
      taskQueue: queue,
      hubspotTaskQueue: `${queue}-hubspot`,
      batchWindowMs: 50,
      idleTimeoutMs: 60_000,
    };
    const [notified] = await notifyLocalChanges(client, [{ objectType: 'contacts', localId: randomUUID() }], push);
    expect(await priorityOf(notified!.workflowId)).toEqual({ priorityKey: PUSH_PRIORITY, fairnessKey: portalId });
    expect(await priorityOf(await startOutboxRelay(client, push, portalId))).toEqual({
      priorityKey: PUSH_PRIORITY,
      fairnessKey: portalId,
    });
  });

  it('a manual sync: priority 3, a backfill: priority 4', async () => {
    const config = {
      TEMPORAL_TASK_QUEUE: queue,
      TEMPORAL_HUBSPOT_TASK_QUEUE: `${queue}-hubspot`,
      SYNC_WINDOW_OVERLAP_MS: 1_000,
      LINK_CHECK_INTERVAL_MS: 0,
    };
    const sync = await startManualSync(client, portalId, config);
    expect(await priorityOf(sync.workflowId)).toEqual({ priorityKey: SYNC_PRIORITY, fairnessKey: portalId });
    const backfill = await startBackfill(client, portalId, config, { objectTypes: ['contacts'], restart: false });
    expect(await priorityOf(backfill.workflowId)).toEqual({ priorityKey: BACKFILL_PRIORITY, fairnessKey: portalId });
  });

  it("TEMPORAL_FAIRNESS: the HubSpot queue's per-portal rate is one portal's budget, and the worker sets no queue-wide one", async () => {
    const hubspotQueue = `${queue}-fairness`;
    const base = {
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_HUBSPOT_TASK_QUEUE: hubspotQueue,
      HUBSPOT_RATE_TIER: 'professional' as const,
      HUBSPOT_REQUESTS_PER_10S: undefined,
    };
    expect(
      await applyPerPortalRateLimit(connection, { ...base, TEMPORAL_FAIRNESS: false, HUBSPOT_APP_MODE: 'public' }),
    ).toBeUndefined();
    expect(hubspotQueueWorkerRate({ ...base, TEMPORAL_FAIRNESS: false })).toBe(19);

    // A public app: 110 requests per 10 s per portal, one request per activity → 11 activities/s per portal.
    expect(
      await applyPerPortalRateLimit(connection, { ...base, TEMPORAL_FAIRNESS: true, HUBSPOT_APP_MODE: 'public' }),
    ).toBe(11);
    const described = await connection.workflowService.describeTaskQueue({
      namespace: 'default',
      taskQueue: { name: hubspotQueue },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
      reportConfig: true,
    });
    expect(described.config?.fairnessKeysRateLimitDefault?.rateLimit?.requestsPerSecond).toBeCloseTo(11);
    expect(hubspotQueueWorkerRate({ ...base, TEMPORAL_FAIRNESS: true })).toBeUndefined();
  });
});
