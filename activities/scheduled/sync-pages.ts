import { Context } from '@temporalio/activity';
import type { ChangeWindowCursor } from '../../src/hubspot';
import { backfillPagesPerActivity, requestsPer10s, type Config } from '../../src/config';
import type { Logger } from '../../src/logger';
import { applyInboundRecords, markArchived, tableFor, type ApplyInboundResult } from '../../src/store/hubspot-records';
import { takeOverListedMerges } from '../../src/store/inbound-lifecycle';
import { inTransaction } from '../../src/store/prisma';
import {
  activeIds,
  applyBackfillPage,
  countLinked,
  linkedIds,
  readCursors,
  unseenLinkedIds,
} from '../../src/store/sync-cursors';
import { MASS_ARCHIVE_REFUSED, recordFailures } from '../../src/store/sync-failures';
import { saveOwnerTeams } from '../../src/store/owner-teams';
import { addCounts, emptyCounts, type PageCounts } from '../../src/sync/page-counts';
import { archiveAllowance, mayArchive } from '../../src/sync/mass-archive-guard';
import { mergedObjectIds } from '../../src/sync/merges';
import { accountForRead, UnaccountedRecordsError } from '../../src/sync/read-accounting';
import type { CrmObjectType, ObjectType } from '../../src/sync/object-types';
import type { MappingConfig } from '../../src/sync/mapping-types';
import { mappingOf, type RecordSyncDeps } from '../deps';
import { createPropertyCatalog } from '../property-catalog';
import { fetchListPage, fromCrmObject, groupIdsByTime } from './list-pages';
import { createPagePrefetch } from './page-prefetch';

// The HubSpot side of the hourly sync and the backfill: ONE activity per page, which fetches the page and
// writes it to PostgreSQL in one batched statement, then returns only a cursor and counts (records never
// enter workflow history). They run on the HubSpot task queue, so the server-side activity rate caps the
// whole fleet; each makes one HubSpot request (a change-window page may need a second search when a full
// page shares one timestamp; a backfill activity lists backfillPagesPerActivity pages, and the queue's rate
// is divided by that; it also requests the page after its last, for the type's next activity (page-prefetch.ts):
// one request per activity still, the first of a type's chain aside). Search requests are further held to 5/s by
// the client's portal limiter.

export type SyncPageDeps = RecordSyncDeps & {
  config: Pick<Config, 'HUBSPOT_APP_ID' | 'HUBSPOT_RATE_TIER' | 'HUBSPOT_REQUESTS_PER_10S'>;
};

export type { PageCounts } from '../../src/sync/page-counts';

export interface PageReport extends PageCounts {
  /** Opaque to workflows: where the next page starts; absent after the last page. */
  next?: string;
}

export interface BackfillPageReport extends PageCounts {
  done: number;
  complete: boolean;
}

export interface ChangesPageInput {
  portalId: string;
  objectType: CrmObjectType;
  window: { from: number; to: number };
  cursor?: string;
}

/** How long one backfill activity keeps listing further pages of its group. */
const GROUP_BUDGET_MS = 5_000;

export function createSyncPageActivities(deps: SyncPageDeps) {
  const { prisma, metrics } = deps;
  const catalog = createPropertyCatalog(deps);
  // Every property of the type; the first page of a run (no cursor yet) reads the definitions again.
  const propertiesOf = (portalId: string, objectType: ObjectType, firstPage: boolean): Promise<string[]> =>
    objectType === 'owners'
      ? Promise.resolve([])
      : catalog.propertiesToRead(portalId, objectType, { refresh: firstPage });
  const pagesPerActivity = backfillPagesPerActivity(requestsPer10s(deps.config));
  const prefetch = createPagePrefetch<Awaited<ReturnType<typeof fetchListPage>>>();
  const applyOptions = (portalId: string, objectType: ObjectType, mapping: MappingConfig) => ({
    portalId,
    objectType,
    mapping,
    ourAppId: deps.config.HUBSPOT_APP_ID,
    mode: 'full' as const,
  });

  const count = (objectType: ObjectType, source: string, fetched: number, applied: ApplyInboundResult): PageCounts => {
    for (const result of ['inserted', 'updated', 'unchanged'] as const) {
      if (applied[result] > 0) metrics.eventsApplied.inc({ object_type: objectType, source, result }, applied[result]);
    }
    return { ...emptyCounts(), fetched, ...applied };
  };

  const log = (portalId: string, objectType: ObjectType): Logger => {
    const info = Context.current().info;
    return deps.logger.child({
      portalId,
      objectType,
      workflowId: info.workflowExecution?.workflowId,
      activity: info.activityType,
    });
  };

  /**
   * Archived owners are kept, marked archived, with their names and teams: records HubSpot reassigned still
   * name them (hubspot_owner_id), so one archived before hubsync first listed the owners is stored too.
   */
  async function keepArchivedOwners(
    portalId: string,
    page: Awaited<ReturnType<typeof fetchListPage>>,
  ): Promise<PageReport> {
    const applied = await applyInboundRecords(
      prisma,
      applyOptions(portalId, 'owners', await mappingOf(deps, portalId)),
      page.records,
    );
    await saveOwnerTeams(prisma, portalId, page.teams ?? []);
    return {
      ...count('owners', 'sync', page.records.length, applied),
      archivedListed: page.records.length,
      ...(page.nextAfter ? { next: page.nextAfter } : {}),
    };
  }

  return {
    /** One page of the records whose last-modified lies in the window (search; the 10,000 cap is the client's concern). */
    async syncChangesPage(input: ChangesPageInput): Promise<PageReport> {
      const hubspot = deps.hubspotFor(input.portalId);
      const mapping = await mappingOf(deps, input.portalId);
      const cursor = input.cursor === undefined ? undefined : (JSON.parse(input.cursor) as ChangeWindowCursor);
      const page = await hubspot.changedSincePage(input.objectType, input.window, cursor, {
        properties: await propertiesOf(input.portalId, input.objectType, input.cursor === undefined),
      });
      const applied = await applyInboundRecords(
        prisma,
        applyOptions(input.portalId, input.objectType, mapping),
        page.results.map(fromCrmObject),
      );
      log(input.portalId, input.objectType).debug({ fetched: page.results.length, ...applied }, 'change page applied');
      return {
        ...count(input.objectType, 'sync', page.results.length, applied),
        ...(page.next ? { next: JSON.stringify(page.next) } : {}),
      };
    },

    /** One page of a full listing (owners have no search, and there are few of them: each run reads them all). */
    async syncListPage(input: { portalId: string; objectType: ObjectType; after?: string }): Promise<PageReport> {
      const mapping = await mappingOf(deps, input.portalId);
      const page = await fetchListPage(deps.hubspotFor(input.portalId), input.objectType, {
        after: input.after,
        archived: false,
        properties: await propertiesOf(input.portalId, input.objectType, input.after === undefined),
      });
      const applied = await applyInboundRecords(
        prisma,
        applyOptions(input.portalId, input.objectType, mapping),
        page.records,
      );
      await saveOwnerTeams(prisma, input.portalId, page.teams ?? []);
      return {
        ...count(input.objectType, 'sync', page.records.length, applied),
        ...(page.nextAfter ? { next: page.nextAfter } : {}),
      };
    },

    /**
     * One page of HubSpot's archived list (archiving does not touch last-modified, so search never reveals
     * it). Only ids still active locally are updated: a run where nothing was archived writes nothing.
     */
    async syncArchivedPage(input: { portalId: string; objectType: ObjectType; after?: string }): Promise<PageReport> {
      const page = await fetchListPage(deps.hubspotFor(input.portalId), input.objectType, {
        after: input.after,
        archived: true,
        properties: ['hs_object_id'],
      });
      if (input.objectType === 'owners') return keepArchivedOwners(input.portalId, page);
      const ids = page.records.map((r) => r.hubspotId);
      const active = new Set(
        await activeIds(prisma, { table: tableFor(input.objectType).table, portalId: input.portalId, hubspotIds: ids }),
      );
      const byTime = groupIdsByTime(
        page.records.flatMap((record, i) =>
          active.has(record.hubspotId) ? [{ id: record.hubspotId, at: page.archivedAt[i]?.getTime() }] : [],
        ),
      );
      let archived = 0;
      for (const [at, hubspotIds] of byTime) {
        archived += await markArchived(prisma, {
          portalId: input.portalId,
          objectType: input.objectType,
          hubspotIds,
          archived: true,
          ...(at === undefined ? {} : { at: new Date(at) }),
        });
      }
      if (archived > 0)
        metrics.eventsApplied.inc({ object_type: input.objectType, source: 'sync', result: 'archived' }, archived);
      return {
        ...emptyCounts(),
        archivedListed: ids.length,
        archived,
        ...(page.nextAfter ? { next: page.nextAfter } : {}),
      };
    },

    /**
     * One page of the link check: the type's live local rows linked to HubSpot, read back by id (batch/read).
     * A record merged away is answered by its survivor, which lists it in its merged ids: the survivor takes the
     * row over. A record HubSpot no longer knows at all — deleted, or erased with no webhook to say so (a merge
     * into a record that was later erased leaves nothing any list or search could show) — is archived locally.
     * `unseenOnly` (after a backfill): only the rows linked before it began that none of its pages listed.
     */
    async checkLinksPage(input: {
      portalId: string;
      objectType: CrmObjectType;
      after?: string;
      /** Rows this run's link check archived on earlier pages (the mass-archive guard counts the whole run). */
      archivedSoFar?: number;
      /** After a backfill: only the rows linked before it that none of its pages listed. */
      unseenOnly?: boolean;
    }): Promise<PageReport> {
      const table = tableFor(input.objectType).table;
      const page = { table, portalId: input.portalId, after: input.after, limit: 100 };
      const ids = input.unseenOnly
        ? await unseenLinkedIds(prisma, { ...page, objectType: input.objectType })
        : await linkedIds(prisma, page);
      if (ids.length === 0) return emptyCounts();
      const { results, errors } = await deps
        .hubspotFor(input.portalId)
        .batchRead(input.objectType, ids, { properties: ['hs_merged_object_ids'] });
      // Only ids HubSpot names as not found are gone; silence about an id fails the page, retryably.
      const read = accountForRead(ids, results, errors);
      if (read.unaccounted.length > 0) throw new UnaccountedRecordsError(input.objectType, read.unaccounted);
      const survivors = results.map((r) => ({ hubspotId: r.id, mergedIds: mergedObjectIds(r.id, r.properties) }));
      const archivedSoFar = input.archivedSoFar ?? 0;
      const guard = {
        linkedRows: (await countLinked(prisma, { table, portalId: input.portalId })) + archivedSoFar,
        archivedSoFar,
        maxShare: deps.config.MASS_ARCHIVE_MAX_SHARE,
        minCount: deps.config.MASS_ARCHIVE_MIN_COUNT,
      };
      if (read.gone.length > 0 && !mayArchive(guard, read.gone.length)) {
        const message = `the link check would archive ${archivedSoFar + read.gone.length} of ${guard.linkedRows} linked ${input.objectType} rows in one run (allowed: ${archiveAllowance(guard)}; MASS_ARCHIVE_MAX_SHARE, MASS_ARCHIVE_MIN_COUNT); archived none of them. Check the records in HubSpot, then raise the limits for one run if they really are gone`;
        await recordFailures(prisma, [
          {
            portalId: input.portalId,
            objectType: input.objectType,
            direction: 'inbound',
            operation: 'link-check',
            category: MASS_ARCHIVE_REFUSED,
            message,
            workflowId: Context.current().info.workflowExecution?.workflowId ?? null,
          },
        ]);
        metrics.massArchiveRefused.inc({ object_type: input.objectType });
        log(input.portalId, input.objectType).error(
          { gone: read.gone.length, ...guard },
          'mass-archive guard: link check archived nothing',
        );
        return { ...emptyCounts(), archiveRefused: read.gone.length };
      }
      const at = new Date();
      const { merged, archived } = await inTransaction(prisma, async (tx) => ({
        merged: await takeOverListedMerges(tx, {
          portalId: input.portalId,
          objectType: input.objectType,
          survivors,
          at,
        }),
        archived: await markArchived(tx, {
          portalId: input.portalId,
          objectType: input.objectType,
          hubspotIds: read.gone,
          archived: true,
          at,
        }),
      }));
      if (merged + archived > 0) {
        metrics.eventsApplied.inc(
          { object_type: input.objectType, source: 'link-check', result: 'archived' },
          merged + archived,
        );
        log(input.portalId, input.objectType).info(
          { checked: ids.length, mergedAway: merged, gone: archived },
          'link check archived rows HubSpot no longer has',
        );
      }
      return {
        ...emptyCounts(),
        archived: archived + merged,
        ...(ids.length === 100 ? { next: ids[ids.length - 1]! } : {}),
      };
    },

    /**
     * The backfill's next pages (backfillPagesPerActivity of them): read from the cursor the last committed page
     * left in sync_cursors, each page written with the cursor's move in one transaction, so a retry after a
     * crash continues exactly there. The next page's request runs while this one is written, and the one after
     * the group's last is left for the type's next activity.
     */
    async backfillPage(input: { portalId: string; objectType: ObjectType }): Promise<BackfillPageReport> {
      const [state] = await readCursors(prisma, input.portalId, [input.objectType]);
      if (!state || !state.backfillStarted)
        throw new Error(`backfill of ${input.objectType} was not begun for portal ${input.portalId}`);
      if (state.backfillComplete) return { ...emptyCounts(), done: state.backfillDone, complete: true };
      const hubspot = deps.hubspotFor(input.portalId);
      const mapping = await mappingOf(deps, input.portalId);
      const properties = await propertiesOf(input.portalId, input.objectType, state.backfillCursor === null);
      const list = (after: string | null) => {
        const request = fetchListPage(hubspot, input.objectType, {
          after: after ?? undefined,
          archived: false,
          properties,
        });
        request.catch(() => undefined); // a prefetch this activity stops before reading must not go unhandled
        return request;
      };
      const prefetchKey = (after: string) =>
        [input.portalId, input.objectType, state.backfillStartedAt, after, properties.join(',')].join('\u0000');
      let counts = emptyCounts();
      const first = state.backfillCursor;
      const prefetched = first === null ? undefined : prefetch.take(prefetchKey(first));
      // A prefetch that failed is asked again, as a request of this activity.
      let listing = prefetched ? prefetched.catch(() => list(first)) : list(first);
      let cursor = first;
      // A slow database ends the group early, far from the activity's timeout (PAGE_ACTIVITY_TIMEOUT).
      const groupUntil = Date.now() + GROUP_BUDGET_MS;
      for (let pages = 1; ; pages++) {
        const page = await listing;
        const next = page.nextAfter ?? null;
        const more = next !== null && pages < pagesPerActivity && Date.now() < groupUntil;
        // The next page is requested now, while this one is written: by this activity, or for the next one.
        if (next !== null) listing = list(next);
        const { done, complete, advanced, ...applied } = await applyBackfillPage(
          prisma,
          applyOptions(input.portalId, input.objectType, mapping),
          page.records,
          { expected: cursor, next },
        );
        await saveOwnerTeams(prisma, input.portalId, page.teams ?? []);
        counts = addCounts(counts, count(input.objectType, 'backfill', page.records.length, applied));
        // Not advanced: another attempt of this activity committed the page first; the workflow asks again.
        if (complete || !advanced || !more) {
          if (next !== null && advanced && !complete) prefetch.put(prefetchKey(next), listing);
          return { ...counts, done, complete };
        }
        cursor = next;
      }
    },

    /** HubSpot's record count per type (one search each; owners have no count and are few): the progress estimate. */
    async estimateTotals(input: {
      portalId: string;
      objectTypes: ObjectType[];
    }): Promise<Partial<Record<ObjectType, number>>> {
      const hubspot = deps.hubspotFor(input.portalId);
      const totals: Partial<Record<ObjectType, number>> = {};
      for (const type of input.objectTypes) {
        if (type === 'owners') continue;
        totals[type] = (await hubspot.search(type, { limit: 1, properties: ['hs_object_id'] })).total;
      }
      return totals;
    },
  };
}

export type SyncPageActivities = ReturnType<typeof createSyncPageActivities>;
