import { mergedObjectIds } from './merges';

// What a batch/read answer says about each id asked for. A record is gone only when HubSpot says so: an
// OBJECT_NOT_FOUND error naming the id. An id the answer neither returns (itself, or through a survivor's
// merged ids) nor names in an error is unaccounted for: HubSpot answers that way during incidents, and
// taking the silence for a deletion would archive live rows. Pure: safe in workflows.

export interface ReadResult {
  id: string;
  properties: Readonly<Record<string, string | null | undefined>>;
}

export interface ReadError {
  category: string;
  message: string;
  inputIds?: string[];
}

export interface ReadAccounting<R extends ReadResult> {
  /** The record answering each id (a merged-away id is answered by its survivor). */
  found: Map<string, R>;
  /** Ids HubSpot named as not found. */
  gone: string[];
  /** Ids HubSpot refused for another reason, with its error. */
  failed: Map<string, ReadError>;
  /** Ids the answer says nothing about. */
  unaccounted: string[];
}

export const NOT_FOUND_CATEGORY = 'OBJECT_NOT_FOUND';

export function accountForRead<R extends ReadResult>(
  ids: readonly string[],
  results: readonly R[],
  errors: readonly ReadError[],
): ReadAccounting<R> {
  const byId = new Map<string, R>(results.map((r) => [r.id, r]));
  for (const r of results)
    for (const mergedId of mergedObjectIds(r.id, r.properties)) if (!byId.has(mergedId)) byId.set(mergedId, r);
  const notFound = new Set<string>();
  const errorOf = new Map<string, ReadError>();
  for (const error of errors)
    for (const id of error.inputIds ?? []) {
      if (error.category === NOT_FOUND_CATEGORY) notFound.add(id);
      else if (!errorOf.has(id)) errorOf.set(id, error);
    }
  const accounting: ReadAccounting<R> = { found: new Map(), gone: [], failed: new Map(), unaccounted: [] };
  for (const id of new Set(ids)) {
    const record = byId.get(id);
    if (record) accounting.found.set(id, record);
    else if (notFound.has(id)) accounting.gone.push(id);
    else if (errorOf.has(id)) accounting.failed.set(id, errorOf.get(id)!);
    else accounting.unaccounted.push(id);
  }
  return accounting;
}

/** Thrown (and retried) when a read's answer leaves ids unaccounted for: the next attempt asks again. */
export class UnaccountedRecordsError extends Error {
  constructor(
    readonly objectType: string,
    readonly ids: readonly string[],
  ) {
    super(
      `HubSpot's ${objectType} read answered without ${ids.length} of the records asked for and named no error for them (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''}); not taken for deletions, retrying`,
    );
    this.name = 'UnaccountedRecordsError';
  }
}
