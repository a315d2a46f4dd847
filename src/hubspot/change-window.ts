import { lastModifiedPropertyOf } from '../sync/custom-objects';
import { type CrmTypeRef, type ObjectsApi, type SearchFilter, type SearchRequest } from './objects';
import type { CrmObject } from './schemas';

// Every record whose last-modified lies in [from, to], exactly once, however many there are.
//
// Search cannot page past 10,000 results, so offsets are never used. Instead the window is consumed as a
// keyset over time: each query asks for "last-modified ≥ pos", sorted ascending, and delivers every record
// strictly before the page's last timestamp (those are complete: sorting puts all of them first); pos then
// moves to that last timestamp. This splits the window by time as finely as the data needs, and a record
// modified while we page leaves the window (its new last-modified is after `to`) without shifting any
// offset, so nothing is skipped. When a whole page shares one timestamp (bulk imports stamp thousands of
// records with the same millisecond), that instant is paged by hs_object_id instead, then pos moves past it.

export const SEARCH_PAGE_LIMIT = 200;

/** Plain JSON, so a workflow can hold it between activity calls. */
export interface ChangeWindowCursor {
  v: 1;
  type: CrmTypeRef;
  from: number;
  to: number;
  /** Every record modified before `pos` has been delivered; none at `pos` yet unless paging by id. */
  pos: number;
  /** Set while paging the single timestamp `pos` by id: ids up to and including this one are delivered. */
  byId?: { afterId?: string };
}

export interface ChangeWindow {
  from: Date | string | number;
  to: Date | string | number;
}

export interface ChangeWindowOptions {
  properties?: string[];
  pageSize?: number;
}

function toMs(value: Date | string | number): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : parseTimestamp(value);
  if (ms === undefined || Number.isNaN(ms)) throw new RangeError(`not a point in time: ${String(value)}`);
  return ms;
}

/** HubSpot date properties hold ISO strings or epoch-millisecond strings. */
export function parseTimestamp(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

export function lastModifiedMs(type: CrmTypeRef, record: CrmObject): number {
  return parseTimestamp(record.properties[lastModifiedPropertyOf(type)]) ?? Date.parse(record.updatedAt);
}

export function initialCursor(type: CrmTypeRef, window: ChangeWindow): ChangeWindowCursor {
  const from = toMs(window.from);
  return { v: 1, type, from, to: toMs(window.to), pos: from };
}

/** HubSpot refuses a search body over 3,000 characters (400 VALIDATION_ERROR). */
export const SEARCH_BODY_LIMIT = 3_000;

/**
 * The search the cursor's next page needs (pure, so the planner can be tested without HTTP). It asks for the
 * ids and modification times only, whatever the mapping holds: the body stays far below SEARCH_BODY_LIMIT, and
 * the mapped properties are read with batch/read (POST, 100 ids a call).
 */
export function planQuery(cursor: ChangeWindowCursor, pageSize: number): SearchRequest {
  const lastModified = lastModifiedPropertyOf(cursor.type);
  const props = [lastModified, 'hs_object_id'];
  const limit = Math.min(pageSize, SEARCH_PAGE_LIMIT);
  if (cursor.byId) {
    const filters: SearchFilter[] = [{ propertyName: lastModified, operator: 'EQ', value: String(cursor.pos) }];
    if (cursor.byId.afterId !== undefined) {
      filters.push({ propertyName: 'hs_object_id', operator: 'GT', value: cursor.byId.afterId });
    }
    return {
      filterGroups: [{ filters }],
      sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
      properties: props,
      limit,
    };
  }
  return {
    filterGroups: [
      {
        filters: [
          { propertyName: lastModified, operator: 'GTE', value: String(cursor.pos) },
          { propertyName: lastModified, operator: 'LTE', value: String(cursor.to) },
        ],
      },
    ],
    sorts: [{ propertyName: lastModified, direction: 'ASCENDING' }],
    properties: props,
    limit,
  };
}

export interface PageStep {
  deliver: CrmObject[];
  next?: ChangeWindowCursor;
}

/** Given the page the planned query returned, what to hand out and where to continue (pure). */
export function advance(cursor: ChangeWindowCursor, results: CrmObject[], pageSize: number): PageStep {
  const limit = Math.min(pageSize, SEARCH_PAGE_LIMIT);
  const full = results.length >= limit;
  const afterInstant = (): ChangeWindowCursor | undefined =>
    cursor.pos + 1 > cursor.to
      ? undefined
      : { v: 1, type: cursor.type, from: cursor.from, to: cursor.to, pos: cursor.pos + 1 };

  if (cursor.byId) {
    const last = results[results.length - 1];
    if (full && last) return { deliver: results, next: { ...cursor, byId: { afterId: last.id } } };
    return { deliver: results, next: afterInstant() };
  }
  if (!full) return { deliver: results };

  const stamps = results.map((r) => lastModifiedMs(cursor.type, r));
  const lastStamp = stamps[stamps.length - 1] as number;
  const firstStamp = stamps[0] as number;
  if (firstStamp === lastStamp) {
    // A full page of one instant: order within it is unspecified, so re-read that instant by id.
    return { deliver: [], next: { ...cursor, pos: lastStamp, byId: {} } };
  }
  if (lastStamp <= cursor.pos) throw new Error('search results are not sorted by last-modified ascending');
  return { deliver: results.filter((_, i) => (stamps[i] as number) < lastStamp), next: { ...cursor, pos: lastStamp } };
}

export async function changedSincePage(
  objects: Pick<ObjectsApi, 'search' | 'batchRead'>,
  type: CrmTypeRef,
  window: ChangeWindow,
  cursor?: ChangeWindowCursor,
  opts: ChangeWindowOptions = {},
): Promise<{ results: CrmObject[]; next?: ChangeWindowCursor }> {
  let current = cursor ?? initialCursor(type, window);
  if (current.type !== type || current.v !== 1) throw new Error('change-window cursor belongs to another object type');
  if (current.from > current.to) return { results: [] };
  const pageSize = opts.pageSize ?? SEARCH_PAGE_LIMIT;
  // Keep going until something is delivered: a step may only have moved the cursor.
  for (;;) {
    const page = await objects.search(type, planQuery(current, pageSize));
    const step = advance(current, page.results, pageSize);
    if (step.deliver.length > 0 || !step.next) {
      const results = await withProperties(objects, type, step.deliver, opts.properties ?? []);
      return { results, ...(step.next ? { next: step.next } : {}) };
    }
    current = step.next;
  }
}

/**
 * The found records with the wanted properties, read by id (a 200-record page costs 2 batch reads). A record
 * archived or merged away between the search and the read is left out of this page: archives and merges are
 * found by their own paths (archived list, link check, webhooks), never inferred from the silence.
 */
async function withProperties(
  objects: Pick<ObjectsApi, 'batchRead'>,
  type: CrmTypeRef,
  found: CrmObject[],
  properties: string[],
): Promise<CrmObject[]> {
  const lastModified = lastModifiedPropertyOf(type);
  const extra = properties.filter((p) => p !== lastModified && p !== 'hs_object_id');
  if (found.length === 0 || extra.length === 0) return found;
  const read = await objects.batchRead(
    type,
    found.map((r) => r.id),
    { properties: [...new Set([...extra, lastModified, 'hs_object_id'])] },
  );
  const byId = new Map(read.results.map((r) => [r.id, r]));
  return found.flatMap((r) => {
    const full = byId.get(r.id);
    return full ? [full] : [];
  });
}

export async function* changedSince(
  objects: Pick<ObjectsApi, 'search' | 'batchRead'>,
  type: CrmTypeRef,
  from: Date | string | number,
  to: Date | string | number,
  opts: ChangeWindowOptions = {},
): AsyncIterable<CrmObject[]> {
  let cursor: ChangeWindowCursor | undefined;
  do {
    const page = await changedSincePage(objects, type, { from, to }, cursor, opts);
    if (page.results.length > 0) yield page.results;
    cursor = page.next;
  } while (cursor);
}
