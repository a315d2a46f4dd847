// What webhooks cost in HubSpot API calls, read from the simulator's counters: property changes carry
// their values (no call at all), creations need the record but share batch/read calls across workflows.
// The batching is decided for the test, so the count cannot move with the machine's speed: every stream of
// reads counts as a bulk (RECORD_FETCH_BULK_ASKS=1) and a batch waits until it holds 100 ids, its deadline
// (RECORD_FETCH_MAX_WAIT_MS) beyond any fill time yet under the fetch activity's 2-minute timeout (a batch fills
// because the worker's 100 activity slots hold nothing long-running in this stack). When a partial
// batch goes out (quiet gap, bulk detection, deadline) is tested on a fake clock in hubspot-fetch.test.ts.
import { startStack, type Stack } from '../support/stack';
import { drainWebhooks, hubspotCalls, waitFor } from './helpers';

jest.setTimeout(600_000);

describe('webhooks end to end: HubSpot API calls', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      env: { WEBHOOK_COALESCE_MS: '200', RECORD_FETCH_BULK_ASKS: '1', RECORD_FETCH_MAX_WAIT_MS: '100000' },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('1,000 propertyChange events cost zero HubSpot API calls', async () => {
    const seeded = await stack.sim<{ ids: { contacts: [number, number] } }>('POST', '/__sim/seed', {
      contacts: 200,
      owners: 1,
      associations: false,
    });
    const [first, last] = seeded.ids.contacts;
    await stack.sim('DELETE', '/__sim/counters');
    for (let id = first; id <= last; id++) {
      await stack.sim('PATCH', `/__sim/objects/contacts/${id}`, {
        properties: { firstname: `F${id}`, lastname: `L${id}`, jobtitle: 'J', phone: `+1 ${id}`, city: 'Oslo' },
      });
    }
    const { events } = await stack.sim<{ events: Array<{ subscriptionType: string }> }>(
      'GET',
      '/__sim/webhooks/events?limit=5000',
    );
    expect(events.filter((e) => e.subscriptionType === 'contact.propertyChange')).toHaveLength(1_000);
    await drainWebhooks(stack, 60_000);
    await waitFor(
      'all 200 contacts applied',
      async () =>
        (await stack.runtime.prisma.contact.count({
          where: { portalId: stack.portalId, jobTitle: 'J', phone: { startsWith: '+1 ' } },
        })) === 200,
      90_000,
    );
    const calls = await hubspotCalls(stack);
    expect(calls.total).toBe(0);
  });

  it('creation events for 1,000 distinct contacts cost ten batch reads of 100 ids, not one read each', async () => {
    await stack.sim('DELETE', '/__sim/counters');
    // A bulk import: the contacts appear within a few seconds, as when a user imports a file.
    const create = (i: number) =>
      stack.sim('POST', '/__sim/objects/contacts', { properties: { email: `new${i}@example.com` } });
    for (let i = 0; i < 1_000; i += 50) await Promise.all(Array.from({ length: 50 }, (_, k) => create(i + k)));
    await drainWebhooks(stack, 120_000);
    await waitFor(
      'all 1,000 created contacts applied from a full read',
      // createdate is only in HubSpot's full record, never in a creation's propertyChange events.
      async () => {
        const [row] = await stack.runtime.prisma.$queryRaw<Array<{ n: number }>>`
          SELECT count(*)::int AS n FROM contacts WHERE portal_id = ${stack.portalId} AND email LIKE 'new%' AND properties ? 'createdate'`;
        return row?.n === 1_000;
      },
      400_000,
    );
    const calls = await hubspotCalls(stack);
    // Ten reads of 100 ids, and the contact property definitions once (the first full read stores the catalog).
    expect(calls.byEndpoint).toEqual({
      'POST /crm/v3/objects/contacts/batch/read': 10,
      'GET /crm/v3/properties/contacts': 1,
    });
    expect(calls.total).toBe(11);
  });
});
