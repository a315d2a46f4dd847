// A hand-off that misses its deadline (a busy Temporal) does not turn the webhook endpoint to 503 while Temporal
// still answers its health probe: the batch stays in the inbox for a retry and new batches are still accepted.
// Only a Temporal the probe cannot reach does (webhook-route.integration.test.ts, convergence.integration.test.ts).
import { randomInt, randomUUID } from 'node:crypto';
import { createTemporalClient } from '../../src/temporal/client';
import type { HubSpotWebhookEvent } from '../../src/sync/events';
import type { ObjectEvents } from '../../src/inbound/handoff';
import { WebhookDispatcher } from '../../src/inbound/webhook-dispatcher';
import { temporalAddress } from '../support/env';
import { testRuntime } from '../support/runtime';
import { waitFor } from '../support/wait';
import { propertyChangeEvent } from './helpers';

jest.setTimeout(60_000);

describe('webhook inbox with a hand-off past its deadline', () => {
  const runtime = testRuntime();
  const temporal = createTemporalClient({ TEMPORAL_ADDRESS: temporalAddress(), TEMPORAL_NAMESPACE: 'default' });
  afterAll(async () => {
    await runtime.prisma.$disconnect();
    await temporal.connection.close();
  });

  it('keeps the batch for a retry and stays available while the probe answers', async () => {
    const portalId = String(randomInt(3_000_000, 2_000_000_000));
    const objectId = String(randomInt(1, 1_000_000));
    const group: ObjectEvents = {
      portalId,
      objectType: 'contacts',
      objectId,
      events: [propertyChangeEvent(Number(portalId), 1, { objectId }) as unknown as HubSpotWebhookEvent],
    };
    const dispatcher = new WebhookDispatcher(
      { ...runtime, temporal: temporal.client },
      {
        // A deadline no signal meets: every hand-off fails as DEADLINE_EXCEEDED, as on an overloaded server.
        handoff: { taskQueue: `slow-${randomUUID()}`, coalesceMs: 0, idleTimeoutMs: 60_000, deadlineMs: 1 },
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
      const row = await waitFor('the hand-off to fail', async () => {
        const found = await runtime.prisma.webhookInboxEntry.findFirst({
          where: { id: { gt: before._max.id ?? 0n }, lastError: { not: null } },
        });
        return found ?? undefined;
      });
      expect(row.lastError).toMatch(/DEADLINE_EXCEEDED|within 1 ms/);
      expect(row.deadLetteredAt).toBeNull();
      expect(await dispatcher.temporalAvailable()).toBe(true);
    } finally {
      await dispatcher.close();
      await runtime.prisma.webhookInboxEntry.deleteMany({ where: { id: { gt: before._max.id ?? 0n } } });
    }
  });
});
