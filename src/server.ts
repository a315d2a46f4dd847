import { checkTemporal, createTemporalClient } from './temporal/client';
import { loadConfigOrExit } from './config';
import { buildApp } from './http/app';
import { createRuntime } from './runtime';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const { logger, metrics, prisma } = createRuntime(config, 'server');
  const temporal = createTemporalClient(config);

  const app = await buildApp({
    config,
    logger,
    metrics,
    prisma,
    temporal: temporal.client,
    readiness: {
      temporal: () => checkTemporal(temporal.connection),
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
    await app.close();
    await Promise.allSettled([temporal.connection.close(), prisma.$disconnect()]);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port: config.PORT, host: config.HOST });
  logger.info({ url: `http://${config.HOST}:${config.PORT}` }, 'hubsync API listening');
}

main().catch((err) => {
  console.error(`hubsync server: ${(err as Error).message}`);
  process.exit(1);
});
