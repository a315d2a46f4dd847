// What the Temporal server hubsync runs on (scripts/temporal-server.sh: matching.enableFairness) does with a
// task's priority and fairness key: every task is put in an activity queue's backlog before anything polls it,
// then one slot dispatches them and the order they start in is the server's choice.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { Priority } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { temporalAddress } from '../support/env';
import { waitFor } from '../support/wait';
import type { ProbeTask } from '../support/workflows/dispatch-probe';

const ACTIVITY = temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY;

describe('task-queue priority and fairness on the dev server', () => {
  let connection: Connection;
  let nativeConnection: NativeConnection;
  let client: Client;
  let workflowWorker: Worker;
  let workflowsRunning: Promise<void>;
  const workflowQueue = `probe-workflows-${randomUUID()}`;

  beforeAll(async () => {
    connection = await Connection.connect({ address: temporalAddress() });
    nativeConnection = await NativeConnection.connect({ address: temporalAddress() });
    client = new Client({ connection });
    workflowWorker = await Worker.create({
      connection: nativeConnection,
      taskQueue: workflowQueue,
      workflowsPath: require.resolve('../support/workflows/dispatch-probe'),
    });
    workflowsRunning = workflowWorker.run();
  });

  afterAll(async () => {
    workflowWorker.shutdown();
    await workflowsRunning;
    await Promise.all([connection.close(), nativeConnection.close()]);
  });

  async function backlog(queue: string): Promise<number> {
    const described = await connection.workflowService.describeTaskQueue({
      namespace: 'default',
      taskQueue: { name: queue },
      taskQueueType: ACTIVITY,
      reportStats: true,
    });
    return Number(described.stats?.approximateBacklogCount ?? 0);
  }

  /**
   * Queues each wave of tasks after the previous one is all in the backlog (Temporal hands a workflow's
   * scheduled activities to matching concurrently, so within one wave the arrival order is not fixed), then
   * dispatches them: labels in start order, with the time each started.
   */
  async function dispatchOrder(
    waves: ProbeTask[][],
    options: { slots: number; configure?: (queue: string) => Promise<void> },
  ): Promise<Array<{ label: string; at: number }>> {
    const activityQueue = `probe-activities-${randomUUID()}`;
    await options.configure?.(activityQueue);
    const results: Array<Promise<unknown>> = [];
    let queued = 0;
    for (const wave of waves) {
      const handle = await client.workflow.start('dispatchProbeWorkflow', {
        taskQueue: workflowQueue,
        workflowId: `probe-${randomUUID()}`,
        args: [activityQueue, wave],
      });
      results.push(handle.result());
      queued += wave.length;
      await waitFor(`${queued} tasks in the backlog`, async () => (await backlog(activityQueue)) === queued);
    }
    const started: Array<{ label: string; at: number }> = [];
    const worker = await Worker.create({
      connection: nativeConnection,
      taskQueue: activityQueue,
      maxConcurrentActivityTaskExecutions: options.slots,
      activities: {
        probe: async (label: string) => {
          started.push({ label, at: Date.now() });
        },
      },
    });
    await worker.runUntil(Promise.all(results));
    return started;
  }

  const tasks = (prefix: string, count: number, priority?: Priority): ProbeTask[] =>
    Array.from({ length: count }, (_, i) => ({ label: `${prefix}${i + 1}`, priority }));

  it('a high-priority task queued behind a backlog of low-priority ones is dispatched first', async () => {
    const order = await dispatchOrder(
      [tasks('backfill', 6, { priorityKey: 4 }), tasks('webhook', 1, { priorityKey: 1 })],
      {
        slots: 1,
      },
    );
    // In arrival order (no priority) the webhook's task would start last.
    expect(order.map((t) => t.label)[0]).toBe('webhook1');
    expect(order).toHaveLength(7);
  });

  it("with fairness keys, one key's backlog does not hold back another key's tasks queued after it", async () => {
    const order = await dispatchOrder(
      [tasks('big', 10, { fairnessKey: 'portal-big' }), tasks('small', 2, { fairnessKey: 'portal-small' })],
      { slots: 1 },
    );
    const labels = order.map((t) => t.label);
    // In arrival order the small portal's two tasks would start 11th and 12th; by key, they start among the first four.
    expect(labels.indexOf('small1')).toBeLessThan(4);
    expect(labels.indexOf('small2')).toBeLessThan(4);
    expect(order).toHaveLength(12);
  });

  it("a per-key rate limit from UpdateTaskQueueConfig holds one key back while another key's tasks go ahead", async () => {
    // One task per 5 s for a key of weight 1; a task's fairnessWeight scales its key's rate (the fast key: 50 per 5 s).
    const perKeyPerSecond = 0.2;
    const order = await dispatchOrder(
      [
        tasks('slow', 3, { fairnessKey: 'portal-slow' }),
        tasks('fast', 3, { fairnessKey: 'portal-fast', fairnessWeight: 50 }),
      ],
      {
        slots: 5,
        configure: async (queue) => {
          const updated = await connection.workflowService.updateTaskQueueConfig({
            namespace: 'default',
            identity: 'priority-fairness test',
            taskQueue: queue,
            taskQueueType: ACTIVITY,
            updateFairnessKeyRateLimitDefault: { rateLimit: { requestsPerSecond: perKeyPerSecond }, reason: 'test' },
          });
          expect(updated.config?.fairnessKeysRateLimitDefault?.rateLimit?.requestsPerSecond).toBeCloseTo(
            perKeyPerSecond,
          );
        },
      },
    );
    const labels = order.map((t) => t.label);
    const slow = order.filter((t) => t.label.startsWith('slow')).map((t) => t.at);
    // The slow key's later tasks wait for its limiter, so the fast key's three (queued after them) start before them.
    expect(labels.slice(0, 4).filter((l) => l.startsWith('fast'))).toHaveLength(3);
    // The server spaces the slow key's starts by its 5 s interval less its 1 s burst allowance (measured 4.0 s and
    // 5.0 s). A lower bound: a slow machine only widens it.
    expect(slow[1]! - slow[0]!).toBeGreaterThanOrEqual(3_500);
    expect(slow[2]! - slow[1]!).toBeGreaterThanOrEqual(3_500);
  });
});
