import { HubSpotAuthError, type ChangeWindowCursor, type CrmObject } from '../../src/hubspot';
import {
  archiveCustomRecords,
  liveCustomRecordIds,
  readCustomTypes,
  saveCustomTypes,
  upsertCustomRecords,
  type CustomRecord,
} from '../../src/store/custom-objects';
import { associationPartners, isCustomObjectTypeId, type CustomObjectTypeId } from '../../src/sync/custom-objects';
import type { CrmObjectType } from '../../src/sync/object-types';
import { emptyCounts } from '../../src/sync/page-counts';
import type { RecordSyncDeps } from '../deps';
import { readableProperties } from '../property-catalog';
import { ASSOCIATION_READ_IDS, readAndStoreAssociationPage } from './association-pages';
import { groupIdsByTime, listRecordsPage } from './list-pages';
import type { PageReport } from './sync-pages';

// The custom-object part of the backfill and the hourly sync, on the HubSpot task queue, one HubSpot request per
// activity as the queue's rate assumes: the schemas (one GET lists every type with its properties and
// associations, so no properties call per type), then per type its list pages (first load) or change-window
// search pages, its archived list, and its associations (v4 batch read from the custom end). Records go to the
// generic custom_object_records table with every readable property. Read-only: nothing is pushed to HubSpot.

export interface DiscoveredType {
  objectTypeId: CustomObjectTypeId;
  /** Epoch ms the last complete run reached; null: never loaded (the run lists every record). */
  watermark: number | null;
  /** Types whose associations with this one are read from its end. */
  partners: Array<CrmObjectType | CustomObjectTypeId>;
}

export const fromCrmObject = (record: CrmObject): CustomRecord => ({
  hubspotId: record.id,
  properties: record.properties,
  archived: record.archived,
  createdAt: record.createdAt ? new Date(record.createdAt) : null,
  updatedAt: new Date(record.updatedAt),
  archivedAt: record.archivedAt ? new Date(record.archivedAt) : null,
});

/**
 * The account's custom object types, read again from the schemas API and stored: a type created meanwhile is
 * synced from now on. A token that may not read schemas (403: custom objects need their scope and an Enterprise
 * subscription) has none to sync: a warning, not a failure.
 */
export async function refreshCustomTypes(
  deps: Pick<RecordSyncDeps, 'prisma' | 'hubspotFor' | 'logger'>,
  portalId: string,
): Promise<DiscoveredType[]> {
  let schemas;
  try {
    schemas = (await deps.hubspotFor(portalId).customObjectSchemas()).filter((s) => s.archived !== true);
  } catch (err) {
    if (!(err instanceof HubSpotAuthError && err.status === 403)) throw err;
    deps.logger.warn(
      { portalId, err: err.message },
      'custom object schemas are not readable with this token: custom objects are not synced',
    );
    return [];
  }
  await saveCustomTypes(
    deps.prisma,
    portalId,
    schemas.map((s) => ({
      objectTypeId: s.objectTypeId,
      name: s.name,
      fullyQualifiedName: s.fullyQualifiedName ?? null,
      labelSingular: s.labels.singular ?? null,
      labelPlural: s.labels.plural ?? null,
      primaryDisplayProperty: s.primaryDisplayProperty ?? null,
      properties: readableProperties(s.properties),
      associations: s.associations.map((a) => ({ ...a, name: a.name ?? null })),
    })),
    new Date(),
  );
  const ids = schemas.map((s) => s.objectTypeId);
  const stored = await readCustomTypes(deps.prisma, portalId, ids);
  return stored
    .filter((row): row is typeof row & { objectTypeId: CustomObjectTypeId } => isCustomObjectTypeId(row.objectTypeId))
    .map((row) => ({
      objectTypeId: row.objectTypeId,
      watermark: row.watermark?.getTime() ?? null,
      partners: associationPartners(row.objectTypeId, row.associations, ids),
    }));
}

export function createCustomObjectPageActivities(deps: RecordSyncDeps) {
  const { prisma } = deps;
  const propertiesOf = async (portalId: string, objectTypeId: string): Promise<string[]> => {
    const [row] = await readCustomTypes(prisma, portalId, [objectTypeId]);
    if (!row) throw new Error(`custom object type ${objectTypeId} of portal ${portalId} was never discovered`);
    return row.properties;
  };
  const apply = async (portalId: string, objectTypeId: string, records: CrmObject[]) => {
    const applied = await upsertCustomRecords(prisma, { portalId, objectTypeId }, records.map(fromCrmObject));
    for (const result of ['inserted', 'updated', 'unchanged'] as const)
      if (applied[result] > 0)
        deps.metrics.eventsApplied.inc({ object_type: 'custom', source: 'sync', result }, applied[result]);
    return { ...emptyCounts(), fetched: records.length, ...applied };
  };

  return {
    /** The account's custom object types, read again on every run (refreshCustomTypes). */
    async discoverCustomObjectTypes(input: { portalId: string }): Promise<DiscoveredType[]> {
      return refreshCustomTypes(deps, input.portalId);
    },

    /** One page of the type's full list (its first load), every readable property. */
    async customListPage(input: {
      portalId: string;
      objectTypeId: CustomObjectTypeId;
      after?: string;
    }): Promise<PageReport> {
      const page = await listRecordsPage(deps.hubspotFor(input.portalId), input.objectTypeId, {
        after: input.after,
        archived: false,
        properties: await propertiesOf(input.portalId, input.objectTypeId),
      });
      return {
        ...(await apply(input.portalId, input.objectTypeId, page.results)),
        ...(page.nextAfter ? { next: page.nextAfter } : {}),
      };
    },

    /** One page of the records whose hs_lastmodifieddate lies in the window (search, then batch read). */
    async customChangesPage(input: {
      portalId: string;
      objectTypeId: CustomObjectTypeId;
      window: { from: number; to: number };
      cursor?: string;
    }): Promise<PageReport> {
      const cursor = input.cursor === undefined ? undefined : (JSON.parse(input.cursor) as ChangeWindowCursor);
      const page = await deps.hubspotFor(input.portalId).changedSincePage(input.objectTypeId, input.window, cursor, {
        properties: await propertiesOf(input.portalId, input.objectTypeId),
      });
      return {
        ...(await apply(input.portalId, input.objectTypeId, page.results)),
        ...(page.next ? { next: JSON.stringify(page.next) } : {}),
      };
    },

    /** One page of HubSpot's archived list of the type (archiving does not move last-modified). */
    async customArchivedPage(input: {
      portalId: string;
      objectTypeId: CustomObjectTypeId;
      after?: string;
    }): Promise<PageReport> {
      const page = await listRecordsPage(deps.hubspotFor(input.portalId), input.objectTypeId, {
        after: input.after,
        archived: true,
        properties: ['hs_object_id'],
      });
      const byTime = groupIdsByTime(page.results.map((r) => ({ id: r.id, at: r.archivedAt ?? r.updatedAt })));
      let archived = 0;
      for (const [at, ids] of byTime) archived += await archiveCustomRecords(prisma, input, ids, new Date(at));
      return {
        ...emptyCounts(),
        archivedListed: page.results.length,
        archived,
        ...(page.nextAfter ? { next: page.nextAfter } : {}),
      };
    },

    /**
     * One page of a custom type's associations with one partner, for up to 1,000 of its live records, stored as
     * the standard pairs are (src/store/associations.ts): what HubSpot lists is saved, a row it no longer lists
     * is archived only for records it answered for, within the mass-archive guard.
     */
    async customAssociationsPage(input: {
      portalId: string;
      objectTypeId: CustomObjectTypeId;
      toType: CrmObjectType | CustomObjectTypeId;
      after?: string;
      archivedSoFar?: number;
    }): Promise<PageReport> {
      const { portalId, objectTypeId, toType } = input;
      const ids = await liveCustomRecordIds(prisma, {
        portalId,
        objectTypeId,
        after: input.after,
        limit: ASSOCIATION_READ_IDS,
      });
      return readAndStoreAssociationPage(
        deps,
        { portalId, fromType: objectTypeId, toType, ids, archivedSoFar: input.archivedSoFar },
        'custom',
      );
    },
  };
}

export type CustomObjectPageActivities = ReturnType<typeof createCustomObjectPageActivities>;
