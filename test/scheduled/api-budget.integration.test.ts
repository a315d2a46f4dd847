// What the backfill and the incremental sync cost in HubSpot API calls, counted by the simulator (never timed):
// a load costs one list call per 100 records, a sync one search call per 200 changes, each plus a few calls per
// type. A change that doubles the calls (reading every loaded row back, halving a page) fails here.
import { backfillPagesPerActivity } from '../../src/config';
import { startBackfill, startManualSync } from '../../src/scheduled/start-sync';
import type { CrmObjectType } from '../../src/sync/object-types';
import { startStack, type Stack } from '../support/stack';

jest.setTimeout(240_000);

/**
 * The budgets, per object type, in one place: change them here when a request pattern changes on purpose.
 * backfill: list pages of 100, plus the count search of the progress estimate (and one spare).
 * incremental: search pages of 200 (HubSpot's search maximum) asking for ids and modification times only, one
 * batch read per 100 of those ids for their properties, plus the archived list's one page and two spares.
 */
const BUDGET = {
  backfill: (records: number) => Math.ceil(records / 100) + 2,
  incremental: (changes: number) => Math.ceil(changes / 200) + Math.ceil(changes / 100) + 3,
  /**
   * Associations, per type pair, after a backfill and on every sync run: one read of the pair's label
   * definitions, and one v4 batch read per 1,000 linked records of the pair's from end (its first type in name
   * order) — none when either end holds no linked row and no association of the pair is stored.
   */
  associations: (fromRecords: number, toRecords: number) => ({
    reads: toRecords === 0 ? 0 : Math.ceil(fromRecords / 1000),
    labels: 1,
  }),
};

const OLD = { modifiedFrom: '2024-01-01T00:00:00.000Z', modifiedTo: '2024-06-01T00:00:00.000Z' };
const SEEDED = { contacts: 1_050, companies: 320, deals: 0 } as const;
const TYPES = ['contacts', 'companies', 'deals'] as const;

// At HubSpot's published limits one backfill page per activity; at a budget this high, ten pages in sequence
// (the next one's request running while the current one is written): the same calls either way.
describe.each([
  { requestsPer10s: '190', pages: 1 },
  { requestsPer10s: '5000', pages: 10 },
])('HubSpot API calls per sync, from the simulator counters ($pages page(s) per backfill activity)', (rate) => {
  let stack: Stack;

  beforeAll(async () => {
    expect(backfillPagesPerActivity(Number(rate.requestsPer10s))).toBe(rate.pages);
    // No app: no webhook reaches hubsync, every call counted is the sync's own.
    stack = await startStack({
      withApp: false,
      env: { SYNC_WINDOW_OVERLAP_MS: '1000', HUBSPOT_REQUESTS_PER_10S: rate.requestsPer10s },
    });
    await stack.sim('POST', '/__sim/seed', { ...SEEDED, owners: 1, associations: true, ...OLD });
  });
  afterAll(async () => stack?.close());

  const resetCounters = () => stack.sim('DELETE', '/__sim/counters');
  const callsByEndpoint = async () =>
    (await stack.sim<{ byEndpoint: Record<string, number> }>('GET', '/__sim/counters')).byEndpoint;
  const callsFor = (byEndpoint: Record<string, number>, type: CrmObjectType) =>
    Object.entries(byEndpoint)
      .filter(([endpoint]) => endpoint.includes(`/crm/v3/objects/${type}`))
      .reduce((sum, [, n]) => sum + n, 0);
  // Contacts, companies and deals (none in this portal): three pairs, each read from its first type; the two
  // pairs with deals cost their labels only (the v4 endpoints of any other pair are never called).
  const expectAssociationBudget = (byEndpoint: Record<string, number>) => {
    const v4 = Object.fromEntries(Object.entries(byEndpoint).filter(([endpoint]) => endpoint.includes('/crm/v4/')));
    const expected: Record<string, number> = {};
    for (const [from, to] of [
      ['companies', 'contacts'],
      ['companies', 'deals'],
      ['contacts', 'deals'],
    ] as const) {
      const budget = BUDGET.associations(SEEDED[from], SEEDED[to]);
      expected[`GET /crm/v4/associations/${from}/${to}/labels`] = budget.labels;
      if (budget.reads > 0) expected[`POST /crm/v4/associations/${from}/${to}/batch/read`] = budget.reads;
    }
    expect(v4).toEqual(expected);
  };
  const backfill = async (restart: boolean) =>
    (
      await startBackfill(stack.temporal, stack.portalId, stack.runtime.config, {
        objectTypes: [...TYPES],
        restart,
      })
    ).result();

  it('a backfill of an account hubsync never held: one list call per 100 records, no read-back', async () => {
    await resetCounters();
    const progress = await backfill(false);
    expect(progress.done).toBe(SEEDED.contacts + SEEDED.companies);
    const calls = await callsByEndpoint();
    for (const type of ['contacts', 'companies'] as const) {
      expect(calls[`GET /crm/v3/objects/${type}`]).toBe(Math.ceil(SEEDED[type] / 100));
      expect(calls[`POST /crm/v3/objects/${type}/batch/read`] ?? 0).toBe(0);
      expect(callsFor(calls, type)).toBeLessThanOrEqual(BUDGET.backfill(SEEDED[type]));
    }
    expect(callsFor(calls, 'deals')).toBeLessThanOrEqual(BUDGET.backfill(0));
    expectAssociationBudget(calls);
    expect(
      await stack.runtime.prisma.association.count({ where: { portalId: stack.portalId, archived: false } }),
    ).toBeGreaterThan(0);
  });

  it('a backfill again reads back only the linked rows its pages did not list', async () => {
    // A row from before this load (a webhook's, say) whose record HubSpot no longer has.
    await stack.runtime.prisma.contact.create({
      data: { portalId: stack.portalId, hubspotId: '987654321', email: 'ghost@budget.example' },
    });
    await resetCounters();
    await backfill(true);
    const calls = await callsByEndpoint();
    expect(calls['POST /crm/v3/objects/contacts/batch/read']).toBe(1);
    expect(calls['POST /crm/v3/objects/companies/batch/read'] ?? 0).toBe(0);
    expect(callsFor(calls, 'contacts')).toBeLessThanOrEqual(BUDGET.backfill(SEEDED.contacts));
    expectAssociationBudget(calls);
    const ghost = await stack.runtime.prisma.contact.findFirst({
      where: { portalId: stack.portalId, hubspotId: '987654321' },
    });
    expect(ghost?.archived).toBe(true);
    expect(await stack.runtime.prisma.contact.count({ where: { portalId: stack.portalId, archived: false } })).toBe(
      SEEDED.contacts,
    );
  });

  it('an incremental sync of 1,000 changes: one search per 200 changes and one batch read per 100', async () => {
    const changes = 1_000;
    const ids = (
      await stack.runtime.prisma.contact.findMany({
        where: { portalId: stack.portalId, archived: false },
        select: { hubspotId: true },
        take: changes,
      })
    ).map((r) => r.hubspotId as string);
    for (let i = 0; i < changes; i += 50) {
      await Promise.all(
        ids
          .slice(i, i + 50)
          .map((id) =>
            stack.sim('PATCH', `/__sim/objects/contacts/${id}`, { properties: { jobtitle: `Budget ${id}` } }),
          ),
      );
    }
    await resetCounters();
    const result = await (
      await startManualSync(stack.temporal, stack.portalId, stack.runtime.config, [...TYPES])
    ).result();
    expect(result.counts.contacts?.updated).toBe(changes);
    const calls = await callsByEndpoint();
    expect(callsFor(calls, 'contacts')).toBeLessThanOrEqual(BUDGET.incremental(changes));
    expect(callsFor(calls, 'companies')).toBeLessThanOrEqual(BUDGET.incremental(0));
    expectAssociationBudget(calls);
    expect(
      await stack.runtime.prisma.contact.count({
        where: { portalId: stack.portalId, jobTitle: { startsWith: 'Budget ' } },
      }),
    ).toBe(changes);
  });
});
