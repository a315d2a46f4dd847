import type { Config } from '../src/config';
import type { HubSpotClient } from '../src/hubspot';
import type { Logger } from '../src/logger';
import type { Metrics } from '../src/metrics';
import type { PrismaClient } from '../src/store/prisma';
import type { MappingConfig } from '../src/sync/mapping-types';

/** Everything an activity factory may receive; each factory names the part it uses. */
export interface ActivityDeps {
  prisma: PrismaClient;
  logger: Logger;
  metrics: Metrics;
  mapping: MappingConfig;
  /** A portal's mapping: `mapping` with its installation's override (public-app mode); default `mapping`. */
  mappingFor?: (portalId: string) => Promise<MappingConfig>;
  /** The HubSpot client of a portal (one rate limiter per portal, shared by the whole process). */
  hubspotFor: (portalId: string) => HubSpotClient;
  config: Config;
}

/** What activities that read or write HubSpot records need: store, client, mapping and our app id (echoes). */
export type RecordSyncDeps = Pick<
  ActivityDeps,
  'prisma' | 'logger' | 'metrics' | 'mapping' | 'mappingFor' | 'hubspotFor'
> & {
  config: Pick<Config, 'HUBSPOT_APP_ID' | 'MASS_ARCHIVE_MAX_SHARE' | 'MASS_ARCHIVE_MIN_COUNT'>;
};

/** The mapping an activity applies to a portal's records. */
export function mappingOf(
  deps: { mapping: MappingConfig; mappingFor?: (portalId: string) => Promise<MappingConfig> },
  portalId: string,
): Promise<MappingConfig> {
  return deps.mappingFor ? deps.mappingFor(portalId) : Promise.resolve(deps.mapping);
}
