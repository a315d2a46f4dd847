// No pending event is lost to a failed fetch: a per-record workflow whose full read HubSpot refuses keeps the
// events it drained, pauses, and applies them once the read succeeds, on the real Temporal server and simulator.
import { inboundObjectWorkflowId } from '../../src/workflow-safe/ids';
import { hubspotEventsSignal, inboundObjectWorkflow } from '../../workflows/inbound/inbound-object';
import { startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/wait';
import { creationThenEdit } from './helpers';

jest.setTimeout(120_000);

describe('a failed full read of a record', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ withApp: false });
  });
  afterAll(async () => stack?.close());

  it('keeps the drained events pending and applies them once HubSpot answers again', async () => {
    const contact = await stack.sim<{ id: string }>('POST', '/__sim/objects/contacts', {
      properties: { firstname: 'Katherine', lastname: 'Johnson', email: `kj-${stack.portalId}@example.com` },
    });
    // Twice refused for good (400: non-retryable, so each refusal ends a round at once), then answered.
    await stack.sim('POST', '/__sim/faults', {
      rules: [{ type: 'error', status: 400, match: 'POST /crm/v3/objects/contacts/batch/read', times: 2 }],
    });
    const workflowId = inboundObjectWorkflowId(stack.portalId, 'contacts', contact.id);
    const [creation, edit] = creationThenEdit(stack.portalId, contact.id, 'Mathematician');
    const handle = await stack.temporal.workflow.signalWithStart(inboundObjectWorkflow, {
      workflowId,
      taskQueue: stack.runtime.config.TEMPORAL_TASK_QUEUE,
      args: [
        {
          portalId: stack.portalId,
          objectType: 'contacts',
          objectId: contact.id,
          coalesceMs: 0,
          idleTimeoutMs: 1_000,
          roundPauseMs: 100,
        },
      ],
      signal: hubspotEventsSignal,
      signalArgs: [[creation, edit]],
    });

    await handle.result(); // completes after its idle time: it did not fail with the refused reads
    const row = await stack.runtime.prisma.contact.findUnique({
      where: { portalId_hubspotId: { portalId: stack.portalId, hubspotId: contact.id } },
    });
    expect(row).toMatchObject({ firstName: 'Katherine', lastName: 'Johnson', jobTitle: 'Mathematician' });
    const events = (await handle.fetchHistory()).events ?? [];
    const failed = events.filter((e) => e.activityTaskFailedEventAttributes).length;
    const completed = events.filter((e) => e.activityTaskCompletedEventAttributes).length;
    expect(failed).toBe(2); // two refused reads, each ending a round
    expect(completed).toBe(2); // then one read and one apply
    // The two events were recorded as applied (the dedupe log the apply writes in its transaction).
    await waitFor('the processed events', async () => {
      const n = await stack.runtime.prisma.processedWebhookEvent.count({
        where: { portalId: stack.portalId, objectId: contact.id },
      });
      return n === 2;
    });
  });
});
