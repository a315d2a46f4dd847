import { HubSpotNotFoundError } from './errors';
import { extractFieldMessages } from './response-errors';
import {
  type BatchErrorBody,
  type CrmObject,
  batchLooseObjectsSchema,
  batchObjectsSchema,
  batchUpsertSchema,
  crmObjectSchema,
  listPageSchema,
  searchPageSchema,
} from './schemas';
import type { Transport } from './transport';
import type { CrmObjectType } from '../sync/object-types';
import type { CustomObjectTypeId } from '../sync/custom-objects';

// CRM object endpoints (v3) for the five standard objects hubsync syncs.

export { CRM_OBJECT_TYPES, LAST_MODIFIED_PROPERTY, type CrmObjectType } from '../sync/object-types';
export type { CustomObjectTypeId } from '../sync/custom-objects';

/** A type the read endpoints take: a synced CRM type, or a custom object by its objectTypeId. */
export type CrmTypeRef = CrmObjectType | CustomObjectTypeId;

export const BATCH_LIMIT = 100;
export const LIST_LIMIT = 100;

export type Properties = Record<string, string | null>;
export type SearchOperator =
  | 'EQ'
  | 'NEQ'
  | 'LT'
  | 'LTE'
  | 'GT'
  | 'GTE'
  | 'BETWEEN'
  | 'IN'
  | 'NOT_IN'
  | 'HAS_PROPERTY'
  | 'NOT_HAS_PROPERTY'
  | 'CONTAINS_TOKEN'
  | 'NOT_CONTAINS_TOKEN';
export interface SearchFilter {
  propertyName: string;
  operator: SearchOperator;
  value?: string;
  highValue?: string;
  values?: string[];
}
export interface SearchRequest {
  filterGroups?: Array<{ filters: SearchFilter[] }>;
  sorts?: Array<{ propertyName: string; direction: 'ASCENDING' | 'DESCENDING' }>;
  query?: string;
  properties?: string[];
  limit?: number;
  after?: string;
}

export interface AssociationInput {
  to: { id: string };
  types: Array<{
    associationCategory: 'HUBSPOT_DEFINED' | 'USER_DEFINED' | 'INTEGRATOR_DEFINED';
    associationTypeId: number;
  }>;
}

export interface BatchInputError {
  category: string;
  message: string;
  inputIds?: string[];
  /** Position in the caller's input array (first occurrence when the caller repeated an id). */
  inputIndex?: number;
  property?: string;
  context?: Record<string, string[]>;
}
export interface BatchOutcome<T> {
  results: T[];
  errors: BatchInputError[];
}

/** The category of a per-input error for a record whose answer did not have HubSpot's documented shape. */
export const MALFORMED_RECORD_CATEGORY = 'MALFORMED_RECORD';

export interface BatchReadOptions {
  properties?: string[];
  idProperty?: string;
  archived?: boolean;
  /**
   * Check each returned record alone: a malformed one becomes a MALFORMED_RECORD error for its id (property: the
   * path at fault), the others are returned. Without it a malformed record fails the whole call.
   */
  perRecord?: boolean;
}

export interface ListOptions {
  after?: string;
  limit?: number;
  properties?: string[];
  archived?: boolean;
  associations?: string[];
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * HubSpot rejects a batch naming one id twice. Later duplicates are folded into the first occurrence (their
 * properties win, as they would have had the calls run in order); `index` remembers the caller's position.
 */
export function dedupeInputs<T extends { id: string; idProperty?: string; properties: Properties }>(
  inputs: readonly T[],
): Array<T & { index: number }> {
  const byKey = new Map<string, T & { index: number }>();
  inputs.forEach((input, index) => {
    const key = `${input.idProperty ?? ''}\u0000${input.id}`;
    const seen = byKey.get(key);
    if (seen) seen.properties = { ...seen.properties, ...input.properties };
    else byKey.set(key, { ...input, properties: { ...input.properties }, index });
  });
  return [...byKey.values()];
}

/** One entry per failed input: HubSpot groups inputs under one error; callers need them one by one. */
export function toInputErrors(
  errors: readonly BatchErrorBody[],
  indexOfId: (id: string) => number | undefined,
): BatchInputError[] {
  const out: BatchInputError[] = [];
  for (const error of errors) {
    const property =
      error.errors?.flatMap((d) => d.context?.propertyName ?? (d.in ? [d.in] : []))[0] ??
      extractFieldMessages({ message: error.message }).find((f) => f.field)?.field;
    const base = {
      category: error.category,
      message: error.message,
      ...(property ? { property } : {}),
      ...(error.context ? { context: error.context } : {}),
    };
    const traceIds = error.context?.objectWriteTraceId ?? [];
    const ids = error.context?.ids ?? (error.id ? [error.id] : []);
    if (traceIds.length > 0) {
      for (const trace of traceIds) {
        const index = Number(trace);
        out.push({
          ...base,
          ...(ids.length > 0 ? { inputIds: ids } : {}),
          ...(Number.isInteger(index) ? { inputIndex: index } : {}),
        });
      }
    } else if (ids.length > 0) {
      for (const id of ids) {
        const index = indexOfId(id);
        out.push({ ...base, inputIds: [id], ...(index === undefined ? {} : { inputIndex: index }) });
      }
    } else {
      out.push(base);
    }
  }
  return out;
}

function firstIndexById(ids: readonly string[]): (id: string) => number | undefined {
  const map = new Map<string, number>();
  ids.forEach((id, i) => {
    if (!map.has(id)) map.set(id, i);
  });
  return (id) => map.get(id);
}

/**
 * Longest properties= list a GET carries, in characters once URL-encoded. HubSpot answers an over-long URL with
 * 414 (error-handling guide, no figure given); public threads report failures from about 8 KB (airweave-ai/
 * airweave#1064) and a limit near 16 KB (PostHog/posthog#31617). A list past 6,000 characters (room for the
 * rest of the URL under 8 KB) is fetched with POST batch/read instead, whose body has no such limit.
 */
export const MAX_PROPERTIES_QUERY_CHARS = 6_000;

const propertiesQueryChars = (properties: readonly string[] | undefined): number =>
  properties ? encodeURIComponent(properties.join(',')).length : 0;

export class ObjectsApi {
  constructor(private readonly transport: Transport) {}

  /**
   * One list page. With a properties list too long for a URL the page lists ids only, then one batch read (a
   * page is at most 100 records, a batch read's limit) brings the properties; a record gone in between is
   * left out of the page, as it is of HubSpot's list by then.
   */
  async listPage(type: CrmTypeRef, opts: ListOptions = {}): Promise<{ results: CrmObject[]; nextAfter?: string }> {
    const viaBatchRead = propertiesQueryChars(opts.properties) > MAX_PROPERTIES_QUERY_CHARS;
    const { data } = await this.transport.request({
      method: 'GET',
      endpoint: '/crm/v3/objects/{type}',
      path: `/crm/v3/objects/${type}`,
      query: {
        limit: Math.min(opts.limit ?? LIST_LIMIT, LIST_LIMIT),
        after: opts.after,
        properties: viaBatchRead ? ['hs_object_id'] : opts.properties,
        associations: opts.associations,
        archived: opts.archived,
      },
      schema: listPageSchema,
    });
    const paging = data.paging?.next ? { nextAfter: data.paging.next.after } : {};
    if (!viaBatchRead || data.results.length === 0) return { results: data.results, ...paging };
    const read = await this.batchRead(
      type,
      data.results.map((r) => r.id),
      { properties: opts.properties ?? [], ...(opts.archived ? { archived: true } : {}) },
    );
    const byId = new Map(read.results.map((r) => [r.id, r]));
    const results = data.results.flatMap((listed) => {
      const full = byId.get(listed.id);
      return full ? [listed.associations ? { ...full, associations: listed.associations } : full] : [];
    });
    return { results, ...paging };
  }

  async *list(type: CrmTypeRef, opts: ListOptions = {}): AsyncIterable<CrmObject[]> {
    let after = opts.after;
    do {
      const page = await this.listPage(type, { ...opts, after });
      yield page.results;
      after = page.nextAfter;
    } while (after);
  }

  async get(
    type: CrmTypeRef,
    id: string,
    opts: { properties?: string[]; idProperty?: string; associations?: string[] } = {},
  ): Promise<CrmObject> {
    if (propertiesQueryChars(opts.properties) > MAX_PROPERTIES_QUERY_CHARS && !opts.associations) {
      const read = await this.batchRead(type, [id], {
        properties: opts.properties ?? [],
        ...(opts.idProperty ? { idProperty: opts.idProperty } : {}),
      });
      const found = read.results[0];
      if (!found)
        throw new HubSpotNotFoundError(`no ${type} record ${id}`, {
          method: 'POST',
          endpoint: '/crm/v3/objects/{type}/batch/read',
          status: 404,
          category: 'OBJECT_NOT_FOUND',
        });
      return found;
    }
    const { data } = await this.transport.request({
      method: 'GET',
      endpoint: '/crm/v3/objects/{type}/{id}',
      path: `/crm/v3/objects/${type}/${encodeURIComponent(id)}`,
      query: { properties: opts.properties, idProperty: opts.idProperty, associations: opts.associations },
      schema: crmObjectSchema,
    });
    return data;
  }

  async search(
    type: CrmTypeRef,
    body: SearchRequest,
  ): Promise<{ total: number; results: CrmObject[]; nextAfter?: string }> {
    const { data } = await this.transport.request({
      method: 'POST',
      endpoint: '/crm/v3/objects/{type}/search',
      path: `/crm/v3/objects/${type}/search`,
      body,
      schema: searchPageSchema,
      kind: 'search',
    });
    return {
      total: data.total,
      results: data.results,
      ...(data.paging?.next ? { nextAfter: data.paging.next.after } : {}),
    };
  }

  async batchRead(type: CrmTypeRef, ids: string[], opts: BatchReadOptions = {}): Promise<BatchOutcome<CrmObject>> {
    const unique = [...new Set(ids)];
    const outcome: BatchOutcome<CrmObject> = { results: [], errors: [] };
    for (const part of chunk(unique, BATCH_LIMIT)) {
      const request = {
        method: 'POST' as const,
        endpoint: '/crm/v3/objects/{type}/batch/read',
        path: `/crm/v3/objects/${type}/batch/read`,
        ...(opts.archived ? { query: { archived: true } } : {}),
        body: {
          inputs: part.map((id) => ({ id })),
          properties: opts.properties ?? [],
          propertiesWithHistory: [],
          ...(opts.idProperty ? { idProperty: opts.idProperty } : {}),
        },
      };
      if (!opts.perRecord) {
        const { data } = await this.transport.request({ ...request, schema: batchObjectsSchema });
        outcome.results.push(...data.results);
        outcome.errors.push(...toInputErrors(data.errors ?? [], firstIndexById(ids)));
        continue;
      }
      const { data } = await this.transport.request({ ...request, schema: batchLooseObjectsSchema });
      data.results.forEach((raw, index) => {
        const parsed = crmObjectSchema.safeParse(raw);
        if (parsed.success) return outcome.results.push(parsed.data);
        // A record without a readable id cannot be pointed at: its id stays unaccounted for (retried).
        const rawId = (raw as { id?: unknown } | null)?.id;
        if (typeof rawId !== 'string' && typeof rawId !== 'number') return;
        const issue = parsed.error.issues[0];
        const path = issue ? issue.path.map(String).join('.') : '';
        outcome.errors.push({
          category: MALFORMED_RECORD_CATEGORY,
          message: `results[${index}]${path ? `.${path}` : ''}: ${issue?.message ?? 'invalid'}`,
          inputIds: [String(rawId)],
          ...(path ? { property: path } : {}),
        });
      });
      outcome.errors.push(...toInputErrors(data.errors ?? [], firstIndexById(ids)));
    }
    return outcome;
  }

  async batchCreate(
    type: CrmObjectType,
    inputs: Array<{ properties: Properties; associations?: AssociationInput[] }>,
  ): Promise<BatchOutcome<CrmObject>> {
    // objectWriteTraceId carries the caller's index so HubSpot's per-input errors can be pointed back at it.
    const traced = inputs.map((input, index) => ({ ...input, objectWriteTraceId: String(index) }));
    return this.writeBatch(type, 'create', traced, () => undefined);
  }

  async batchUpdate(
    type: CrmObjectType,
    inputs: Array<{ id: string; idProperty?: string; properties: Properties }>,
  ): Promise<BatchOutcome<CrmObject>> {
    const unique = dedupeInputs(inputs).map(({ index, ...input }) => ({ ...input, objectWriteTraceId: String(index) }));
    return this.writeBatch(type, 'update', unique, firstIndexById(inputs.map((i) => i.id)));
  }

  async batchUpsert(
    type: CrmObjectType,
    inputs: Array<{ id: string; idProperty: string; properties: Properties }>,
  ): Promise<BatchOutcome<CrmObject & { new?: boolean }>> {
    const unique = dedupeInputs(inputs).map(({ index, ...input }) => ({ ...input, objectWriteTraceId: String(index) }));
    const outcome: BatchOutcome<CrmObject & { new?: boolean }> = { results: [], errors: [] };
    const indexOfId = firstIndexById(inputs.map((i) => i.id));
    for (const part of chunk(unique, BATCH_LIMIT)) {
      const { data } = await this.transport.request({
        method: 'POST',
        endpoint: '/crm/v3/objects/{type}/batch/upsert',
        path: `/crm/v3/objects/${type}/batch/upsert`,
        body: { inputs: part },
        schema: batchUpsertSchema,
      });
      outcome.results.push(...data.results);
      outcome.errors.push(...toInputErrors(data.errors ?? [], indexOfId));
    }
    return outcome;
  }

  async batchArchive(type: CrmObjectType, ids: string[]): Promise<void> {
    for (const part of chunk([...new Set(ids)], BATCH_LIMIT)) {
      await this.transport.request({
        method: 'POST',
        endpoint: '/crm/v3/objects/{type}/batch/archive',
        path: `/crm/v3/objects/${type}/batch/archive`,
        body: { inputs: part.map((id) => ({ id })) },
      });
    }
  }

  async merge(type: CrmObjectType, primaryObjectId: string, objectIdToMerge: string): Promise<CrmObject> {
    const { data } = await this.transport.request({
      method: 'POST',
      endpoint: '/crm/v3/objects/{type}/merge',
      path: `/crm/v3/objects/${type}/merge`,
      body: { primaryObjectId, objectIdToMerge },
      schema: crmObjectSchema,
    });
    return data;
  }

  async gdprDeleteContact(objectId: string, idProperty?: string): Promise<void> {
    await this.transport.request({
      method: 'POST',
      endpoint: '/crm/v3/objects/contacts/gdpr-delete',
      path: '/crm/v3/objects/contacts/gdpr-delete',
      body: { objectId, ...(idProperty ? { idProperty } : {}) },
    });
  }

  private async writeBatch(
    type: CrmObjectType,
    action: 'create' | 'update',
    inputs: readonly object[],
    indexOfId: (id: string) => number | undefined,
  ): Promise<BatchOutcome<CrmObject>> {
    const outcome: BatchOutcome<CrmObject> = { results: [], errors: [] };
    for (const part of chunk(inputs, BATCH_LIMIT)) {
      const { data } = await this.transport.request({
        method: 'POST',
        endpoint: `/crm/v3/objects/{type}/batch/${action}`,
        path: `/crm/v3/objects/${type}/batch/${action}`,
        body: { inputs: part },
        schema: batchObjectsSchema,
      });
      outcome.results.push(...data.results);
      outcome.errors.push(...toInputErrors(data.errors ?? [], indexOfId));
    }
    return outcome;
  }
}
