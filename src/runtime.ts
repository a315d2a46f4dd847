import { readFileSync } from 'node:fs';
import { requestsPer10s, type Config, type RateTier } from './config';
import { createHubSpotClient, StaticTokenProvider, type HubSpotClient, type TokenProvider } from './hubspot';
import type { HubSpotOAuthClient } from './hubspot/oauth';
import { InstallationDirectory } from './installations/directory';
import { listInstallations } from './store/installations';
import { OAuthTokenProvider } from './installations/oauth-token-provider';
import type { TokenCipher } from './installations/token-crypto';
import { oauthClient, tokenCipher } from './installations/app-credentials';
import { pauseSyncSchedule } from './scheduled/schedules';
import { createTemporalClient } from './temporal/client';
import { createLogger, type Logger } from './logger';
import { createMetrics, type Metrics } from './metrics';
import { createPrisma, type PrismaClient } from './store/prisma';
import { DEFAULT_MAPPING, parseMappingConfig, type MappingConfig } from './sync';

export interface Runtime {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  prisma: PrismaClient;
  /** The process's mapping (HUBSYNC_MAPPING_FILE or the default); a portal's own is mappingFor(portalId). */
  mapping: MappingConfig;
  /** A portal's mapping: the process's, with its installation's override (public-app mode). */
  mappingFor: (portalId: string) => Promise<MappingConfig>;
  hubspotFor: (portalId: string) => HubSpotClient;
  installations: InstallationDirectory;
  /** Public-app mode only: HubSpot's OAuth endpoints, the token cipher and the token provider. */
  publicApp?: { oauth: HubSpotOAuthClient; cipher: TokenCipher; tokens: OAuthTokenProvider };
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
  const prisma = createPrisma(config.DATABASE_URL);
  const mapping = loadMapping(config);
  const installations = new InstallationDirectory(prisma, config, mapping);
  const publicApp = config.HUBSPOT_APP_MODE === 'public' ? createPublicApp(config, prisma, logger, metrics) : undefined;
  const tokens: TokenProvider = publicApp?.tokens ?? new StaticTokenProvider(config.HUBSPOT_ACCESS_TOKEN);
  const clients = new Map<string, HubSpotClient>();
  // A public app's portal: its installation's tier as last read (the directory re-reads the table every
  // INSTALLATIONS_CACHE_MS), so a tier changed in the table applies to the next call without a restart.
  const budgetOf = (portalId: string): number =>
    requestsPer10s(
      publicApp ? { HUBSPOT_RATE_TIER: (installations.rateTierOf(portalId) ?? 'public-app') as RateTier } : config,
    );
  const hubspotFor = (portalId: string): HubSpotClient => {
    let client = clients.get(portalId);
    if (client && publicApp) client.limiter.setBudget(budgetOf(portalId));
    if (!client) {
      client = createHubSpotClient({
        baseUrl: config.HUBSPOT_BASE_URL,
        portalId,
        tokens,
        requestsPer10s: budgetOf(portalId),
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
  metrics.measureSyncLagFrom(async () =>
    (
      await prisma.syncCursor.findMany({
        where: { watermark: { not: null } },
        select: { portalId: true, objectType: true, watermark: true },
      })
    ).flatMap((c) => (c.watermark ? [{ portalId: c.portalId, objectType: c.objectType, watermark: c.watermark }] : [])),
  );
  // Read at scrape time, not from the directory's cache: a portal broken by another process shows at once.
  if (publicApp) metrics.measureInstallationsFrom(() => listInstallations(prisma));
  return {
    config,
    logger,
    metrics,
    prisma,
    mapping,
    mappingFor: (portalId) => installations.mappingFor(portalId),
    hubspotFor,
    installations,
    ...(publicApp ? { publicApp } : {}),
  };
}

function createPublicApp(config: Config, prisma: PrismaClient, logger: Logger, metrics: Metrics) {
  const cipher = tokenCipher(config);
  const oauth = oauthClient(config);
  // Opened lazily, only when an installation breaks: its schedule is paused with the reason as the note.
  let temporal: ReturnType<typeof createTemporalClient> | undefined;
  const tokens = new OAuthTokenProvider({
    prisma,
    cipher,
    oauth,
    refreshMarginMs: config.HUBSPOT_TOKEN_REFRESH_MARGIN_MS,
    recheckMs: config.INSTALLATIONS_CACHE_MS,
    logger,
    onRefresh: (_portalId, outcome) => metrics.tokenRefreshes.inc({ outcome }),
    onBroken: async (portalId, reason) => {
      temporal ??= createTemporalClient(config);
      await pauseSyncSchedule(temporal.client, portalId, `installation broken: ${reason}`);
    },
  });
  return { oauth, cipher, tokens };
}
