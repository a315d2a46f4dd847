// Answers a parsed search through the narrowest index: a lookup (email, domain, ids), a range of the
// last-modified or id index, or, when the sort has an index and the range is wide, the sort index itself.
import { type OrderedIndex } from './ordered-index';
import { compileFilter, type Filter, type ParsedSearch } from './search';
import { parseDate } from './render';
import type { SimRecord, TypeStore } from './store';

type IndexName = 'lm' | 'id';
type Source =
  | { kind: 'points'; recs: SimRecord[] }
  | { kind: 'range'; index: IndexName; lo: number; hi: number; count: number; pure: boolean };
interface Plan {
  source: Source;
  predicate: (r: SimRecord) => boolean;
  /** A range that captures every filter of the group exactly: its count is the total without scanning. */
  pure: (Source & { kind: 'range' }) | undefined;
  /** hs_object_id bounds of the group, to seek inside one last-modified value (where the index is in id order). */
  idLo: number;
  idHi: number;
  /** every filter is an exact range on last-modified or hs_object_id */
  exactLmAndId: boolean;
}

const RANGE_OPS = new Set(['EQ', 'GT', 'GTE', 'LT', 'LTE', 'BETWEEN']);

export function runSearch(ts: TypeStore, q: ParsedSearch): { total: number; records: SimRecord[] } {
  const queryPredicate = q.query ? queryMatcher(ts, q.query) : null;
  const groups = q.groups.length > 0 ? q.groups : [[]];
  const plans = groups.map((g) => plan(ts, g, queryPredicate));
  const sortProp = q.sort?.propertyName ?? 'hs_object_id';
  const desc = q.sort?.descending ?? false;
  const sortIndex: IndexName | null =
    sortProp === 'hs_object_id' ? 'id' : sortProp === ts.info.lastModifiedProperty ? 'lm' : null;
  const only = plans.length === 1 ? plans[0] : undefined;
  if (only && sortIndex) {
    const src = only.source;
    if (src.kind === 'range' && src.index === sortIndex) {
      return streamRange(ts, sortIndex, src.lo, src.hi, src.pure ? null : only.predicate, desc, q.offset, q.limit, {
        knownTotal: only.pure?.count,
      });
    }
    // One last-modified value: the (last-modified, id) index is in id order there, so seek straight to the id bounds.
    if (src.kind === 'range' && src.index === 'lm' && sortIndex === 'id' && src.lo === src.hi) {
      return streamRange(ts, 'lm', src.lo, src.hi, only.predicate, desc, q.offset, q.limit, {
        idLo: only.idLo,
        idHi: only.idHi,
        knownTotal: pureCount(ts, only),
      });
    }
    // A wide candidate set costs less to walk in sort order than to collect and sort.
    if (src.kind === 'range' && src.count > ts.searchById.size / 10) {
      return streamRange(ts, sortIndex, -Infinity, Infinity, only.predicate, desc, q.offset, q.limit, {
        knownTotal: only.pure?.count,
      });
    }
  }
  const matches = new Map<number, SimRecord>();
  for (const p of plans)
    forEachCandidate(ts, p.source, (r) => {
      if (p.predicate(r)) matches.set(r.id, r);
    });
  const sorted = [...matches.values()].sort(comparator(ts, sortProp, desc));
  return { total: sorted.length, records: sorted.slice(q.offset, q.offset + q.limit) };
}

function indexOf(ts: TypeStore, name: IndexName): OrderedIndex<SimRecord> {
  return name === 'lm' ? ts.searchByLm : ts.searchById;
}

function plan(ts: TypeStore, filters: Filter[], queryPredicate: ((r: SimRecord) => boolean) | null): Plan {
  const predicates = filters.map((f) => compileFilter(ts, f));
  if (queryPredicate) predicates.push(queryPredicate);
  const predicate = (r: SimRecord): boolean => predicates.every((p) => p(r));
  const options: Source[] = [];
  let idLo = -Infinity;
  let idHi = Infinity;
  let allExact = !queryPredicate;
  for (const index of ['lm', 'id'] as const) {
    const prop = index === 'lm' ? ts.info.lastModifiedProperty : 'hs_object_id';
    const onProp = filters.filter((f) => f.propertyName === prop && RANGE_OPS.has(f.operator));
    if (onProp.length === 0) continue;
    let lo = -Infinity;
    let hi = Infinity;
    let exact = true;
    for (const f of onProp) {
      const v = parseDate(f.value ?? '');
      if (Number.isNaN(v)) {
        exact = false;
        allExact = false;
        continue;
      }
      if (f.operator === 'EQ') [lo, hi] = [Math.max(lo, v), Math.min(hi, v)];
      else if (f.operator === 'GT') lo = Math.max(lo, Math.floor(v) + 1);
      else if (f.operator === 'GTE') lo = Math.max(lo, Math.ceil(v));
      else if (f.operator === 'LT') hi = Math.min(hi, Math.ceil(v) - 1);
      else if (f.operator === 'LTE') hi = Math.min(hi, Math.floor(v));
      else {
        const h = parseDate(f.highValue ?? '');
        lo = Math.max(lo, v);
        if (!Number.isNaN(h)) hi = Math.min(hi, h);
      }
    }
    const idx = indexOf(ts, index);
    const count = lo > hi ? 0 : idx.rank(idx.lowerBound(hi, Infinity)) - idx.rank(idx.lowerBound(lo, -Infinity));
    const pure = exact && !queryPredicate && onProp.length === filters.length;
    options.push({ kind: 'range', index, lo, hi, count, pure });
    if (index === 'id') [idLo, idHi] = [lo, hi];
  }
  for (const f of filters) {
    if (f.operator !== 'EQ' && f.operator !== 'IN') continue;
    const values = f.operator === 'EQ' ? [f.value ?? ''] : (f.values ?? []);
    if (f.propertyName === 'hs_object_id') {
      options.push({
        kind: 'points',
        recs: values.map((v) => ts.byId.get(Number(v))).filter((r): r is SimRecord => !!r && r.searchLm >= 0),
      });
    } else if (ts.lookups.has(f.propertyName)) {
      options.push({
        kind: 'points',
        recs: values.flatMap((v) => ts.lookup(f.propertyName, v)).filter((r) => r.searchLm >= 0),
      });
    }
  }
  let best: Source = {
    kind: 'range',
    index: 'id',
    lo: -Infinity,
    hi: Infinity,
    count: ts.searchById.size,
    pure: predicates.length === 0,
  };
  for (const o of options) if (size(o) < size(best)) best = o;
  const pure =
    options.find((o): o is Source & { kind: 'range' } => o.kind === 'range' && o.pure) ??
    (best.kind === 'range' && best.pure ? best : undefined);
  const exactLmAndId =
    allExact &&
    filters.every(
      (f) =>
        (f.propertyName === ts.info.lastModifiedProperty || f.propertyName === 'hs_object_id') &&
        RANGE_OPS.has(f.operator),
    );
  return { source: best, predicate, pure, idLo, idHi, exactLmAndId };
}

/** Total of a group made of one last-modified value plus hs_object_id bounds, by rank arithmetic. */
function pureCount(ts: TypeStore, p: Plan): number | undefined {
  if (p.source.kind !== 'range' || !p.exactLmAndId) return undefined;
  const idx = ts.searchByLm;
  const v = p.source.lo;
  return Math.max(0, idx.rank(idx.lowerBound(v, p.idHi + 0.5)) - idx.rank(idx.lowerBound(v, p.idLo - 0.5)));
}

const size = (s: Source): number => (s.kind === 'points' ? s.recs.length : s.count);

function forEachCandidate(ts: TypeStore, source: Source, fn: (r: SimRecord) => void): void {
  if (source.kind === 'points') {
    for (const r of source.recs) fn(r);
    return;
  }
  const idx = indexOf(ts, source.index);
  idx.scan(idx.lowerBound(source.lo, -Infinity), (key, _id, r) => {
    if (key > source.hi) return false;
    fn(r);
    return true;
  });
}

interface StreamBounds {
  /** id bounds within [lo, hi] when lo === hi on the last-modified index */
  idLo?: number;
  idHi?: number;
  /** the total when known without scanning: the walk stops as soon as the page is full */
  knownTotal?: number;
}

/** Walks [lo, hi] of an index in order, counting every match (unless the total is known) and keeping the page. */
function streamRange(
  ts: TypeStore,
  name: IndexName,
  lo: number,
  hi: number,
  predicate: ((r: SimRecord) => boolean) | null,
  desc: boolean,
  offset: number,
  limit: number,
  bounds: StreamBounds = {},
): { total: number; records: SimRecord[] } {
  const idx = indexOf(ts, name);
  const start = idx.lowerBound(lo, (bounds.idLo ?? -Infinity) - 0.5);
  const end = idx.lowerBound(hi, (bounds.idHi ?? Infinity) + 0.5);
  const records: SimRecord[] = [];
  if (!predicate) {
    const startRank = idx.rank(start);
    const endRank = idx.rank(end);
    const total = Math.max(0, endRank - startRank);
    if (offset >= total) return { total, records };
    const take = Math.min(limit, total - offset);
    const collect = (_k: number, _i: number, r: SimRecord): boolean => {
      records.push(r);
      return records.length < take;
    };
    if (take > 0) {
      if (desc) idx.scanBackward(idx.positionAt(endRank - offset), collect);
      else idx.scan(idx.positionAt(startRank + offset), collect);
    }
    return { total, records };
  }
  const known = bounds.knownTotal;
  let matched = 0;
  const visit = (r: SimRecord): boolean => {
    if (!predicate(r)) return true;
    if (matched >= offset && records.length < limit) records.push(r);
    matched++;
    return known === undefined || records.length < limit;
  };
  if (desc) idx.scanBackward(end, (key, _i, r) => key >= lo && visit(r));
  else idx.scan(start, (key, _i, r) => key <= hi && visit(r));
  return { total: known ?? matched, records };
}

function comparator(ts: TypeStore, prop: string, desc: boolean): (a: SimRecord, b: SimRecord) => number {
  const dir = desc ? -1 : 1;
  if (prop === 'hs_object_id') return (a, b) => dir * (a.id - b.id);
  if (prop === ts.info.lastModifiedProperty) return (a, b) => dir * (a.searchLm - b.searchLm || a.id - b.id);
  const type = ts.properties.get(prop)?.type;
  const numeric = prop === ts.info.createdProperty || type === 'number' || type === 'datetime' || type === 'date';
  const get = (r: SimRecord): number | string | undefined => {
    if (prop === ts.info.createdProperty) return r.createdAt;
    const v = r.props[prop];
    if (v === undefined) return undefined;
    return type === 'number' ? Number(v) : numeric ? parseDate(v) : v.toLowerCase();
  };
  return (a, b) => {
    const va = get(a);
    const vb = get(b);
    if (va === vb) return a.id - b.id;
    if (va === undefined) return 1;
    if (vb === undefined) return -1;
    return dir * (va < vb ? -1 : 1);
  };
}

function queryMatcher(ts: TypeStore, query: string): (r: SimRecord) => boolean {
  const props = ts.info.searchableProperties;
  return (r) => props.some((p) => r.props[p]?.toLowerCase().includes(query) ?? false);
}
