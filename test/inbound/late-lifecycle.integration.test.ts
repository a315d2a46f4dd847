// Lifecycle events are ordered by time in the store too: once a record's workflow has completed, a deletion
// HubSpot retries late (older than what the row already holds from HubSpot: a restore, an edit) archives nothing;
// a deletion newer than the row does. Real Temporal, PostgreSQL and the simulator.
import type { HubSpotWebhookEvent } from '../../src/sync/events';
import { inboundObjectWorkflowId } from '../../src/workflow-safe/ids';
import { hubspotEventsSignal, inboundObjectWorkflow } from '../../workflows/inbound/inbound-object';
import { startStack, type Stack } from '../support/stack';

jest.setTimeout(120_000);

describe('a late deletion after the record workflow completed', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ withApp: false });
  });
  afterAll(async () => stack?.close());

  it('never archives a record HubSpot changed after it; a newer deletion still archives', async () => {
    const contact = await stack.sim<{ id: string }>('POST', '/__sim/objects/contacts', {
      properties: { firstname: 'Mary', lastname: 'Jackson', email: `mj-${stack.portalId}@example.com` },
    });
    const event = (eventId: number, subscriptionType: string, occurredAt: number) =>
      ({
        eventId,
        subscriptionId: 1,
        portalId: Number(stack.portalId),
        appId: 1,
        occurredAt,
        subscriptionType,
        attemptNumber: 0,
        objectId: Number(contact.id),
      }) as HubSpotWebhookEvent;
    // Each delivery runs a fresh execution to completion: nothing of the earlier run's memory helps.
    const deliver = async (events: HubSpotWebhookEvent[]) => {
      const handle = await stack.temporal.workflow.signalWithStart(inboundObjectWorkflow, {
        workflowId: inboundObjectWorkflowId(stack.portalId, 'contacts', contact.id),
        taskQueue: stack.runtime.config.TEMPORAL_TASK_QUEUE,
        args: [
          { portalId: stack.portalId, objectType: 'contacts', objectId: contact.id, coalesceMs: 0, idleTimeoutMs: 300 },
        ],
        signal: hubspotEventsSignal,
        signalArgs: [events],
      });
      await handle.result();
    };
    const row = () =>
      stack.runtime.prisma.contact.findUniqueOrThrow({
        where: { portalId_hubspotId: { portalId: stack.portalId, hubspotId: contact.id } },
      });

    await deliver([event(1, 'contact.creation', Date.now())]);
    const live = await row();
    expect(live.archived).toBe(false);
    const heldAt = live.hubspotUpdatedAt?.getTime();
    expect(heldAt).toBeDefined();

    // A deletion from a minute before what the row holds, delivered now (HubSpot retries for up to 24 hours).
    await deliver([event(2, 'contact.deletion', (heldAt as number) - 60_000)]);
    expect((await row()).archived).toBe(false);

    // A deletion after it is applied.
    await deliver([event(3, 'contact.deletion', (heldAt as number) + 1_000)]);
    expect((await row()).archived).toBe(true);
  });
});
