import { randomBytes, randomUUID } from 'node:crypto';
import { createTemporalClient, checkTemporal } from '../../src/temporal/client';
import { payloadKeyCheck } from '../../src/temporal/payload-key-probe';
import { waitFor } from '../support/wait';
import { buildAdminApp } from '../../src/http/admin-app';
import { temporalAddress } from '../support/env';
import { testRuntime } from '../support/runtime';

describe('/healthz and /readyz on the admin listener', () => {
  const runtime = testRuntime();
  const { prisma } = runtime;
  const appDeps = (temporal: ReturnType<typeof createTemporalClient>) => ({
    ...runtime,
    readiness: { temporal: () => checkTemporal(temporal.connection, 5000), database },
  });
  const database = async () => {
    await prisma.$queryRaw`SELECT 1`;
  };
  afterAll(() => prisma.$disconnect());

  it('is ready when Temporal and PostgreSQL answer', async () => {
    const temporal = createTemporalClient({ TEMPORAL_ADDRESS: temporalAddress(), TEMPORAL_NAMESPACE: 'default' });
    const app = await buildAdminApp(appDeps(temporal));
    try {
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'ready', checks: { temporal: 'ok', database: 'ok' } });
    } finally {
      await app.close();
      await temporal.connection.close();
    }
  });

  it('answers 503 naming Temporal when Temporal is unreachable, while /healthz stays 200', async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const temporal = createTemporalClient({ TEMPORAL_ADDRESS: '127.0.0.1:1', TEMPORAL_NAMESPACE: 'default' });
    const app = await buildAdminApp(appDeps(temporal));
    try {
      const ready = await app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ status: 'unavailable', checks: { temporal: 'down', database: 'ok' } });
      expect(ready.json().message).toContain('temporal');
      const live = await app.inject({ method: 'GET', url: '/healthz' });
      expect(live.statusCode).toBe(200);
    } finally {
      await app.close();
      await temporal.connection.close().catch(() => undefined);
    }
  });

  it('fails on a payload key that cannot read the newest workflow on the task queue, naming payloadKey', async () => {
    const fleetKey = randomBytes(32).toString('base64');
    const taskQueue = `payload-key-probe-${randomUUID()}`;
    const config = (key?: string) => ({
      TEMPORAL_ADDRESS: temporalAddress(),
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: taskQueue,
      ...(key ? { TEMPORAL_PAYLOAD_KEY: key } : {}),
    });
    const fleet = createTemporalClient(config(fleetKey));
    // No worker polls this queue: the workflow stays running with its encrypted input in history.
    const handle = await fleet.client.workflow.start('payloadKeyProbeTarget', {
      taskQueue,
      workflowId: `payload-key-probe-${randomUUID()}`,
      args: [{ email: 'someone@example.com' }],
    });
    const probeWith = (key?: string) => {
      const own = createTemporalClient(config(key));
      return { own, check: payloadKeyCheck(own.client, config(key), 0) };
    };
    const same = probeWith(fleetKey);
    const other = probeWith(randomBytes(32).toString('base64'));
    const none = probeWith();
    try {
      // Visibility is eventually consistent: wait until the probe sees the workflow (the foreign key fails).
      const failure = await waitFor('the probe to see the workflow', () =>
        other.check().then(
          () => undefined,
          (err: Error) => err.message,
        ),
      );
      expect(failure).toContain(handle.workflowId);
      expect(failure).toMatch(/sealed with key/);
      await expect(same.check()).resolves.toBeUndefined();
      await expect(none.check()).rejects.toThrow(/no TEMPORAL_PAYLOAD_KEY/);

      const app = await buildAdminApp({
        ...appDeps(other.own),
        readiness: { temporal: () => checkTemporal(other.own.connection, 5000), database, payloadKey: other.check },
      });
      try {
        const ready = await app.inject({ method: 'GET', url: '/readyz' });
        expect(ready.statusCode).toBe(503);
        expect(ready.json()).toMatchObject({ checks: { temporal: 'ok', database: 'ok', payloadKey: 'down' } });
      } finally {
        await app.close();
      }
    } finally {
      await handle.terminate().catch(() => undefined);
      for (const { connection } of [fleet, same.own, other.own, none.own]) await connection.close();
    }
  });
});
