import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { PrismaClient } from '../store/prisma';
import { healthRoutes, type ReadinessCheck } from './health';
import { platformChangesRoutes } from './platform-changes';
import { webhookRoutes } from './webhooks';

export interface AppDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  prisma: PrismaClient;
  temporal: Client;
  readiness: Record<string, ReadinessCheck>;
  /** Clock for the webhook signature window (default Date.now); tests inject one to replay requests later. */
  now?: () => number;
}

/** Builds the HTTP app without listening, so tests can `inject()` requests. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.logger as FastifyBaseLogger, disableRequestLogging: true, bodyLimit: 1024 * 1024 });
  await app.register(healthRoutes, { checks: deps.readiness });
  await app.register(webhookRoutes, { config: deps.config, metrics: deps.metrics, temporal: deps.temporal, ...(deps.now ? { now: deps.now } : {}) });
  await app.register(platformChangesRoutes, { config: deps.config, temporal: deps.temporal, logger: deps.logger });
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
  return app;
}
