import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { EncryptionCodec } from '../temporal/payload-codec';
import { codecRoutes } from './codec';
import { livenessRoutes, readinessRoutes, type ReadinessCheck } from './health';
import { metricsRoutes } from './metrics-route';
import { registerOpenApi } from './openapi';

// The admin listener (ADMIN_HOST:ADMIN_PORT): what operators and their tools call — Prometheus, readiness
// probes, the Temporal Web UI's codec requests — kept off the public port HubSpot's webhooks arrive on, so
// neither dependency states nor decrypted payloads are reachable from the internet by default.

export interface AdminAppDeps {
  config: Pick<Config, 'TEMPORAL_PAYLOAD_KEY' | 'TEMPORAL_NAMESPACE' | 'CODEC_AUTH_TOKEN' | 'CODEC_CORS_ORIGINS'>;
  logger: Logger;
  metrics: Pick<Metrics, 'registry'>;
  readiness: Record<string, ReadinessCheck>;
}

export async function buildAdminApp(deps: AdminAppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
  });
  await registerOpenApi(app, {
    title: 'hubsync admin API',
    description: 'Metrics, readiness and the Temporal codec server, on the admin listener (ADMIN_HOST:ADMIN_PORT).',
  });
  await app.register(livenessRoutes);
  await app.register(readinessRoutes, { checks: deps.readiness });
  await app.register(metricsRoutes, { metrics: deps.metrics });
  const { config } = deps;
  if (config.TEMPORAL_PAYLOAD_KEY) {
    await app.register(codecRoutes, {
      codec: new EncryptionCodec(Buffer.from(config.TEMPORAL_PAYLOAD_KEY, 'base64')),
      ...(config.CODEC_AUTH_TOKEN ? { authToken: config.CODEC_AUTH_TOKEN } : {}),
      allowedOrigins: config.CODEC_CORS_ORIGINS,
      namespace: config.TEMPORAL_NAMESPACE,
    });
  }
  return app;
}
