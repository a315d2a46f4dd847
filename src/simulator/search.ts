// CRM search: HubSpot's validation limits, operators and paging, answered through the search indexes
// (last-modified, id, lookup properties) so a page over a million records never sorts or scans everything.
import { HubSpotError, validation } from './http-util';
import { parseDate } from './render';
import type { SimRecord, TypeStore } from './store';

const OPERATORS = [
  'EQ',
  'NEQ',
  'LT',
  'LTE',
  'GT',
  'GTE',
  'BETWEEN',
  'IN',
  'NOT_IN',
  'HAS_PROPERTY',
  'NOT_HAS_PROPERTY',
  'CONTAINS_TOKEN',
  'NOT_CONTAINS_TOKEN',
] as const;
type Operator = (typeof OPERATORS)[number];
export const SEARCH_CAP = 10_000;

export interface Filter {
  propertyName: string;
  operator: Operator;
  value?: string;
  highValue?: string;
  values?: string[];
}

export interface ParsedSearch {
  groups: Filter[][];
  sort: { propertyName: string; descending: boolean } | null;
  query: string | null;
  properties: string[];
  limit: number;
  offset: number;
}

export function parseSearch(raw: string, body: Record<string, unknown>): ParsedSearch {
  if (raw.length > 3000) throw validation(`The request body exceeds the maximum of 3000 characters (${raw.length})`);
  const groupsIn = body.filterGroups ?? [];
  if (!Array.isArray(groupsIn)) throw validation('filterGroups must be an array');
  if (groupsIn.length > 5) throw validation(`Too many filter groups (${groupsIn.length}); the maximum is 5`);
  let total = 0;
  const groups = groupsIn.map((g: unknown) => {
    const filters = (g as { filters?: unknown })?.filters ?? [];
    if (!Array.isArray(filters)) throw validation('filters must be an array');
    if (filters.length > 6) throw validation(`Too many filters in a group (${filters.length}); the maximum is 6`);
    total += filters.length;
    return filters.map(parseFilter);
  });
  if (total > 18) throw validation(`Too many filters (${total}); the maximum is 18 across all groups`);
  const sortsIn = body.sorts ?? [];
  if (!Array.isArray(sortsIn)) throw validation('sorts must be an array');
  if (sortsIn.length > 1) throw validation('Only one sort is allowed');
  const sort = sortsIn.length === 0 ? null : parseSort(sortsIn[0]);
  const limit = body.limit === undefined ? 10 : Number(body.limit);
  if (!Number.isInteger(limit) || limit < 0) throw validation('limit must be a non-negative integer');
  if (limit > 200) throw validation(`limit must be at most 200 (got ${limit})`);
  const offset = body.after === undefined || body.after === null || body.after === '' ? 0 : Number(body.after);
  if (!Number.isInteger(offset) || offset < 0)
    throw validation(`after must be a numeric offset (got ${String(body.after)})`);
  if (offset + limit > SEARCH_CAP)
    throw new HubSpotError(
      400,
      'VALIDATION_ERROR',
      `Cannot page past ${SEARCH_CAP} results: after (${offset}) + limit (${limit}) exceeds ${SEARCH_CAP}`,
    );
  const properties = Array.isArray(body.properties) ? body.properties.map(String) : [];
  const query = typeof body.query === 'string' && body.query.trim() !== '' ? body.query.trim().toLowerCase() : null;
  return { groups, sort, query, properties, limit, offset };
}

function parseFilter(raw: unknown): Filter {
  const f = (raw ?? {}) as Record<string, unknown>;
  if (typeof f.propertyName !== 'string') throw validation('filter.propertyName is required');
  const operator = String(f.operator ?? 'EQ') as Operator;
  if (!OPERATORS.includes(operator))
    throw validation(`Invalid operator ${operator}; expected one of ${OPERATORS.join(', ')}`);
  const filter: Filter = { propertyName: f.propertyName, operator };
  if (f.value !== undefined && f.value !== null) filter.value = String(f.value);
  if (f.highValue !== undefined && f.highValue !== null) filter.highValue = String(f.highValue);
  if (Array.isArray(f.values)) filter.values = f.values.map(String);
  const needsValue = !['HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'IN', 'NOT_IN'].includes(operator);
  if (needsValue && filter.value === undefined)
    throw validation(`filter on ${filter.propertyName} with ${operator} needs a value`);
  if (operator === 'BETWEEN' && filter.highValue === undefined) throw validation('BETWEEN needs value and highValue');
  if ((operator === 'IN' || operator === 'NOT_IN') && !filter.values) throw validation(`${operator} needs values`);
  return filter;
}

function parseSort(raw: unknown): { propertyName: string; descending: boolean } {
  if (typeof raw === 'string')
    return raw.startsWith('-')
      ? { propertyName: raw.slice(1), descending: true }
      : { propertyName: raw, descending: false };
  const s = (raw ?? {}) as Record<string, unknown>;
  if (typeof s.propertyName !== 'string') throw validation('sort.propertyName is required');
  return { propertyName: s.propertyName, descending: s.direction === 'DESCENDING' };
}

type Getter = (r: SimRecord) => number | string | undefined;
type Predicate = (r: SimRecord) => boolean;

/** How a property is read for comparisons: numbers for numeric/date properties, lower-case strings otherwise. */
function getter(ts: TypeStore, name: string): { get: Getter; numeric: boolean } {
  const info = ts.info;
  if (name === 'hs_object_id') return { get: (r) => r.id, numeric: true };
  if (name === info.lastModifiedProperty) return { get: (r) => r.searchLm, numeric: true };
  if (name === info.createdProperty) return { get: (r) => r.createdAt, numeric: true };
  const type = ts.properties.get(name)?.type;
  if (type === 'number')
    return { get: (r) => (r.props[name] === undefined ? undefined : Number(r.props[name])), numeric: true };
  if (type === 'datetime' || type === 'date')
    return {
      get: (r) => (r.props[name] === undefined ? undefined : Date.parse(r.props[name] as string)),
      numeric: true,
    };
  return { get: (r) => r.props[name]?.toLowerCase(), numeric: false };
}

export function compileFilter(ts: TypeStore, f: Filter): Predicate {
  const { get, numeric } = getter(ts, f.propertyName);
  const isNumber = ts.properties.get(f.propertyName)?.type === 'number';
  const conv = (v: string): number | string => (isNumber ? Number(v) : numeric ? parseDate(v) : v.toLowerCase());
  const value = f.value === undefined ? undefined : conv(f.value);
  const high = f.highValue === undefined ? undefined : conv(f.highValue);
  const values = new Set((f.values ?? []).map(conv));
  const has = (v: number | string | undefined): v is number | string =>
    v !== undefined && v !== '' && !(typeof v === 'number' && Number.isNaN(v));
  const tokenMatch = tokenMatcher(f.value ?? '');
  switch (f.operator) {
    case 'EQ':
      return (r) => get(r) === value;
    case 'NEQ':
      return (r) => get(r) !== value;
    case 'LT':
      return (r) => {
        const v = get(r);
        return has(v) && v < (value as typeof v);
      };
    case 'LTE':
      return (r) => {
        const v = get(r);
        return has(v) && v <= (value as typeof v);
      };
    case 'GT':
      return (r) => {
        const v = get(r);
        return has(v) && v > (value as typeof v);
      };
    case 'GTE':
      return (r) => {
        const v = get(r);
        return has(v) && v >= (value as typeof v);
      };
    case 'BETWEEN':
      return (r) => {
        const v = get(r);
        return has(v) && v >= (value as typeof v) && v <= (high as typeof v);
      };
    case 'IN':
      return (r) => {
        const v = get(r);
        return has(v) && values.has(v);
      };
    case 'NOT_IN':
      return (r) => {
        const v = get(r);
        return !has(v) || !values.has(v);
      };
    case 'HAS_PROPERTY':
      return (r) => has(get(r));
    case 'NOT_HAS_PROPERTY':
      return (r) => !has(get(r));
    case 'CONTAINS_TOKEN':
      return (r) => {
        const v = get(r);
        return has(v) && tokenMatch(String(v));
      };
    case 'NOT_CONTAINS_TOKEN':
      return (r) => {
        const v = get(r);
        return !has(v) || !tokenMatch(String(v));
      };
  }
}

/** A token (with `*` wildcards) against the words of a value. */
function tokenMatcher(token: string): (value: string) => boolean {
  const t = token.toLowerCase();
  const re = t.includes('*')
    ? new RegExp(
        `^${t
          .split('*')
          .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
      )
    : null;
  return (value) => {
    if (re) return re.test(value) || value.split(/[\s@.,;:_\-/]+/).some((w) => re.test(w));
    return value === t || value.split(/[\s@.,;:_\-/]+/).includes(t);
  };
}
