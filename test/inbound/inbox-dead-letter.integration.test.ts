// A webhook batch Temporal refuses for good (here: a workflow id over the server's 1,000-character limit, which
// it answers INVALID_ARGUMENT) is retried a bounded number of times and then dead-lettered in the inbox; the
// other records of the batch are handed off, and the endpoint keeps accepting (Temporal answered: it is up).
import { randomInt, randomUUID } from 'node:crypto';
import { createTemporalClient } from '../../src/temporal/client';
import type { HubSpotWebhookEvent } from '../../src/sync/events';
import type { ObjectEvents } from '../../src/inbound/handoff';
import { WebhookDispatcher } from '../../src/inbound/webhook-dispatcher';
import { inboundObjectWorkflowId } from '../../src/workflow-safe/ids';
import { temporalAddress } from '../support/env';
import { testRuntime } from '../support/runtime';
import { waitFor } from '../support/wait';
import { propertyChangeEvent } from './helpers';

jest.setTimeout(60_000);

describe('webhook inbox dead letters', () => {
  const runtime = testRuntime();
  const temporal = createTemporalClient({ TEMPORAL_ADDRESS: temporalAddress(), TEMPORAL_NAMESPACE: 'default' });
  afterAll(async () => {
    // The dead-lettered row stays in the inbox by design; other suites share the table.
    await runtime.prisma.webhookInboxEntry.deleteMany({ where: { deadLetteredAt: { not: null } } });
    await runtime.prisma.$disconnect();
    await temporal.connection.close();
  });

  it('dead-letters only the records Temporal refuses, after the bounded attempts, and stays available', async () => {
    const portalId = String(randomInt(3_000_000, 2_000_000_000));
    const group = (objectId: string): ObjectEvents => ({
      portalId,
      objectType: 'contacts',
      objectId,
      events: [propertyChangeEvent(Number(portalId), 1, { objectId }) as unknown as HubSpotWebhookEvent],
    });
    const good = group(String(randomInt(1, 1_000_000)));
    const poison = group('9'.repeat(1_200));
    const dispatcher = new WebhookDispatcher(
      { ...runtime, temporal: temporal.client },
      {
        // No worker polls this queue: the good record's workflow just waits, started.
        handoff: { taskQueue: `dead-letter-${randomUUID()}`, coalesceMs: 0, idleTimeoutMs: 60_000, deadlineMs: 10_000 },
        leaseMs: 60_000,
        concurrency: 2,
        sweepIntervalMs: 50,
        maxAttempts: 3,
        deadLetters: { retentionDays: 30, maxRows: 1_000 },
        retryAfterMs: 50,
      },
    );
    dispatcher.start();
    const goodId = inboundObjectWorkflowId(portalId, 'contacts', good.objectId);
    try {
      const before = await runtime.prisma.webhookInboxEntry.aggregate({ _max: { id: true } });
      await dispatcher.accept([good, poison]);
      const row = await waitFor('the poison batch to be dead-lettered', async () => {
        const found = await runtime.prisma.webhookInboxEntry.findFirst({
          where: { id: { gt: before._max.id ?? 0n }, deadLetteredAt: { not: null } },
        });
        return found ?? undefined;
      });
      expect(row.attempts).toBe(3);
      expect((row.records as unknown as ObjectEvents[]).map((r) => r.objectId)).toEqual([poison.objectId]);
      expect(row.lastError).toMatch(/length|limit|invalid/i);
      expect(await dispatcher.temporalAvailable()).toBe(true);
      await expect(temporal.client.workflow.getHandle(goodId).describe()).resolves.toMatchObject({
        workflowId: goodId,
      });
      // Set aside for good: no sweeper hands it off again.
      const { attempts } = await runtime.prisma.webhookInboxEntry.findUniqueOrThrow({ where: { id: row.id } });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await runtime.prisma.webhookInboxEntry.findUniqueOrThrow({ where: { id: row.id } })).attempts).toBe(
        attempts,
      );
    } finally {
      await dispatcher.close();
      await temporal.client.workflow
        .getHandle(goodId)
        .terminate()
        .catch(() => undefined);
    }
  });
});
