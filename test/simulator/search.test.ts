import type { RunningSimulator } from '../../src/simulator';
import { waitFor } from '../support/wait';
import { admin, call, start } from './helpers';

const BULK_AT = '2025-03-01T12:00:00.000Z';
const search = (sim: RunningSimulator, type: string, body: unknown) =>
  call(sim, 'POST', `/crm/v3/objects/${type}/search`, body);
const lmRange = (gte: string, lte: string) => [
  { propertyName: 'lastmodifieddate', operator: 'GTE', value: String(Date.parse(gte)) },
  { propertyName: 'lastmodifieddate', operator: 'LTE', value: String(Date.parse(lte)) },
];

describe('simulator: search', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await start();
    await admin(sim, 'POST', '/seed', {
      seedValue: 3,
      contacts: 15000,
      companies: 300,
      owners: 5,
      bulkIdentical: { objectType: 'contacts', count: 12000, at: BULK_AT },
    });
  });
  afterAll(() => sim.close());

  it('windows by last-modified and returns total with numeric after paging', async () => {
    const body = {
      filterGroups: [{ filters: lmRange('2024-01-01T00:00:00Z', '2024-12-31T23:59:59Z') }],
      sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
      limit: 200,
      properties: ['email'],
    };
    const first = await search(sim, 'contacts', body);
    expect(first.status).toBe(200);
    expect(first.body.total).toBeGreaterThan(200);
    expect(first.body.total).toBeLessThan(3000);
    expect(first.body.paging.next.after).toBe('200');
    const lms = first.body.results.map((r: { properties: { lastmodifieddate: string } }) =>
      Date.parse(r.properties.lastmodifieddate),
    );
    expect([...lms].sort((a, b) => a - b)).toEqual(lms);
    expect(first.body.results[0].properties.email).toEqual(expect.stringContaining('@'));
    expect(first.headers.get('x-hubspot-ratelimit-remaining')).toBeNull();
    const desc = await search(sim, 'contacts', {
      ...body,
      sorts: [{ propertyName: 'lastmodifieddate', direction: 'DESCENDING' }],
      limit: 1,
    });
    expect(Date.parse(desc.body.results[0].properties.lastmodifieddate)).toBe(
      Math.max(...(await allInWindow(sim, body))),
    );
  });

  it('rejects paging past 10,000 results with 400, and enumerates 12,000 identical timestamps by hs_object_id', async () => {
    const at = String(Date.parse(BULK_AT));
    const sameStamp = {
      filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'EQ', value: at }] }],
      sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
      limit: 200,
    };
    const capped = await search(sim, 'contacts', { ...sameStamp, after: '9900' });
    expect(capped.status).toBe(400);
    expect(capped.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    const ok = await search(sim, 'contacts', { ...sameStamp, after: '9800' });
    expect(ok.status).toBe(200);
    expect(ok.body.total).toBe(12000);

    const seen = new Set<string>();
    let lastId = '0';
    for (;;) {
      const res = await search(sim, 'contacts', {
        filterGroups: [
          {
            filters: [
              { propertyName: 'lastmodifieddate', operator: 'EQ', value: at },
              { propertyName: 'hs_object_id', operator: 'GT', value: lastId },
            ],
          },
        ],
        sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
        limit: 200,
      });
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(12000 - seen.size);
      if (res.body.results.length === 0) break;
      for (const r of res.body.results) seen.add(r.id);
      lastId = res.body.results[res.body.results.length - 1].id;
    }
    expect(seen.size).toBe(12000);
  });

  it('supports every operator, OR across groups and the free-text query', async () => {
    const state = (await admin(sim, 'GET', '/state?types=companies')).body.objects.companies as Array<{
      id: string;
      properties: Record<string, string>;
    }>;
    const target = state[0] as { id: string; properties: Record<string, string> };
    const count = async (filters: unknown[]) =>
      (await search(sim, 'companies', { filterGroups: [{ filters }], limit: 0 })).body.total as number;
    const total = state.length;
    expect(
      await count([{ propertyName: 'domain', operator: 'EQ', value: target.properties.domain?.toUpperCase() }]),
    ).toBe(1);
    expect(await count([{ propertyName: 'domain', operator: 'NEQ', value: target.properties.domain }])).toBe(total - 1);
    const big = state.filter((c) => Number(c.properties.numberofemployees) > 2500).length;
    expect(await count([{ propertyName: 'numberofemployees', operator: 'GT', value: '2500' }])).toBe(big);
    expect(await count([{ propertyName: 'numberofemployees', operator: 'LTE', value: '2500' }])).toBe(total - big);
    expect(
      await count([{ propertyName: 'numberofemployees', operator: 'BETWEEN', value: '0', highValue: '2500' }]),
    ).toBe(total - big);
    const industries = state.filter((c) => ['RETAIL', 'CONSTRUCTION'].includes(c.properties.industry ?? '')).length;
    expect(await count([{ propertyName: 'industry', operator: 'IN', values: ['RETAIL', 'CONSTRUCTION'] }])).toBe(
      industries,
    );
    expect(await count([{ propertyName: 'industry', operator: 'NOT_IN', values: ['RETAIL', 'CONSTRUCTION'] }])).toBe(
      total - industries,
    );
    expect(await count([{ propertyName: 'description', operator: 'HAS_PROPERTY' }])).toBe(0);
    expect(await count([{ propertyName: 'description', operator: 'NOT_HAS_PROPERTY' }])).toBe(total);
    const word = target.properties.name?.split(' ')[0] as string;
    const withWord = state.filter((c) => c.properties.name?.split(' ').includes(word)).length;
    expect(await count([{ propertyName: 'name', operator: 'CONTAINS_TOKEN', value: word.toLowerCase() }])).toBe(
      withWord,
    );
    expect(await count([{ propertyName: 'name', operator: 'NOT_CONTAINS_TOKEN', value: word }])).toBe(total - withWord);
    expect(
      await count([{ propertyName: 'name', operator: 'CONTAINS_TOKEN', value: `${word.slice(0, 3)}*` }]),
    ).toBeGreaterThanOrEqual(withWord);
    const lt = (
      await search(sim, 'companies', {
        filterGroups: [{ filters: [{ propertyName: 'hs_object_id', operator: 'LT', value: target.id }] }],
        limit: 0,
      })
    ).body.total;
    const gte = (
      await search(sim, 'companies', {
        filterGroups: [{ filters: [{ propertyName: 'hs_object_id', operator: 'GTE', value: target.id }] }],
        limit: 0,
      })
    ).body.total;
    expect(lt + gte).toBe(total);
    const or = await search(sim, 'companies', {
      filterGroups: [
        { filters: [{ propertyName: 'hs_object_id', operator: 'EQ', value: target.id }] },
        { filters: [{ propertyName: 'hs_object_id', operator: 'EQ', value: state[1]?.id }] },
      ],
    });
    expect(or.body.total).toBe(2);
    const q = await search(sim, 'companies', { query: target.properties.domain, limit: 5 });
    expect(q.body.results.map((r: { id: string }) => r.id)).toContain(target.id);
  });

  it('enforces HubSpot request limits with 400 VALIDATION_ERROR', async () => {
    const f = { propertyName: 'firstname', operator: 'EQ', value: 'Ada' };
    const cases = [
      { limit: 201 },
      { filterGroups: Array.from({ length: 6 }, () => ({ filters: [f] })) },
      { filterGroups: [{ filters: Array.from({ length: 7 }, () => f) }] },
      { filterGroups: Array.from({ length: 4 }, () => ({ filters: Array.from({ length: 5 }, () => f) })) },
      { sorts: [{ propertyName: 'email' }, { propertyName: 'firstname' }] },
      { filterGroups: [{ filters: [{ propertyName: 'email', operator: 'LIKE', value: 'x' }] }] },
      { query: 'x'.repeat(3001) },
    ];
    for (const body of cases) {
      const res = await search(sim, 'contacts', body);
      expect([res.status, res.body.category]).toEqual([400, 'VALIDATION_ERROR']);
    }
  });

  it('refuses a search body over 3,000 characters, however it got long (a long properties list included)', async () => {
    const properties = Array.from({ length: 150 }, (_, i) => `custom_property_${i}`);
    const body = { properties, limit: 10 };
    expect(JSON.stringify(body).length).toBeGreaterThan(3000);
    const refused = await search(sim, 'contacts', body);
    expect([refused.status, refused.body.category]).toEqual([400, 'VALIDATION_ERROR']);
    expect(refused.body.message).toContain('3000');
    const fits = { properties: properties.slice(0, 100), limit: 10 };
    expect(JSON.stringify(fits).length).toBeLessThan(3000);
    expect((await search(sim, 'contacts', fits)).status).toBe(200);
  });

  it('hides archived records and shows writes only after the indexing lag', async () => {
    await admin(sim, 'POST', '/config', { indexingLagMs: 400 });
    try {
      const created = await call(sim, 'POST', '/crm/v3/objects/contacts', {
        properties: { email: 'lagging@example.com' },
      });
      const byEmail = {
        filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: 'lagging@example.com' }] }],
      };
      expect((await search(sim, 'contacts', byEmail)).body.total).toBe(0);
      await waitFor('indexing', async () => (await search(sim, 'contacts', byEmail)).body.total === 1, 5000, 20);
      await call(sim, 'DELETE', `/crm/v3/objects/contacts/${created.body.id}`);
      await waitFor(
        'archive indexing',
        async () => (await search(sim, 'contacts', byEmail)).body.total === 0,
        5000,
        20,
      );
    } finally {
      await admin(sim, 'POST', '/config', { indexingLagMs: 0 });
    }
  });
});

async function allInWindow(sim: RunningSimulator, body: Record<string, unknown>): Promise<number[]> {
  const out: number[] = [];
  let after: string | undefined = '0';
  while (after !== undefined) {
    const res = await search(sim, 'contacts', { ...body, after });
    for (const r of res.body.results) out.push(Date.parse(r.properties.lastmodifieddate));
    after = res.body.paging?.next?.after;
  }
  return out;
}
