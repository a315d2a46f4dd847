// Notes, calls, emails, meetings and line items land WITH their associations after a backfill, no webhook
// delivered: each engagement linked to a contact, a company, a deal and a ticket, a line item to its deal, each
// association stored once, in the pair's stored direction, with HubSpot's type id and category.
import { startBackfill } from '../../src/scheduled/start-sync';
import { tableFor } from '../../src/store/hubspot-records';
import { canonicalAssociation } from '../../src/sync/associations';
import type { CrmObjectType } from '../../src/sync/object-types';
import { startStack, type Stack } from '../support/stack';

jest.setTimeout(180_000);

const NOW = '2026-11-30T10:00:00.000Z';
const ENDS: Record<string, Record<string, string>> = {
  contacts: { email: 'ada@assoc.example' },
  companies: { name: 'Assoc Ltd', domain: 'assoc.example' },
  deals: { dealname: 'Renewal', pipeline: 'default', dealstage: 'appointmentscheduled' },
  tickets: { subject: 'Broken widget', hs_pipeline: '0', hs_pipeline_stage: '1' },
};
const LINKED: Record<string, { properties: Record<string, string>; to: CrmObjectType[] }> = {
  notes: {
    properties: { hs_note_body: 'Spoke', hs_timestamp: NOW },
    to: ['contacts', 'companies', 'deals', 'tickets'],
  },
  calls: {
    properties: { hs_call_title: 'Call', hs_timestamp: NOW },
    to: ['contacts', 'companies', 'deals', 'tickets'],
  },
  emails: {
    properties: { hs_email_subject: 'Mail', hs_timestamp: NOW },
    to: ['contacts', 'companies', 'deals', 'tickets'],
  },
  meetings: {
    properties: { hs_meeting_title: 'Meet', hs_timestamp: NOW },
    to: ['contacts', 'companies', 'deals', 'tickets'],
  },
  line_items: { properties: { name: 'Widget x2', quantity: '2', price: '10' }, to: ['deals'] },
};

interface Row {
  from_type: string;
  from_id: string;
  to_type: string;
  to_id: string;
  association_type_id: number;
  association_category: string | null;
  archived: boolean;
}

describe('engagements and line items after a backfill', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ withApp: false }); // no webhook is delivered: only the backfill can bring them
  });
  afterAll(async () => stack?.close());

  const hubspot = async <T>(path: string, body: unknown): Promise<T> =>
    (await fetch(`${stack.runtime.config.HUBSPOT_BASE_URL}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${stack.runtime.config.HUBSPOT_ACCESS_TOKEN}`,
      },
      body: JSON.stringify(body),
    }).then((r) => r.json())) as T;

  it('land with their associations to contacts, companies, deals and tickets (line items: deals)', async () => {
    const ids: Record<string, string> = {};
    for (const [type, properties] of Object.entries(ENDS))
      ids[type] = (await stack.sim<{ id: string }>('POST', `/__sim/objects/${type}`, { properties })).id;
    const expected: Array<{ from: CrmObjectType; fromId: string; to: CrmObjectType; toId: string }> = [];
    for (const [type, { properties, to }] of Object.entries(LINKED)) {
      ids[type] = (await stack.sim<{ id: string }>('POST', `/__sim/objects/${type}`, { properties })).id;
      for (const end of to) {
        await stack.sim('POST', '/__sim/associations', {
          fromType: type,
          fromId: ids[type],
          toType: end,
          toId: ids[end],
        });
        const k = canonicalAssociation(type, ids[type]!, end, ids[end]!);
        expected.push({
          from: k.fromType as CrmObjectType,
          fromId: k.fromId,
          to: k.toType as CrmObjectType,
          toId: k.toId,
        });
      }
    }

    const types = [...Object.keys(ENDS), ...Object.keys(LINKED)] as CrmObjectType[];
    const progress = await (
      await startBackfill(stack.temporal, stack.portalId, stack.runtime.config, { objectTypes: types, restart: false })
    ).result();
    expect(progress.done).toBe(types.length);
    for (const type of types)
      expect(
        await stack.runtime.prisma.$queryRawUnsafe<unknown[]>(
          `SELECT 1 FROM ${tableFor(type).table} WHERE portal_id = $1 AND hubspot_id = $2`,
          stack.portalId,
          ids[type],
        ),
      ).toHaveLength(1);

    const rows = await stack.runtime.prisma.$queryRawUnsafe<Row[]>(
      `SELECT from_type, from_id, to_type, to_id, association_type_id, association_category, archived
         FROM associations WHERE portal_id = $1 ORDER BY from_type, to_type, association_type_id`,
      stack.portalId,
    );
    // HubSpot's own answer for each association, read in the stored direction: the type ids to expect.
    const want: Row[] = [];
    for (const e of expected) {
      const read = await hubspot<{
        results: Array<{
          to: Array<{ toObjectId: string | number; associationTypes: Array<{ typeId: number; category: string }> }>;
        }>;
      }>(`/crm/v4/associations/${e.from}/${e.to}/batch/read`, { inputs: [{ id: e.fromId }] });
      const types = read.results[0]?.to.find((t) => String(t.toObjectId) === e.toId)?.associationTypes ?? [];
      expect(types.length).toBeGreaterThan(0);
      for (const t of types)
        want.push({
          from_type: e.from,
          from_id: e.fromId,
          to_type: e.to,
          to_id: e.toId,
          association_type_id: t.typeId,
          association_category: t.category,
          archived: false,
        });
    }
    const order = (r: Row) => `${r.from_type}|${r.to_type}|${r.from_id}|${r.to_id}|${r.association_type_id}`;
    expect([...rows].sort((a, b) => order(a).localeCompare(order(b)))).toEqual(
      want.sort((a, b) => order(a).localeCompare(order(b))),
    );
    // Some of HubSpot's documented default type ids (associations v4 guide, "Association type ID values").
    const typeOf = (from: string, to: string) =>
      rows.filter((r) => r.from_type === from && r.to_type === to).map((r) => r.association_type_id);
    expect(typeOf('contacts', 'notes')).toEqual([201]);
    expect(typeOf('companies', 'notes')).toEqual([189]);
    expect(typeOf('deals', 'notes')).toEqual([213]);
    expect(typeOf('notes', 'tickets')).toEqual([228]);
    expect(typeOf('deals', 'line_items')).toEqual([19]);
    // Every one of the 17 links is there (engagements × 4 ends, the line item × its deal), none twice.
    expect(new Set(rows.map((r) => `${r.from_type}|${r.from_id}|${r.to_type}|${r.to_id}`)).size).toBe(17);
  });
});
