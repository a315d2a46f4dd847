import { HubSpotResponseShapeError, MALFORMED_RECORD_CATEGORY, type HubSpotClient } from '../../src/hubspot';
import type { Logger } from '../../src/logger';
import { accountForRead, UnaccountedRecordsError } from '../../src/sync/read-accounting';
import type { CrmObjectType } from '../../src/sync/object-types';
import type { PropertyCatalog } from '../property-catalog';

// Full reads of records for the webhook path (creation, restore, merge). Hundreds of per-record workflows
// ask at once after a bulk import; this activity gathers the ids they ask for and answers them all from one
// batch/read call. A batch closes at 100 ids (HubSpot's limit), after a short quiet gap without new asks,
// or at the latest `maxWaitMs` after it opened: a lone read waits only the gap, a stream fills batches.
//
// It is registered on the MAIN task queue: the HubSpot queue's server-side limit admits activities one by
// one at the portal's request rate, which would hand this batcher one id at a time. The HubSpot client's
// per-portal limiter still paces the (few) batch calls this makes.

export interface HubSpotFetchDeps {
  hubspotFor: (portalId: string) => HubSpotClient;
  /** Every property of the type is read (the stored catalog, see activities/property-catalog.ts). */
  propertyCatalog: PropertyCatalog;
  logger: Logger;
}

export interface FetchRecordInput {
  portalId: string;
  objectType: CrmObjectType;
  objectId: string;
}

/** What the apply step needs of a full record (HubSpot wire form). */
export interface FetchedRecord {
  id: string;
  properties: Record<string, string | null>;
  updatedAt: number;
  archived: boolean;
}

export interface BatcherOptions {
  /** When asks are rare, a batch is sent once no new id arrived for this long… */
  quietMs?: number;
  /** …when they stream in (a bulk import), it fills for up to this long after its first id. */
  maxWaitMs?: number;
  /** Asks within the last `rateWindowMs` from which the stream counts as a bulk and batches are left to fill. */
  bulkAsks?: number;
  rateWindowMs?: number;
  maxBatch?: number;
  /** Batch reads in flight per portal and type; further asks join the next batch meanwhile. */
  maxInFlight?: number;
}

interface Waiter {
  resolve: (record: FetchedRecord | null) => void;
  reject: (err: unknown) => void;
}

interface Queue {
  portalId: string;
  objectType: CrmObjectType;
  waiters: Map<string, Waiter[]>;
  openedAt: number;
  inFlight: number;
  /** Arrival times of the asks within the rate window. */
  recent: number[];
  timer?: NodeJS.Timeout;
}

export function createHubSpotFetchActivities(deps: HubSpotFetchDeps, options: BatcherOptions = {}) {
  const quietMs = options.quietMs ?? 30;
  // Long enough for a batch to fill while a bulk import's workflows start at the dev server's pace (8-25 a
  // second). Lone reads never wait it.
  const maxWaitMs = options.maxWaitMs ?? 20_000;
  const bulkAsks = options.bulkAsks ?? 10;
  const rateWindowMs = options.rateWindowMs ?? 5_000;
  const maxBatch = options.maxBatch ?? 100;
  const maxInFlight = options.maxInFlight ?? 2;
  const queues = new Map<string, Queue>();

  // Group commit: while reads are in flight (or waiting for the portal's rate limiter) new asks pile up,
  // and a stream of asks (a bulk import) is left to fill batches; a lone ask still goes out after the quiet gap.
  const send = (queue: Queue): void => {
    clearTimeout(queue.timer);
    queue.timer = undefined;
    if (queue.waiters.size === 0 || queue.inFlight >= maxInFlight) return;
    const batch = new Map([...queue.waiters].slice(0, maxBatch));
    for (const id of batch.keys()) queue.waiters.delete(id);
    queue.openedAt = Date.now();
    queue.inFlight += 1;
    const ids = [...batch.keys()];
    deps.propertyCatalog
      .propertiesToRead(queue.portalId, queue.objectType)
      // Records checked one by one: a malformed record shared with up to 99 others fails only its own fetch.
      .then((properties) =>
        deps.hubspotFor(queue.portalId).batchRead(queue.objectType, ids, { properties, perRecord: true }),
      )
      .then(({ results, errors }) => {
        // HubSpot answers a merged-away id with its survivor; only an OBJECT_NOT_FOUND error means gone.
        const read = accountForRead(ids, results, errors);
        const unaccounted =
          read.unaccounted.length > 0 ? new UnaccountedRecordsError(queue.objectType, read.unaccounted) : undefined;
        if (unaccounted)
          deps.logger.warn(
            { portalId: queue.portalId, objectType: queue.objectType, ids: read.unaccounted.length },
            'batched record read left records unaccounted for; their fetches retry',
          );
        for (const [id, waiters] of batch) {
          const found = read.found.get(id);
          const failed = read.failed.get(id);
          if (found) {
            const record: FetchedRecord = {
              id: found.id,
              properties: found.properties,
              updatedAt: Date.parse(found.updatedAt),
              archived: found.archived,
            };
            waiters.forEach((w) => w.resolve(record));
          } else if (read.gone.includes(id)) waiters.forEach((w) => w.resolve(null));
          else if (failed) {
            // A malformed record reads the same on the next attempt: not retried here (the workflow keeps its
            // events and tries again in rounds); any other refusal is retried by the activity's policy.
            const err =
              failed.category === MALFORMED_RECORD_CATEGORY
                ? new HubSpotResponseShapeError(
                    { method: 'POST', endpoint: '/crm/v3/objects/{type}/batch/read' },
                    failed.message,
                    [{ path: failed.message, message: `${queue.objectType} ${id} is malformed` }],
                  )
                : new Error(`HubSpot refused to read ${queue.objectType} ${id}: ${failed.category}: ${failed.message}`);
            waiters.forEach((w) => w.reject(err));
          } else waiters.forEach((w) => w.reject(unaccounted));
        }
      })
      .catch((err: unknown) => {
        deps.logger.warn(
          { portalId: queue.portalId, objectType: queue.objectType, ids: ids.length, err: (err as Error).message },
          'batched record read failed',
        );
        for (const waiters of batch.values()) waiters.forEach((w) => w.reject(err));
      })
      .finally(() => {
        queue.inFlight -= 1;
        if (queue.waiters.size >= maxBatch) send(queue);
        else if (queue.waiters.size > 0) schedule(queue);
      });
  };

  const schedule = (queue: Queue): void => {
    if (queue.inFlight >= maxInFlight) return; // the completion of a read sends the next batch
    clearTimeout(queue.timer);
    const now = Date.now();
    while (queue.recent.length > 0 && queue.recent[0]! < now - rateWindowMs) queue.recent.shift();
    const untilDeadline = Math.max(0, queue.openedAt + maxWaitMs - now);
    const delay = queue.recent.length >= bulkAsks ? untilDeadline : Math.min(quietMs, untilDeadline);
    queue.timer = setTimeout(() => send(queue), delay);
  };

  return {
    /**
     * The record as HubSpot has it now, or null when HubSpot says it no longer knows it (OBJECT_NOT_FOUND, e.g.
     * GDPR-deleted). An answer silent about the id fails the fetch, retryably.
     */
    fetchHubSpotRecord(input: FetchRecordInput): Promise<FetchedRecord | null> {
      const key = `${input.portalId}:${input.objectType}`;
      let queue = queues.get(key);
      if (!queue) {
        queue = {
          portalId: input.portalId,
          objectType: input.objectType,
          waiters: new Map(),
          openedAt: Date.now(),
          inFlight: 0,
          recent: [],
        };
        queues.set(key, queue);
      }
      const current = queue;
      return new Promise<FetchedRecord | null>((resolve, reject) => {
        if (current.waiters.size === 0) current.openedAt = Date.now();
        current.recent.push(Date.now());
        const waiters = current.waiters.get(input.objectId) ?? [];
        waiters.push({ resolve, reject });
        current.waiters.set(input.objectId, waiters);
        if (current.waiters.size >= maxBatch) send(current);
        else schedule(current);
      });
    },
  };
}

export type HubSpotFetchActivities = ReturnType<typeof createHubSpotFetchActivities>;
