import fc from 'fast-check';
import {
  type ChangeWindowCursor,
  advance,
  changedSincePage,
  initialCursor,
  planQuery,
  SEARCH_BODY_LIMIT,
} from '../../src/hubspot/change-window';
import type { SearchFilter, SearchRequest } from '../../src/hubspot/objects';
import type { CrmObject } from '../../src/hubspot/schemas';

// The window planner against an in-memory search that behaves like HubSpot's where it matters: filters,
// one ascending sort with ties in an arbitrary order (shuffled on every call), a page limit and the
// 10,000-result paging cap. The real-HTTP version of these guarantees is in client.integration.test.ts.

interface Row {
  id: number;
  at: number;
}

function record(row: Row): CrmObject {
  const iso = new Date(row.at).toISOString();
  return {
    id: String(row.id),
    properties: { hs_object_id: String(row.id), lastmodifieddate: iso },
    createdAt: iso,
    updatedAt: iso,
    archived: false,
  };
}

function matches(row: Row, f: SearchFilter): boolean {
  const actual = f.propertyName === 'hs_object_id' ? row.id : row.at;
  const value = Number(f.value);
  switch (f.operator) {
    case 'EQ':
      return actual === value;
    case 'GT':
      return actual > value;
    case 'GTE':
      return actual >= value;
    case 'LT':
      return actual < value;
    case 'LTE':
      return actual <= value;
    default:
      throw new Error(`operator ${f.operator} not simulated`);
  }
}

function fakeSearch(rows: Row[], seed: number) {
  let state = seed || 1;
  const random = () => (state = (state * 48271) % 2147483647) / 2147483647;
  const calls: SearchRequest[] = [];
  const reads: Array<{ ids: string[]; properties: string[] }> = [];
  return {
    calls,
    reads,
    // batch/read as HubSpot answers it: every known id, with the asked properties (at most 100 ids a call).
    batchRead: async (_type: string, ids: string[], opts: { properties?: string[] } = {}) => {
      for (let i = 0; i < ids.length; i += 100)
        reads.push({ ids: ids.slice(i, i + 100), properties: opts.properties ?? [] });
      const known = new Map(rows.map((r) => [String(r.id), r]));
      const results = ids.flatMap((id) => {
        const row = known.get(id);
        if (!row) return [];
        const base = record(row);
        const extra = Object.fromEntries(
          (opts.properties ?? []).map((p) => [p, p in base.properties ? base.properties[p]! : `${p}-of-${id}`]),
        );
        return [{ ...base, properties: { ...base.properties, ...extra } }];
      });
      return { results, errors: [] };
    },
    search: async (_type: string, body: SearchRequest) => {
      calls.push(body);
      const offset = Number(body.after ?? 0);
      const limit = body.limit ?? 10;
      if (offset + limit > 10_000) throw new Error('paged past 10,000');
      const hits = rows.filter((row) => (body.filterGroups ?? []).some((g) => g.filters.every((f) => matches(row, f))));
      const sort = body.sorts?.[0];
      const key = (row: Row) => (sort?.propertyName === 'hs_object_id' ? row.id : row.at);
      const shuffled = hits
        .map((row) => ({ row, tie: random() }))
        .sort((a, b) => key(a.row) - key(b.row) || a.tie - b.tie);
      const page = shuffled.slice(offset, offset + limit).map((s) => record(s.row));
      return {
        total: hits.length,
        results: page,
        ...(offset + limit < hits.length ? { nextAfter: String(offset + limit) } : {}),
      };
    },
  };
}

async function drain(
  rows: Row[],
  from: number,
  to: number,
  pageSize: number,
  seed: number,
): Promise<{ ids: string[]; calls: number }> {
  const api = fakeSearch(rows, seed);
  const ids: string[] = [];
  let cursor: ChangeWindowCursor | undefined;
  do {
    const page = await changedSincePage(api, 'contacts', { from, to }, cursor, { pageSize });
    ids.push(...page.results.map((r) => r.id));
    // What a workflow does between activity calls: the cursor must survive JSON.
    cursor = page.next ? (JSON.parse(JSON.stringify(page.next)) as ChangeWindowCursor) : undefined;
  } while (cursor);
  return { ids, calls: api.calls.length };
}

describe('change window planner', () => {
  it('asks for the right property per type, ascending, at most 200 a page', () => {
    const q = planQuery(initialCursor('deals', { from: 1000, to: 2000 }), 500);
    expect(q.limit).toBe(200);
    expect(q.sorts).toEqual([{ propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' }]);
    expect(q.filterGroups?.[0]?.filters).toEqual([
      { propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: '1000' },
      { propertyName: 'hs_lastmodifieddate', operator: 'LTE', value: '2000' },
    ]);
    expect(q.properties).toEqual(['hs_lastmodifieddate', 'hs_object_id']);
    expect(q.after).toBeUndefined();
  });

  it('searches for ids and times only and reads a large mapping by batch/read: 2 reads a 200-record page', async () => {
    const rows = Array.from({ length: 450 }, (_, i) => ({ id: i + 1, at: 1_000 + i }));
    const api = fakeSearch(rows, 7);
    // 300 mapped properties of 30 characters: over 9,000 characters, three times HubSpot's search body limit.
    const properties = Array.from({ length: 300 }, (_, i) => `custom_property_number_${String(i).padStart(6, '0')}`);
    const delivered: CrmObject[] = [];
    let cursor: ChangeWindowCursor | undefined;
    do {
      const page = await changedSincePage(api, 'contacts', { from: 0, to: 10_000 }, cursor, { properties });
      delivered.push(...page.results);
      cursor = page.next;
    } while (cursor);
    expect(delivered.map((r) => r.id)).toEqual(rows.map((r) => String(r.id)));
    expect(delivered[0]!.properties[properties[299]!]).toBe('custom_property_number_000299-of-1');
    for (const body of api.calls) {
      expect(body.properties).toEqual(['lastmodifieddate', 'hs_object_id']);
      expect(JSON.stringify(body).length).toBeLessThan(SEARCH_BODY_LIMIT);
    }
    // 3 searches deliver 199 + 199 + 52 (a full page holds back its last instant): 2 + 2 + 1 reads of ≤ 100 ids.
    expect(api.calls.length).toBe(3);
    expect(api.reads.map((r) => r.ids.length)).toEqual([100, 99, 100, 99, 52]);
    expect(api.reads.every((r) => r.properties.length === 302)).toBe(true);
  });

  it('holds back the last, possibly incomplete, timestamp of a full page', () => {
    const cursor = initialCursor('contacts', { from: 0, to: 100 });
    const rows = [1, 2, 3, 3].map((at, i) => record({ id: i + 1, at }));
    const step = advance(cursor, rows, 4);
    expect(step.deliver.map((r) => r.id)).toEqual(['1', '2']);
    expect(step.next).toMatchObject({ pos: 3 });
    expect(step.next?.byId).toBeUndefined();
  });

  it('switches to id paging when a full page shares one timestamp', () => {
    const cursor = initialCursor('contacts', { from: 0, to: 100 });
    const step = advance(
      cursor,
      [5, 5, 5].map((at, i) => record({ id: i + 1, at })),
      3,
    );
    expect(step.deliver).toEqual([]);
    expect(step.next).toMatchObject({ pos: 5, byId: {} });
    const q = planQuery(step.next as ChangeWindowCursor, 3);
    expect(q.sorts).toEqual([{ propertyName: 'hs_object_id', direction: 'ASCENDING' }]);
    expect(q.filterGroups?.[0]?.filters).toEqual([{ propertyName: 'lastmodifieddate', operator: 'EQ', value: '5' }]);
  });

  it('returns every record of the window exactly once, whatever the timestamps', async () => {
    const rowsArb = fc
      .array(
        fc.record({
          at: fc.integer({ min: 0, max: 300 }),
          repeat: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 40 })),
        }),
        { maxLength: 120 },
      )
      .map((spec) => {
        let id = 100;
        return spec.flatMap(({ at, repeat }) => Array.from({ length: repeat }, () => ({ id: id++, at })));
      });
    await fc.assert(
      fc.asyncProperty(
        rowsArb,
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 2, max: 12 }),
        fc.integer(),
        async (rows, a, b, pageSize, seed) => {
          const [from, to] = a <= b ? [a, b] : [b, a];
          const { ids } = await drain(rows, from, to, pageSize, seed);
          const expected = rows
            .filter((r) => r.at >= from && r.at <= to)
            .map((r) => String(r.id))
            .sort();
          expect([...ids].sort()).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('gets past 10,000 records sharing one millisecond without paging past the cap', async () => {
    const rows: Row[] = [];
    for (let i = 0; i < 12_000; i++) rows.push({ id: i + 1, at: 5_000 });
    for (let i = 0; i < 3_000; i++) rows.push({ id: 20_000 + i, at: 1_000 + i });
    const { ids, calls } = await drain(rows, 0, 10_000, 200, 7);
    expect(ids.length).toBe(15_000);
    expect(new Set(ids).size).toBe(15_000);
    // One extra query per page at most: the planner does not re-read the window.
    expect(calls).toBeLessThan((15_000 / 200) * 1.2);
  });
});
