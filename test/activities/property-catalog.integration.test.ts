// Every property: reads ask HubSpot for all of a type's live properties (its properties API), not only the
// mapped ones, and the first page of every sync run reads the definitions again, so a property a customer
// creates reaches the rows' JSONB with no restart, and one they archive is no longer asked for. Fetching all of
// them costs no more calls per page however many there are (call counts from the simulator, never timed).
import { startBackfill, startManualSync } from '../../src/scheduled/start-sync';
import { readPropertyCatalog } from '../../src/store/property-catalogs';
import { startStack, type Stack } from '../support/stack';

jest.setTimeout(240_000);

const OLD = { modifiedFrom: '2024-01-01T00:00:00.000Z', modifiedTo: '2024-06-01T00:00:00.000Z' };
const CONTACTS = 250;

interface SimState {
  objects: { contacts: Array<{ id: string; properties: Record<string, string> }> };
}

describe('every property of every record', () => {
  let stack: Stack;
  let ids: string[];

  beforeAll(async () => {
    stack = await startStack({
      withApp: false, // no webhooks: only the backfill and the sync read records
      env: { SYNC_WINDOW_OVERLAP_MS: '1000', HUBSPOT_REQUESTS_PER_10S: '5000' },
    });
    await stack.sim('POST', '/__sim/seed', { contacts: CONTACTS, owners: 1, associations: false, ...OLD });
    ids = (await stack.sim<SimState>('GET', '/__sim/state')).objects.contacts.map((c) => c.id);
  });
  afterAll(async () => stack?.close());

  const hubspot = () => stack.runtime.hubspotFor(stack.portalId);
  const createProperty = (name: string) =>
    hubspot().createProperty('contacts', {
      name,
      label: name,
      type: 'string',
      fieldType: 'text',
      groupName: 'contactinformation',
    });
  const row = (hubspotId: string) =>
    stack.runtime.prisma.contact.findFirstOrThrow({ where: { portalId: stack.portalId, hubspotId } });
  const jsonb = async (hubspotId: string) => (await row(hubspotId)).properties as Record<string, string | null>;
  const edit = (id: string, properties: Record<string, string>) =>
    stack.sim('PATCH', `/__sim/objects/contacts/${id}`, { properties });
  const sync = async () =>
    (await startManualSync(stack.temporal, stack.portalId, stack.runtime.config, ['contacts'])).result();
  const backfill = async (restart: boolean) =>
    (
      await startBackfill(stack.temporal, stack.portalId, stack.runtime.config, { objectTypes: ['contacts'], restart })
    ).result();
  const calls = async () =>
    (await stack.sim<{ byEndpoint: Record<string, number> }>('GET', '/__sim/counters')).byEndpoint;

  it('a backfill brings every property of a record: mapped ones in columns, the rest in the JSONB as HubSpot sends them', async () => {
    await createProperty('favorite_color');
    await edit(ids[0]!, { favorite_color: 'teal', city: 'Lyon', zip: '69001' });
    await backfill(false);

    const simRecord = await stack.sim<{ properties: Record<string, string> }>(
      'GET',
      `/__sim/objects/contacts/${ids[0]}`,
    );
    const mapped = new Set(stack.runtime.mapping.contacts.fields.map((f) => f.hubspotProperty));
    const stored = await jsonb(ids[0]!);
    const unmapped = Object.entries(simRecord.properties).filter(
      ([name]) => !mapped.has(name) && name !== 'lastmodifieddate',
    );
    expect(unmapped.length).toBeGreaterThan(3);
    for (const [name, value] of unmapped) expect([name, stored[name]]).toEqual([name, value]);
    expect(stored).toMatchObject({ favorite_color: 'teal', city: 'Lyon', zip: '69001' });
    expect((await row(ids[0]!)).email).toBe(simRecord.properties.email);
  });

  it('a property created while hubsync runs is in the JSONB after the next sync run, with no restart', async () => {
    await createProperty('loyalty_tier');
    await edit(ids[1]!, { loyalty_tier: 'gold' });
    await sync();
    expect((await jsonb(ids[1]!)).loyalty_tier).toBe('gold');
    const catalog = await readPropertyCatalog(stack.runtime.prisma, stack.portalId, 'contacts');
    expect(catalog?.names).toEqual(expect.arrayContaining(['loyalty_tier', 'favorite_color', 'city']));
  });

  it('a property archived in HubSpot is no longer asked for after the next run; the values already read stay', async () => {
    const archived = await fetch(`${stack.simulator.url}/crm/v3/properties/contacts/favorite_color`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${stack.token}` },
    });
    expect(archived.status).toBe(204);
    await edit(ids[2]!, { loyalty_tier: 'silver' });
    await stack.sim('DELETE', '/__sim/requests');
    await sync();

    const reads = (
      await stack.sim<{ requests: Array<{ endpoint: string; body?: string }> }>('GET', '/__sim/requests')
    ).requests
      .filter((r) => r.endpoint === 'POST /crm/v3/objects/contacts/batch/read')
      .map((r) => JSON.parse(r.body ?? '{}') as { properties: string[] });
    expect(reads.length).toBeGreaterThan(0);
    for (const read of reads) {
      expect(read.properties).toContain('loyalty_tier');
      expect(read.properties).not.toContain('favorite_color');
    }
    expect((await jsonb(ids[2]!)).loyalty_tier).toBe('silver');
    expect((await readPropertyCatalog(stack.runtime.prisma, stack.portalId, 'contacts'))?.names).not.toContain(
      'favorite_color',
    );
    // HubSpot keeps an archived property's values (recycling bin): hubsync does not erase what it read.
    expect((await jsonb(ids[0]!)).favorite_color).toBe('teal');
  });

  it('300 or 600 custom properties cost the same calls: a list page of ids and one batch read per 100 records', async () => {
    const addProperties = async (from: number, count: number) => {
      for (let i = from; i < from + count; i += 25)
        await Promise.all(
          Array.from({ length: 25 }, (_, k) => createProperty(`hubsync_budget_custom_property_${i + k}`)),
        );
    };
    const pages = Math.ceil(CONTACTS / 100);
    const costOfBackfill = async () => {
      await stack.sim('DELETE', '/__sim/counters');
      const progress = await backfill(true);
      expect(progress.done).toBe(CONTACTS);
      return calls();
    };

    await addProperties(0, 300); // the properties= list no longer fits a URL (MAX_PROPERTIES_QUERY_CHARS)
    const with300 = await costOfBackfill();
    await addProperties(300, 300);
    const with600 = await costOfBackfill();
    for (const counted of [with300, with600]) {
      expect(counted['GET /crm/v3/objects/contacts']).toBe(pages);
      expect(counted['POST /crm/v3/objects/contacts/batch/read']).toBe(pages);
      expect(counted['GET /crm/v3/properties/contacts']).toBe(1);
    }
    expect(with600).toEqual(with300);
    expect(Object.keys((await jsonb(ids[3]!)) ?? {})).toEqual(
      expect.arrayContaining(['hubsync_budget_custom_property_0', 'hubsync_budget_custom_property_599']),
    );

    // The incremental sync: one search page, one batch read for the changed records' properties.
    await Promise.all(ids.slice(0, 10).map((id) => edit(id, { hubsync_budget_custom_property_599: `v${id}` })));
    await stack.sim('DELETE', '/__sim/counters');
    const result = await sync();
    expect(result.counts.contacts?.updated).toBe(10);
    const counted = await calls();
    expect(counted['POST /crm/v3/objects/contacts/search']).toBe(1);
    expect(counted['POST /crm/v3/objects/contacts/batch/read']).toBe(1);
    expect((await jsonb(ids[4]!)).hubsync_budget_custom_property_599).toBe(`v${ids[4]}`);
  });
});
