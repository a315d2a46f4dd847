import type { HubSpotClient, PropertyDefinition } from '../src/hubspot';
import type { Logger } from '../src/logger';
import { readPropertyCatalog, savePropertyCatalog } from '../src/store/property-catalogs';
import type { PrismaClient } from '../src/store/prisma';
import { propertiesToRead } from '../src/sync/mapping';
import type { MappingConfig } from '../src/sync/mapping-types';
import { mappingOf } from './deps';
import type { CrmObjectType } from '../src/sync/object-types';

// Which properties every read asks for: all of the type's live HubSpot properties (GET /crm/v3/properties/{type}
// lists only unarchived ones unless asked for archived), stored per portal and type so every worker reads the
// same list. The first page of each sync run and backfill refreshes it, so a property a customer creates is read
// from the next run on, and one they archive is no longer asked for; webhook fetches use the stored list.

export interface PropertyCatalog {
  /** The properties to request for a read of `type`; `refresh` reads HubSpot's definitions first. */
  propertiesToRead(portalId: string, type: CrmObjectType, opts?: { refresh?: boolean }): Promise<string[]>;
}

export interface PropertyCatalogDeps {
  prisma: PrismaClient;
  hubspotFor: (portalId: string) => HubSpotClient;
  mapping: MappingConfig;
  mappingFor?: (portalId: string) => Promise<MappingConfig>;
  logger: Logger;
}

/** After a failed read of the definitions, reads without `refresh` use what is stored for this long. */
const FAILED_REFRESH_BACKOFF_MS = 5 * 60_000;

/**
 * Properties a read asks for. Sensitive ones are left out: reading them needs the sensitive-data scopes
 * (HubSpot's properties reference, `dataSensitivity`), and hubsync does not copy such data by default.
 */
export function readableProperties(definitions: readonly PropertyDefinition[]): string[] {
  return definitions
    .filter((d) => d.archived !== true && (d.dataSensitivity ?? 'non_sensitive') === 'non_sensitive')
    .map((d) => d.name);
}

export function createPropertyCatalog(deps: PropertyCatalogDeps): PropertyCatalog {
  const inFlight = new Map<string, Promise<string[] | null>>();
  const failedAt = new Map<string, number>();

  /** HubSpot's definitions, stored; null when they could not be read (the caller uses what is stored). */
  const refresh = (portalId: string, type: CrmObjectType): Promise<string[] | null> => {
    const key = `${portalId}:${type}`;
    const running = inFlight.get(key);
    if (running) return running;
    const request = (async () => {
      try {
        const names = readableProperties(await deps.hubspotFor(portalId).getProperties(type));
        await savePropertyCatalog(deps.prisma, portalId, type, names, new Date());
        failedAt.delete(key);
        return names;
      } catch (err) {
        failedAt.set(key, Date.now());
        deps.logger.warn(
          { portalId, objectType: type, err: (err as Error).message },
          'could not read the property definitions; reads ask for the stored or mapped properties',
        );
        return null;
      } finally {
        inFlight.delete(key);
      }
    })();
    inFlight.set(key, request);
    return request;
  };

  return {
    async propertiesToRead(portalId, type, opts = {}) {
      const key = `${portalId}:${type}`;
      let names = opts.refresh ? await refresh(portalId, type) : null;
      if (!names) names = (await readPropertyCatalog(deps.prisma, portalId, type))?.names ?? null;
      const mayRetry = Date.now() - (failedAt.get(key) ?? 0) > FAILED_REFRESH_BACKOFF_MS;
      if (!names && !opts.refresh && mayRetry) names = await refresh(portalId, type);
      return propertiesToRead(type, await mappingOf(deps, portalId), names ?? []);
    },
  };
}
