import { NativeConnection } from '@temporalio/worker';
import { createActivities, createHubSpotActivities } from '../activities';
import { loadConfigOrExit } from './config';
import { createRuntime } from './runtime';
import { ensureScheduleOnStart } from './scheduled/schedules';
import { ensureOutboxRelayOnStart } from './outbound/start-outbox-relay';
import { ensureRetentionScheduleOnStart } from './scheduled/retention-schedule';
import { checkMappingAtStartup } from './sync-startup';
import { createWorkerSet } from './temporal/workers';
import { temporalConnectionOptions } from './temporal/connection-options';
import { bundleWorkflowsApart } from './temporal/workflow-bundle';
import { dataConverterOption } from './temporal/payload-codec';
import { startMetricsServer, type MetricsServer } from './http/metrics-server';
import { ensureInstallationsOnStart } from './installations/lifecycle';
import { createTemporalClient } from './temporal/client';
import { applyPerPortalRateLimit } from './temporal/fairness';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const runtime = createRuntime(config, 'worker');
  const { logger, prisma } = runtime;
  // A public app checks each portal's mapping when it is installed (src/http/app.ts), not at every start.
  if (!runtime.publicApp)
    await checkMappingAtStartup(runtime.hubspotFor(config.HUBSPOT_PORTAL_ID), runtime.mapping, logger);
  else await runtime.installations.installations(); // rate tiers known before the first client is built
  const connection = await NativeConnection.connect(temporalConnectionOptions(config));

  const workerSet = await createWorkerSet({
    connection,
    config,
    workflowBundle: {
      codePath: await bundleWorkflowsApart(require.resolve('../workflows'), dataConverterOption(config).dataConverter),
    },
    activities: createActivities(runtime),
    hubspotActivities: createHubSpotActivities(runtime),
  });

  // Temporal's Worker.shutdown() stops polling and lets in-flight tasks finish (up to shutdownGraceTime).
  const stop = (signal: string) => {
    logger.info({ signal }, 'shutting down: draining in-flight tasks');
    workerSet.shutdown();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  // Not fatal: a port clash must not stop the sync; the error line says what to change.
  const metricsServer: MetricsServer | undefined =
    config.WORKER_METRICS_PORT > 0
      ? await startMetricsServer(runtime.metrics, config.WORKER_METRICS_PORT, config.HOST).catch((err: unknown) => {
          logger.error(
            { err: (err as Error).message, port: config.WORKER_METRICS_PORT },
            'worker metrics listener not started (set WORKER_METRICS_PORT)',
          );
          return undefined;
        })
      : undefined;
  if (metricsServer) logger.info({ url: metricsServer.url }, 'worker metrics');

  const perPortalRate = await withTemporalClient(config, (temporal) =>
    applyPerPortalRateLimit(temporal.connection, config),
  );
  if (perPortalRate !== undefined)
    logger.info(
      { hubspotTaskQueue: config.TEMPORAL_HUBSPOT_TASK_QUEUE, perPortalRate },
      'HubSpot queue limited per portal',
    );
  if (runtime.publicApp) {
    await withTemporalClient(config, (temporal) => ensureInstallationsOnStart(prisma, temporal.client, config, logger));
  } else {
    await ensureScheduleOnStart(config, logger);
    await ensureOutboxRelayOnStart(config, logger);
  }
  await ensureRetentionScheduleOnStart(config, logger);
  logger.info(
    { taskQueue: config.TEMPORAL_TASK_QUEUE, hubspotTaskQueue: config.TEMPORAL_HUBSPOT_TASK_QUEUE },
    'worker running',
  );
  await workerSet.run();
  await Promise.allSettled([connection.close(), prisma.$disconnect(), metricsServer?.close()]);
  logger.info('worker stopped');
}

async function withTemporalClient<T>(
  config: Parameters<typeof createTemporalClient>[0],
  use: (temporal: ReturnType<typeof createTemporalClient>) => Promise<T>,
): Promise<T> {
  const temporal = createTemporalClient(config);
  try {
    return await use(temporal);
  } finally {
    await temporal.connection.close();
  }
}

main().catch((err) => {
  console.error(`hubsync worker: ${(err as Error).message}`);
  process.exit(1);
});
