import axios from 'axios';
import { HubSpotNotFoundError, resetPortalRateLimiters } from '../../src/hubspot';
import { MAX_PROPERTIES_QUERY_CHARS } from '../../src/hubspot/objects';
import { startRecordingProxy, type RecordingProxy } from '../support/recording-proxy';
import { SIM_TOKEN, type SimHandle, clientFor, startSim } from './sim-admin';

// HubSpot answers an over-long URL with 414 (the simulator past 16,000 characters). A mapping of a few hundred
// properties makes properties= longer than that: list pages and single reads must stay under the client's
// bound (MAX_PROPERTIES_QUERY_CHARS) and still return every mapped property, through POST batch/read.

jest.setTimeout(60_000);

/** 600 property names of 33 characters: about 20,000 characters once joined, beyond the simulator's 16,000. */
const LONG_LIST = [
  'email',
  'firstname',
  ...Array.from({ length: 600 }, (_, i) => `hubsync_long_mapped_property_${String(i).padStart(4, '0')}`),
];

describe('reads with a long properties list stay under the URL limit', () => {
  let sim: SimHandle;
  let proxy: RecordingProxy;

  beforeAll(async () => {
    sim = await startSim();
    await sim.admin.post('/config', { requestsPer10s: 1000 });
    proxy = await startRecordingProxy(sim.url);
    resetPortalRateLimiters();
  });
  afterAll(async () => {
    await proxy?.close();
    await sim?.close();
  });

  it('the simulator refuses the plain GET with 414, so the limit is real', async () => {
    const res = await axios.get(`${sim.url}/crm/v3/objects/contacts`, {
      params: { properties: LONG_LIST.join(',') },
      headers: { authorization: `Bearer ${SIM_TOKEN}` },
      validateStatus: () => true,
    });
    expect(res.status).toBe(414);
  });

  it('list pages (live and archived) and single reads return the properties, every URL under the bound', async () => {
    const client = clientFor({ ...sim, url: proxy.url });
    const inputs = Array.from({ length: 150 }, (_, i) => ({
      properties: { email: `long${i}@url.example`, firstname: `L${i}` },
    }));
    const created = await client.batchCreate('contacts', inputs);
    const ids = created.results.map((r) => r.id);

    const first = await client.listPage('contacts', { limit: 100, properties: LONG_LIST });
    expect(first.results).toHaveLength(100);
    expect(first.nextAfter).toBeDefined();
    const second = await client.listPage('contacts', { limit: 100, properties: LONG_LIST, after: first.nextAfter });
    expect(second.nextAfter).toBeUndefined();
    const listed = [...first.results, ...second.results];
    expect(listed.map((r) => r.id).sort()).toEqual([...ids].sort());
    for (const record of listed) {
      const n = record.properties.firstname?.slice(1);
      expect(record.properties.email).toBe(`long${n}@url.example`);
    }

    await client.batchArchive('contacts', [ids[3]!]);
    const archived = await client.listPage('contacts', { archived: true, properties: LONG_LIST });
    expect(archived.results.map((r) => [r.id, r.properties.email])).toEqual([[ids[3], 'long3@url.example']]);

    expect((await client.get('contacts', ids[7]!, { properties: LONG_LIST })).properties.firstname).toBe('L7');
    await expect(client.get('contacts', '999999999', { properties: LONG_LIST })).rejects.toBeInstanceOf(
      HubSpotNotFoundError,
    );

    // The cost: one id-only list call and one batch read a page; a single read is one batch read.
    const gets = proxy.sent('GET', /\/crm\/v3\/objects\/contacts/);
    const reads = proxy.sent('POST', /\/crm\/v3\/objects\/contacts\/batch\/read$/);
    expect([gets.length, reads.length]).toEqual([3, 5]);
    for (const request of gets) expect(request.url.length).toBeLessThan(MAX_PROPERTIES_QUERY_CHARS);
    for (const read of reads) expect((read.body as { properties: string[] }).properties).toEqual(LONG_LIST);
  });

  it('a short list is still one GET', async () => {
    const client = clientFor({ ...sim, url: proxy.url });
    const before = proxy.sent('POST', /\/batch\/read$/).length;
    const page = await client.listPage('contacts', { limit: 5, properties: ['email'] });
    expect(page.results).toHaveLength(5);
    expect(proxy.sent('POST', /\/batch\/read$/).length).toBe(before);
  });
});
