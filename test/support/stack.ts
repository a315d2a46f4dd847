// The whole hubsync stack for end-to-end tests: the HubSpot simulator (real HTTP), the Temporal worker on
// the real dev server, and the Fastify app listening on a real port with the simulator's webhooks pointed
// at it. Each stack gets its own portal id and task queues, so suites never see each other's workflows.
import { randomInt, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { createActivities, createHubSpotActivities } from '../../activities';
import { buildAdminApp } from '../../src/http/admin-app';
import { buildApp } from '../../src/http/app';
import type { Runtime } from '../../src/runtime';
import { createRuntime } from '../../src/runtime';
import { createWorkerSet, type WorkerSet } from '../../src/temporal/workers';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator';
import { simulatorAdmin } from '../../src/simulator/admin-client';
import { temporalConnectionOptions } from '../../src/temporal/connection-options';
import { dataConverterOption } from '../../src/temporal/payload-codec';
import { startRecordingProxy, type RecordingProxy } from './recording-proxy';
import { testConfig } from './runtime';

export interface StackOptions {
  /** Extra environment for hubsync's config (e.g. WEBHOOK_COALESCE_MS). */
  env?: Record<string, string>;
  simulator?: Omit<SimulatorOptions, 'portals'> & {
    requestsPer10s?: number;
    tier?: 'starter' | 'professional' | 'enterprise' | 'unlimited';
  };
  /** Start the Fastify app on a real port and point the simulator's webhooks at it (default true). */
  withApp?: boolean;
  /** Start the in-process worker (default true); crash tests run their own worker process instead. */
  withWorker?: boolean;
  /** The HubSpot access token of the stack's portal (default a random `test-token-…`). */
  token?: string;
  /** Where every log line of the stack's runtime goes (default stdout, at LOG_LEVEL). */
  logDestination?: Parameters<typeof createRuntime>[2];
  /** Route hubsync's HubSpot calls through a recording proxy (`stack.proxy`) to assert on the wire. */
  withProxy?: boolean;
}

export interface Stack {
  portalId: string;
  token: string;
  simulator: RunningSimulator;
  /** Present with `withProxy`: every HubSpot request hubsync sent, and a hook to answer one as HubSpot would. */
  proxy?: RecordingProxy;
  runtime: Runtime;
  temporal: Client;
  app?: FastifyInstance;
  appUrl?: string;
  /** The admin listener (metrics, readiness, codec server), started with the app. */
  admin?: FastifyInstance;
  adminUrl?: string;
  /** Calls the simulator's admin API (`/__sim/...`). */
  sim<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/** The in-process worker on its own native connection, running, as a worker process runs it. */
export async function startWorker(
  runtime: Runtime,
): Promise<{ workers: WorkerSet; running: Promise<void>; native: NativeConnection }> {
  const native = await NativeConnection.connect(temporalConnectionOptions(runtime.config));
  const workers = await createWorkerSet({
    connection: native,
    config: runtime.config,
    activities: createActivities(runtime),
    hubspotActivities: createHubSpotActivities(runtime),
  });
  return { workers, running: workers.run(), native };
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const portalId = String(randomInt(2_000_000, 2_000_000_000));
  const token = options.token ?? `test-token-${randomUUID()}`;
  const queue = `test-${portalId}`;
  const { requestsPer10s, tier, ...simulatorOptions } = options.simulator ?? {};
  const simulator = await startSimulator({
    indexingLagMs: 0,
    ...simulatorOptions,
    portals: [{ portalId, token, tier: tier ?? 'unlimited', ...(requestsPer10s ? { requestsPer10s } : {}) }],
  });

  const proxy = options.withProxy ? await startRecordingProxy(simulator.url) : undefined;
  const withApp = options.withApp ?? true;
  // The app's port is only known once it listens; the public URL HubSpot signs is https:// + host + path.
  const config = testConfig({
    HUBSPOT_BASE_URL: proxy?.url ?? simulator.url,
    HUBSPOT_ACCESS_TOKEN: token,
    HUBSPOT_PORTAL_ID: portalId,
    TEMPORAL_TASK_QUEUE: queue,
    TEMPORAL_HUBSPOT_TASK_QUEUE: `${queue}-hubspot`,
    ...options.env,
  });
  let app: FastifyInstance | undefined;
  let appUrl: string | undefined;
  let admin: FastifyInstance | undefined;
  let adminUrl: string | undefined;
  let runtime = createRuntime(config, 'test', options.logDestination);

  const connection = await Connection.connect(temporalConnectionOptions(config));
  const temporal = new Client({ connection, ...dataConverterOption(config) });

  if (withApp) {
    // Listen first on a random port, then rebuild the config with the real public webhook URL.
    const probe = await buildApp({ ...runtime, temporal });
    await probe.listen({ port: 0, host: '127.0.0.1' });
    const port = (probe.server.address() as AddressInfo).port;
    await probe.close();
    runtime = createRuntime(
      { ...config, PORT: port, HUBSPOT_WEBHOOK_URL: `https://127.0.0.1:${port}/webhooks/hubspot` },
      'test',
      options.logDestination,
    );
    app = await buildApp({ ...runtime, temporal });
    await app.listen({ port, host: '127.0.0.1' });
    appUrl = `http://127.0.0.1:${port}`;
    admin = await buildAdminApp({ ...runtime, readiness: {} });
    await admin.listen({ port: 0, host: '127.0.0.1' });
    adminUrl = `http://127.0.0.1:${(admin.server.address() as AddressInfo).port}`;
  }

  const worker = (options.withWorker ?? true) ? await startWorker(runtime) : undefined;

  const sim = simulatorAdmin(simulator.url);

  if (appUrl) {
    await sim('POST', '/__sim/webhooks/config', {
      targetUrl: `${appUrl}/webhooks/hubspot`,
      clientSecret: runtime.config.HUBSPOT_CLIENT_SECRET,
      appId: runtime.config.HUBSPOT_APP_ID,
      portalId,
      timeScale: 86_400,
    });
  }

  return {
    portalId,
    token,
    simulator,
    ...(proxy ? { proxy } : {}),
    runtime,
    temporal,
    app,
    appUrl,
    admin,
    adminUrl,
    sim,
    close: async () => {
      worker?.workers.shutdown();
      await worker?.running;
      await app?.close();
      await proxy?.close();
      await admin?.close();
      await simulator.close();
      await Promise.allSettled([connection.close(), worker?.native.close(), runtime.prisma.$disconnect()]);
    },
  };
}
