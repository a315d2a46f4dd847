import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { PrismaClient } from '../store/prisma';
import { healthRoutes, type ReadinessCheck } from './health';

export interface AppDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  prisma: PrismaClient;
  temporal: Client;
  readiness: Record<string, ReadinessCheck>;
}

/** Builds the HTTP app without listening, so tests can `inject()` requests. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.logger as FastifyBaseLogger, disableRequestLogging: true, bodyLimit: 1024 * 1024 });
  await app.register(healthRoutes, { checks: deps.readiness });
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
  return app;
}
