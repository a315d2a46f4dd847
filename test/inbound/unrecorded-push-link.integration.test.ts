// The webhooks of a push's HubSpot create can come back before the push has recorded the new record's id on its
// row (the recording is lost with its worker and retried, or just slower). The record's property-change events
// alone, without the creation event or the change of hubsync_local_id (HubSpot still retrying those), must not
// insert a second row: the record is read whole, names its row, and that row is linked. Found by the chaos run
// (seed 1 × 300: a platform contact never reached HubSpot under its own row and got a duplicate local row).
// Real Temporal, PostgreSQL and the simulator over HTTP; the events are the simulator's own, signalled in a
// fixed order, so nothing depends on timing.
import { createPushActivities } from '../../activities/outbound/push';
import type { HubSpotWebhookEvent } from '../../src/sync/events';
import { inboundObjectWorkflowId } from '../../src/workflow-safe/ids';
import { hubspotEventsSignal, inboundObjectWorkflow } from '../../workflows/inbound/inbound-object';
import { startStack, type Stack } from '../support/stack';

jest.setTimeout(120_000);

describe('webhooks of a push whose link is not recorded yet', () => {
  let stack: Stack;
  let push: ReturnType<typeof createPushActivities>;
  const prisma = () => stack.runtime.prisma;
  const pushBatch = (localIds: string[]) =>
    push.pushBatch({
      portalId: stack.portalId,
      objectType: 'contacts',
      changes: localIds.map((localId) => ({ localId })),
    });

  beforeAll(async () => {
    stack = await startStack({ withApp: false });
    push = createPushActivities(stack.runtime);
    await pushBatch([]); // learns the portal's schema and creates hubsync_local_id, as the first push does
  });
  afterAll(async () => stack?.close());

  it('link the row the record names instead of inserting a duplicate; the push then updates it', async () => {
    const email = `kate.${stack.portalId}@unrecorded.example`;
    const row = await prisma().contact.create({
      data: { portalId: stack.portalId, email, firstName: 'Kate', lastName: 'Johnson' },
    });
    // The push's write (its upsert by email, naming the row), whose recording did not happen.
    const written = await stack.runtime.hubspotFor(stack.portalId).batchUpsert('contacts', [
      {
        id: email,
        idProperty: 'email',
        properties: { email, firstname: 'Kate', lastname: 'Johnson', hubsync_local_id: row.id },
      },
    ]);
    const hubspotId = written.results[0]!.id;
    const { events } = await stack.sim<{ events: HubSpotWebhookEvent[] }>('GET', '/__sim/webhooks/events?limit=100');
    const echo = events.filter(
      (e) =>
        String(e.objectId) === hubspotId &&
        e.subscriptionType === 'contact.propertyChange' &&
        e.propertyName !== 'hubsync_local_id',
    );
    expect(echo.map((e) => e.propertyName).sort()).toEqual(['email', 'firstname', 'hs_email_domain', 'lastname']);
    expect(echo.every((e) => e.changeSource === 'INTEGRATION')).toBe(true);

    const handle = await stack.temporal.workflow.signalWithStart(inboundObjectWorkflow, {
      workflowId: inboundObjectWorkflowId(stack.portalId, 'contacts', hubspotId),
      taskQueue: stack.runtime.config.TEMPORAL_TASK_QUEUE,
      args: [
        {
          portalId: stack.portalId,
          objectType: 'contacts',
          objectId: hubspotId,
          coalesceMs: 0,
          idleTimeoutMs: 300,
          ...(stack.runtime.config.HUBSPOT_APP_ID ? { ourAppId: stack.runtime.config.HUBSPOT_APP_ID } : {}),
        },
      ],
      signal: hubspotEventsSignal,
      signalArgs: [echo],
    });
    await handle.result();

    const rows = await prisma().contact.findMany({ where: { portalId: stack.portalId, email } });
    expect(rows.map((r) => [r.id, r.hubspotId])).toEqual([[row.id, hubspotId]]);

    // The push's retry finds its row linked: no DUPLICATE_LINK, no second HubSpot record.
    await prisma().contact.update({ where: { id: row.id }, data: { jobTitle: 'Engineer' } });
    const result = await pushBatch([row.id]);
    expect(result).toMatchObject({ updated: 1, created: 0, failed: 0 });
    expect(await prisma().syncFailure.count({ where: { portalId: stack.portalId } })).toBe(0);
    const inHubSpot = await stack.sim<{ properties: Record<string, string> }>(
      'GET',
      `/__sim/objects/contacts/${hubspotId}`,
    );
    expect(inHubSpot.properties).toMatchObject({ email, jobtitle: 'Engineer', hubsync_local_id: row.id });
  });
});
