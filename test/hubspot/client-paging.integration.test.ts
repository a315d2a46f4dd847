import axios from 'axios';
import { type ChangeWindowCursor, type CrmObject, type RequestInfo, resetPortalRateLimiters } from '../../src/hubspot';
import { SIM_TOKEN, type SimHandle, addFaults, clientFor, collect, counters, simRecords, startSim } from './sim-admin';

// Done-when of issue 4 against the simulator over real HTTP: full listing, the change window past the
// 10,000 cap, and 429 handling. Data sizes are the (25,000 contacts); nothing larger. It waits out
// the real 10-second rate windows, so it runs with the integration tests.

jest.setTimeout(180_000);

const FROM = '2024-01-01T00:00:00.000Z';
const TO = '2024-12-31T23:59:59.999Z';
const BULK_AT = '2024-06-01T12:00:00.000Z';

let sim: SimHandle;
/** The simulator's truth: contact id → last-modified (ms). */
let truth: Map<string, number>;

beforeAll(async () => {
  sim = await startSim();
  await sim.admin.post('/config', { requestsPer10s: 1000 });
  await sim.admin.post('/seed', {
    seedValue: 4,
    contacts: 25_000,
    deals: 2_000,
    owners: 0,
    associations: false,
    modifiedFrom: FROM,
    modifiedTo: TO,
    bulkIdentical: { objectType: 'contacts', count: 12_000, at: BULK_AT },
  });
  truth = await simRecords(sim, 'contacts');
});

afterAll(async () => {
  await sim?.close();
});

beforeEach(async () => {
  resetPortalRateLimiters();
  await sim.admin.delete('/faults');
  await sim.admin.post('/rate-limits/reset', {});
});

function idsOf(records: CrmObject[]): string[] {
  return records.map((r) => r.id);
}

function expectExactlyOnce(ids: string[], expected: Set<string>): void {
  expect(ids.length).toBe(expected.size);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.every((id) => expected.has(id))).toBe(true);
}

describe('listing and change windows', () => {
  const inWindow = (from: number, to: number) =>
    new Set([...truth].filter(([, at]) => at >= from && at <= to).map(([id]) => id));

  it('lists all 25,000 contacts exactly once', async () => {
    expect(truth.size).toBe(25_000);
    expect([...truth.values()].filter((at) => at === Date.parse(BULK_AT)).length).toBe(12_000);
    const client = clientFor(sim, { requestsPer10s: 1000 });
    const contacts = await collect(client.list('contacts', { limit: 100, properties: ['lastmodifieddate'] }));
    expectExactlyOnce(idsOf(contacts), new Set(truth.keys()));
    expect(contacts.every((c) => Date.parse(c.properties.lastmodifieddate ?? '') === truth.get(c.id))).toBe(true);
  });

  it('returns exactly the 25,000 records of a window in which 12,000 share one timestamp', async () => {
    const requests: RequestInfo[] = [];
    const client = clientFor(sim, { requestsPer10s: 1000, onRequest: (info) => requests.push(info) });
    const changed = await collect(client.changedSince('contacts', FROM, TO, { properties: ['email'] }));
    expect(inWindow(Date.parse(FROM), Date.parse(TO)).size).toBe(25_000);
    expectExactlyOnce(idsOf(changed), inWindow(Date.parse(FROM), Date.parse(TO)));
    // The search finds ids and modification times; the properties come from batch/read (the search body stays
    // under HubSpot's 3,000 characters whatever the mapping).
    const endpoints = new Set(requests.map((r) => r.endpoint));
    expect(endpoints).toEqual(new Set(['/crm/v3/objects/{type}/search', '/crm/v3/objects/{type}/batch/read']));
    expect(requests.every((r) => r.status === 200)).toBe(true);
  });

  it('honours both window edges, starting on the crowded timestamp, one page per call from a JSON cursor', async () => {
    // As a Temporal activity would run it: one page per call, the cursor round-tripped through JSON.
    const from = Date.parse(BULK_AT);
    // `to` is exactly some record's last-modified, so both edges hold records that must be included.
    const to = [...new Set(truth.values())].filter((at) => at > from).sort((a, b) => a - b)[500] as number;
    const client = clientFor(sim, { requestsPer10s: 1000 });
    let cursor: ChangeWindowCursor | undefined;
    const seen: string[] = [];
    do {
      const page = await client.changedSincePage(
        'contacts',
        { from: new Date(from), to: new Date(to).toISOString() },
        cursor,
      );
      seen.push(...idsOf(page.results));
      cursor = page.next ? (JSON.parse(JSON.stringify(page.next)) as ChangeWindowCursor) : undefined;
    } while (cursor);
    const expected = inWindow(from, to);
    expect(expected.size).toBeGreaterThan(12_000);
    expect(inWindow(to, to).size).toBeGreaterThan(0);
    expectExactlyOnce(seen, expected);
  });
});

describe('rate limits', () => {
  it('absorbs a 429 storm without losing or repeating a page', async () => {
    await addFaults(sim, [
      { type: 'rateLimit', match: 'GET /crm/v3/objects/deals', times: 8, probability: 0.4, retryAfterSeconds: 1 },
    ]);
    const requests: RequestInfo[] = [];
    const client = clientFor(sim, {
      requestsPer10s: 1000,
      rateLimitRetries: 10,
      onRequest: (info) => requests.push(info),
    });
    const deals = await collect(client.list('deals', { limit: 100 }));
    expect(deals.length).toBe(2_000);
    expect(new Set(idsOf(deals)).size).toBe(2_000);
    const throttled = requests.filter((r) => r.status === 429);
    expect(throttled.length).toBeGreaterThan(0);
    expect(throttled.every((r) => r.policy === 'TEN_SECONDLY_ROLLING')).toBe(true);
    expect(requests.filter((r) => r.status === 200).length).toBe(20);
  });

  it('stops causing 429s once it has seen the portal’s headers', async () => {
    // The portal allows 40 per 10 s and another process just used all of it; this client believes 190.
    await sim.admin.post('/config', { requestsPer10s: 40 });
    await sim.admin.delete('/counters');
    const outsider = axios.create({ baseURL: sim.url, headers: { authorization: `Bearer ${SIM_TOKEN}` } });
    for (let i = 0; i < 40; i++) await outsider.get('/crm/v3/objects/deals', { params: { limit: 1 } });

    const requests: RequestInfo[] = [];
    const client = clientFor(sim, { requestsPer10s: 190, maxConcurrency: 6, onRequest: (info) => requests.push(info) });
    const ids = [...truth.keys()].slice(0, 1000);
    const [deals, ...reads] = await Promise.all([
      collect(client.list('deals', { limit: 100 })),
      client.batchRead('contacts', ids.slice(0, 500)),
      client.batchRead('contacts', ids.slice(500)),
      client.batchRead('contacts', ids),
    ]);
    expect(deals.length).toBe(2_000);
    expect(reads.map((r) => r.results.length)).toEqual([500, 500, 1000]);

    const firstSuccess = requests.findIndex((r) => r.status === 200);
    expect(firstSuccess).toBeGreaterThan(0);
    expect(requests.slice(firstSuccess).filter((r) => r.status === 429)).toEqual([]);
    const seen = await counters(sim);
    expect(seen.rateLimited.TEN_SECONDLY_ROLLING ?? 0).toBeLessThanOrEqual(6);
    expect(client.limiter.generalCapacity).toBeLessThan(40);
    await sim.admin.post('/config', { requestsPer10s: 1000 });
  });

  it('keeps searches under 5 a second without a single 429', async () => {
    const requests: RequestInfo[] = [];
    const client = clientFor(sim, { requestsPer10s: 1000, onRequest: (info) => requests.push(info) });
    const body = {
      filterGroups: [
        {
          filters: [{ propertyName: 'lastmodifieddate', operator: 'EQ' as const, value: String(Date.parse(BULK_AT)) }],
        },
      ],
      limit: 1,
    };
    const results = await Promise.all(Array.from({ length: 12 }, () => client.search('contacts', body)));
    expect(results.every((r) => r.total === 12_000)).toBe(true);
    expect(requests.filter((r) => r.status === 429)).toEqual([]);
  });
});
