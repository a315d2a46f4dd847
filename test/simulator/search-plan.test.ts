// The search planner takes shortcuts (rank arithmetic, seeks, early exits); a naive filter-and-sort must agree.
import fc from 'fast-check';
import { compileFilter, parseSearch } from '../../src/simulator/search';
import { runSearch } from '../../src/simulator/search-plan';
import { PortalStore } from '../../src/simulator/store';

const store = new PortalStore('1', 0);
for (let i = 0; i < 400; i++)
  store.insert('contacts', { firstname: `n${i % 7}` }, 0, 1000 + (i % 13) * 10 + (i % 3 === 0 ? 0 : i), true);
const ts = store.types.contacts;

const filterArb = fc.record({
  propertyName: fc.constantFrom('lastmodifieddate', 'hs_object_id', 'firstname'),
  operator: fc.constantFrom('EQ', 'GT', 'GTE', 'LT', 'LTE', 'NEQ'),
  value: fc.integer({ min: 0, max: 1500 }),
});

describe('simulator: search planner', () => {
  it('returns the same total and page as a naive scan', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(filterArb, { maxLength: 3 }), { maxLength: 2 }),
        fc.constantFrom('lastmodifieddate', 'hs_object_id', 'firstname'),
        fc.boolean(),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 1, max: 50 }),
        (groups, sortProp, desc, offset, limit) => {
          const filterGroups = groups.map((fs) => ({
            filters: fs.map((f) => ({
              ...f,
              value:
                f.propertyName === 'hs_object_id'
                  ? String(100001 + (f.value % 420))
                  : f.propertyName === 'firstname'
                    ? `n${f.value % 8}`
                    : String(f.value),
            })),
          }));
          const body = {
            filterGroups,
            sorts: [{ propertyName: sortProp, direction: desc ? 'DESCENDING' : 'ASCENDING' }],
            after: String(offset),
            limit,
          };
          const q = parseSearch(JSON.stringify(body), body);
          const got = runSearch(ts, q);
          const preds = q.groups.map((g) => g.map((f) => compileFilter(ts, f)));
          const all = [...ts.byId.values()].filter(
            (r) => preds.length === 0 || preds.some((g) => g.every((p) => p(r))),
          );
          const key = (r: (typeof all)[number]): number | string =>
            sortProp === 'hs_object_id'
              ? r.id
              : sortProp === 'lastmodifieddate'
                ? r.searchLm
                : (r.props.firstname ?? '');
          all.sort((a, b) => {
            const ka = key(a);
            const kb = key(b);
            if (ka === kb) return sortProp === 'lastmodifieddate' && desc ? b.id - a.id : a.id - b.id;
            return (ka < kb ? -1 : 1) * (desc ? -1 : 1);
          });
          expect(got.total).toBe(all.length);
          if (sortProp !== 'firstname')
            expect(got.records.map((r) => r.id)).toEqual(all.slice(offset, offset + limit).map((r) => r.id));
        },
      ),
      { numRuns: 400 },
    );
  });
});
