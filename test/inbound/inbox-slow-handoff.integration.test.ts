// A hand-off that misses its deadline (a busy Temporal) does not turn the webhook endpoint to 503 by itself: the
// health probe decides, and while it answers, the batch stays in the inbox for a retry and new batches are still
// accepted. A Temporal client that answers the probe and times out every signal stands in for the busy server, so
// nothing here depends on the machine's speed. Only a Temporal the probe cannot reach answers 503
// (webhook-route.integration.test.ts, convergence.integration.test.ts).
import { randomInt, randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { HubSpotWebhookEvent } from '../../src/sync/events';
import type { ObjectEvents } from '../../src/inbound/handoff';
import { WebhookDispatcher } from '../../src/inbound/webhook-dispatcher';
import { testRuntime } from '../support/runtime';
import { waitFor } from '../support/wait';
import { propertyChangeEvent } from './helpers';

jest.setTimeout(60_000);

/** A frontend that answers its health probe but lets every signal run past its deadline. */
function busyTemporal(): { client: Client; probes: () => number } {
  let probes = 0;
  const connection = {
    withAbortSignal: <T>(_signal: AbortSignal, fn: () => Promise<T>) => fn(),
    withDeadline: <T>(_deadline: number, fn: () => Promise<T>) => fn(),
    ensureConnected: async () => undefined,
    workflowService: { getSystemInfo: async () => (probes++, {}) },
  };
  const workflow = {
    signalWithStart: async () => {
      throw Object.assign(new Error('4 DEADLINE_EXCEEDED: Deadline exceeded'), { code: 4 });
    },
  };
  return { client: { connection, workflow } as unknown as Client, probes: () => probes };
}

describe('webhook inbox with a hand-off past its deadline', () => {
  const runtime = testRuntime();
  afterAll(() => runtime.prisma.$disconnect());

  it('keeps the batch for a retry, asks the probe, and stays available while the probe answers', async () => {
    const portalId = String(randomInt(3_000_000, 2_000_000_000));
    const objectId = String(randomInt(1, 1_000_000));
    const group: ObjectEvents = {
      portalId,
      objectType: 'contacts',
      objectId,
      events: [propertyChangeEvent(Number(portalId), 1, { objectId }) as unknown as HubSpotWebhookEvent],
    };
    const temporal = busyTemporal();
    const dispatcher = new WebhookDispatcher(
      { ...runtime, temporal: temporal.client },
      {
        handoff: { taskQueue: `slow-${randomUUID()}`, coalesceMs: 0, idleTimeoutMs: 60_000, deadlineMs: 10_000 },
        leaseMs: 60_000,
        concurrency: 1,
        sweepIntervalMs: 60_000,
        maxAttempts: 3,
        deadLetters: { retentionDays: 30, maxRows: 1_000 },
        retryAfterMs: 60_000,
      },
    );
    const before = await runtime.prisma.webhookInboxEntry.aggregate({ _max: { id: true } });
    try {
      await dispatcher.accept([group]);
      const row = await waitFor('the failed hand-off to be released and the probe asked', async () => {
        const found = await runtime.prisma.webhookInboxEntry.findFirst({
          where: { id: { gt: before._max.id ?? 0n }, lastError: { not: null } },
        });
        return found && temporal.probes() > 0 ? found : undefined;
      });
      expect(row.lastError).toMatch(/DEADLINE_EXCEEDED/);
      expect(row.deadLetteredAt).toBeNull();
      expect(await dispatcher.temporalAvailable()).toBe(true);
    } finally {
      await dispatcher.close();
      await runtime.prisma.webhookInboxEntry.deleteMany({ where: { id: { gt: before._max.id ?? 0n } } });
    }
  });
});
