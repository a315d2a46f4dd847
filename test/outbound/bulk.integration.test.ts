// 10,000 local contact changes reach HubSpot in batches of 100: at most 110 write calls for the creates and
// again for the updates (simulator counters). Webhook delivery is off: this is about the write path.
import { counters, pushStatus, reportChanges, resetCounters, waitFor, writeCalls } from './helpers';
import { startStack, type Stack } from '../support/stack';

const COUNT = 10_000;

describe('push: bulk', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ env: { PUSH_BATCH_WINDOW_MS: '200', WORKFLOW_IDLE_TIMEOUT_MS: '20000' } });
    await stack.sim('POST', '/__sim/webhooks/config', { targetUrl: null });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it(`${COUNT} local contact changes reach HubSpot with at most 110 write calls`, async () => {
    const prisma = stack.runtime.prisma;
    const rows = await prisma.$queryRaw<Array<{ id: string }>>`
      INSERT INTO contacts (portal_id, email, first_name, last_name)
      SELECT ${stack.portalId}, 'bulk' || g || '@push.example', 'Bulk', 'No ' || g FROM generate_series(1, ${COUNT}) AS g
      RETURNING id::text AS id`;
    const ids = rows.map((r) => r.id);
    await resetCounters(stack);

    await reportChanges(stack, 'contacts', ids);
    await waitFor(
      'all linked',
      async () => (await prisma.contact.count({ where: { portalId: stack.portalId, hubspotId: null } })) === 0,
      150_000,
    );
    const created = await counters(stack);
    expect(writeCalls(created)).toBeLessThanOrEqual(110);
    expect(created.byEndpoint['POST /crm/v3/objects/contacts/batch/upsert']).toBe(COUNT / 100);

    // Updates of records HubSpot knows: batch update, plus one batch read per batch to check for conflicts.
    await prisma.contact.updateMany({ where: { portalId: stack.portalId }, data: { jobTitle: 'Bulk updated' } });
    await resetCounters(stack);
    const before = await pushStatus(stack, 'contacts');
    await reportChanges(stack, 'contacts', ids, ['jobTitle']);
    await waitFor(
      'all updated',
      async () => {
        const status = await pushStatus(stack, 'contacts');
        return status.updated - before.updated === COUNT;
      },
      150_000,
    );
    const updated = await counters(stack);
    expect(writeCalls(updated)).toBeLessThanOrEqual(110);
    expect(updated.byEndpoint['POST /crm/v3/objects/contacts/batch/update']).toBe(COUNT / 100);
    const { objects } = await stack.sim<{
      objects: { contacts: Array<{ properties: Record<string, string | null> }> };
    }>('GET', '/__sim/state?types=contacts');
    expect(objects.contacts).toHaveLength(COUNT);
    expect(objects.contacts.every((c) => c.properties.jobtitle === 'Bulk updated')).toBe(true);
  }, 360_000);
});
