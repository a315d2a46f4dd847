import { createTemporalClient, checkTemporal } from '../../src/temporal/client';
import { buildApp } from '../../src/http/app';
import { temporalAddress } from '../support/env';
import { testRuntime } from '../support/runtime';

describe('/healthz and /readyz', () => {
  const runtime = testRuntime();
  const { prisma } = runtime;
  const appDeps = (temporal: ReturnType<typeof createTemporalClient>) => ({
    ...runtime,
    temporal: temporal.client,
    readiness: { temporal: () => checkTemporal(temporal.connection, 1000), database },
  });
  const database = async () => {
    await prisma.$queryRaw`SELECT 1`;
  };
  afterAll(() => prisma.$disconnect());

  it('is ready when Temporal and PostgreSQL answer', async () => {
    const temporal = createTemporalClient({ TEMPORAL_ADDRESS: temporalAddress(), TEMPORAL_NAMESPACE: 'default' });
    const app = await buildApp(appDeps(temporal));
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
    const app = await buildApp(appDeps(temporal));
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
});
