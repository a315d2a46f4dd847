import { readFileSync } from 'node:fs';
import { requestsPer10s, type Config } from './config';
import { createHubSpotClient, StaticTokenProvider, type HubSpotClient } from './hubspot';
import { createLogger, type Logger } from './logger';
import { createMetrics, type Metrics } from './metrics';
import { createPrisma, type PrismaClient } from './store/prisma';
import { DEFAULT_MAPPING, parseMappingConfig, type MappingConfig } from './sync';

export interface Runtime {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  prisma: PrismaClient;
  mapping: MappingConfig;
  hubspotFor: (portalId: string) => HubSpotClient;
}

/** Loads the field mapping: the built-in default, or HUBSYNC_MAPPING_FILE (JSON), validated with zod. */
export function loadMapping(config: Pick<Config, 'HUBSYNC_MAPPING_FILE'>): MappingConfig {
  if (!config.HUBSYNC_MAPPING_FILE) return DEFAULT_MAPPING;
  const raw = JSON.parse(readFileSync(config.HUBSYNC_MAPPING_FILE, 'utf8')) as unknown;
  return parseMappingConfig(raw);
}

/** The dependencies every entry point shares, built once per process from the parsed config. */
export function createRuntime(
  config: Config,
  role: string,
  logDestination?: Parameters<typeof createLogger>[2],
): Runtime {
  const logger = createLogger(config.LOG_LEVEL, { role }, logDestination);
  const metrics = createMetrics();
  const tokens = new StaticTokenProvider(config.HUBSPOT_ACCESS_TOKEN);
  const clients = new Map<string, HubSpotClient>();
  const hubspotFor = (portalId: string): HubSpotClient => {
    let client = clients.get(portalId);
    if (!client) {
      client = createHubSpotClient({
        baseUrl: config.HUBSPOT_BASE_URL,
        portalId,
        tokens,
        requestsPer10s: requestsPer10s(config),
        maxConcurrency: config.HUBSPOT_MAX_CONCURRENCY,
        timeoutMs: config.HUBSPOT_REQUEST_TIMEOUT_MS,
        accountTimeZone: config.HUBSPOT_ACCOUNT_TIMEZONE,
        logger,
        onRequest: (info) => {
          metrics.recordHubSpotRequest(info);
          if (info.status === 401 || info.status === 403)
            logger.error(
              { portalId, method: info.method, endpoint: info.endpoint, status: info.status },
              'HubSpot refused the access token (revoked, or a scope missing): reads back off and retry, writes fail',
            );
        },
      });
      clients.set(portalId, client);
    }
    return client;
  };
  const prisma = createPrisma(config.DATABASE_URL);
  metrics.measureSyncLagFrom(async () =>
    (
      await prisma.syncCursor.findMany({
        where: { watermark: { not: null } },
        select: { portalId: true, objectType: true, watermark: true },
      })
    ).flatMap((c) => (c.watermark ? [{ portalId: c.portalId, objectType: c.objectType, watermark: c.watermark }] : [])),
  );
  return { config, logger, metrics, prisma, mapping: loadMapping(config), hubspotFor };
}
