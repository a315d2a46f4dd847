import { checkTemporal, createTemporalClient } from './temporal/client';
import { loadConfigOrExit, startupWarnings } from './config';
import { buildAdminApp } from './http/admin-app';
import { buildApp } from './http/app';
import { createRuntime } from './runtime';
import { payloadKeyCheck } from './temporal/payload-key-probe';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const runtime = createRuntime(config, 'server');
  const { logger, metrics, prisma } = runtime;
  for (const warning of startupWarnings(config)) logger.warn(warning);
  const temporal = createTemporalClient(config);

  const app = await buildApp({ ...runtime, temporal: temporal.client });
  const admin = await buildAdminApp({
    config,
    logger,
    metrics,
    readiness: {
      temporal: () => checkTemporal(temporal.connection),
      payloadKey: payloadKeyCheck(temporal.client, config),
      database: async () => {
        await prisma.$queryRaw`SELECT 1`;
      },
    },
  });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    await Promise.allSettled([app.close(), admin.close()]);
    await Promise.allSettled([temporal.connection.close(), prisma.$disconnect()]);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await admin.listen({ port: config.ADMIN_PORT, host: config.ADMIN_HOST });
  await app.listen({ port: config.PORT, host: config.HOST });
  logger.info(
    {
      url: `http://${config.HOST}:${config.PORT}`,
      admin: `http://${config.ADMIN_HOST}:${config.ADMIN_PORT}`,
      codec: config.TEMPORAL_PAYLOAD_KEY ? `http://${config.ADMIN_HOST}:${config.ADMIN_PORT}/codec` : 'off',
    },
    'hubsync API listening',
  );
}

main().catch((err) => {
  console.error(`hubsync server: ${(err as Error).message}`);
  process.exit(1);
});
