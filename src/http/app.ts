import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { PrismaClient } from '../store/prisma';
import { WebhookDispatcher } from '../inbound/webhook-dispatcher';
import { webhookRoutes } from '../inbound/webhook-route';
import { platformChangesRoutes } from '../outbound/changes-route';
import type { HubSpotClient } from '../hubspot';
import type { InstallationDirectory } from '../installations/directory';
import { startInstallation } from '../installations/lifecycle';
import { oauthRoutes } from '../installations/oauth-routes';
import type { Runtime } from '../runtime';
import { checkMappingAtStartup } from '../sync-startup';
import type { MappingConfig } from '../sync/mapping-types';
import { livenessRoutes } from './health';
import { registerOpenApi } from './openapi';

export interface AppDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  prisma: PrismaClient;
  temporal: Client;
  /** Clock for the webhook signature window (default Date.now); tests inject one to replay requests later. */
  now?: () => number;
  /** The portals served (webhooks, changes); without it HUBSPOT_PORTAL_ID alone. */
  installations?: InstallationDirectory;
  /** Public-app mode: the OAuth install routes, and what an install starts. */
  publicApp?: Runtime['publicApp'];
  hubspotFor?: (portalId: string) => HubSpotClient;
  mappingFor?: (portalId: string) => Promise<MappingConfig>;
}

/**
 * The public HTTP app (PORT): HubSpot's webhooks, the platform's changes, liveness and its OpenAPI document.
 * Metrics, readiness and the codec server are on the admin listener (src/http/admin-app.ts). Built without
 * listening, so tests can `inject()` requests.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  // Per-request lines are off: the routes log what matters (refusals, hand-off failures) without bodies or headers.
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
  });
  await registerOpenApi(app, {
    title: 'hubsync API',
    description: "HubSpot's webhooks and the platform's change reports (the public listener, PORT).",
  });
  await app.register(livenessRoutes);
  const { config } = deps;
  const dispatcher = new WebhookDispatcher(deps, {
    handoff: {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      coalesceMs: config.WEBHOOK_COALESCE_MS,
      idleTimeoutMs: config.WORKFLOW_IDLE_TIMEOUT_MS,
      ourAppId: config.HUBSPOT_APP_ID,
      deadlineMs: 10_000,
    },
    leaseMs: config.WEBHOOK_INBOX_LEASE_MS,
    concurrency: config.WEBHOOK_HANDOFF_CONCURRENCY,
    sweepIntervalMs: config.WEBHOOK_INBOX_SWEEP_MS,
    deadLetters: {
      retentionDays: config.WEBHOOK_DEAD_LETTER_RETENTION_DAYS,
      maxRows: config.WEBHOOK_DEAD_LETTER_MAX_ROWS,
    },
    maxAttempts: config.WEBHOOK_INBOX_MAX_ATTEMPTS,
  });
  app.addHook('onReady', async () => dispatcher.start());
  app.addHook('onClose', async () => dispatcher.close());
  const directory = deps.installations;
  const servedPortals = directory ? { servedPortals: () => directory.servedPortals() } : {};
  await app.register(webhookRoutes, {
    config,
    metrics: deps.metrics,
    dispatcher,
    ...(deps.now ? { now: deps.now } : {}),
    ...servedPortals,
  });
  await app.register(platformChangesRoutes, {
    config: deps.config,
    temporal: deps.temporal,
    logger: deps.logger,
    prisma: deps.prisma,
    ...servedPortals,
  });
  const { publicApp, hubspotFor, mappingFor } = deps;
  if (publicApp && hubspotFor && mappingFor) {
    await app.register(oauthRoutes, {
      config,
      prisma: deps.prisma,
      cipher: publicApp.cipher,
      oauth: publicApp.oauth,
      onInstalled: async (portalId) => {
        publicApp.tokens.forget(portalId);
        directory?.invalidate();
        // The mapping must fit this portal's properties (and hubsync_local_id exists) before anything syncs.
        await checkMappingAtStartup(hubspotFor(portalId), await mappingFor(portalId), deps.logger, { retryForMs: 0 });
        await startInstallation(deps.temporal, config, portalId, { backfill: true });
      },
    });
  }
  return app;
}
