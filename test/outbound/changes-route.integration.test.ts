// POST /platform/changes over a real listening app and the real Temporal server: authentication, validation
// that names the bad entry, 202 only once Temporal holds the changes, 503 when it cannot.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app';
import type { Runtime } from '../../src/runtime';
import { pushWorkflowId } from '../../src/workflow-safe/ids';
import { pushStatusQuery } from '../../workflows/outbound/push';
import { temporalAddress } from '../support/env';
import { testRuntime } from '../support/runtime';

describe('POST /platform/changes', () => {
  let runtime: Runtime;
  let connection: Connection;
  let deadConnection: Connection;
  let app: FastifyInstance;
  let deadApp: FastifyInstance;
  let url: string;
  let deadUrl: string;
  const portalId = String(Date.now());

  async function listen(temporal: Client): Promise<[FastifyInstance, string]> {
    const built = await buildApp({ ...runtime, temporal, readiness: {} });
    await built.listen({ port: 0, host: '127.0.0.1' });
    return [built, `http://127.0.0.1:${(built.server.address() as AddressInfo).port}`];
  }

  beforeAll(async () => {
    // No worker polls this queue: the test checks what Temporal recorded, not the push itself.
    runtime = testRuntime({ HUBSPOT_PORTAL_ID: portalId, TEMPORAL_TASK_QUEUE: `route-${randomUUID()}` });
    connection = await Connection.connect({ address: temporalAddress() });
    [app, url] = await listen(new Client({ connection }));
    // Nothing listens on port 1: Temporal is "down" for this app.
    deadConnection = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 500 });
    [deadApp, deadUrl] = await listen(new Client({ connection: deadConnection }));
  });
  afterAll(async () => {
    await app?.close();
    await deadApp?.close();
    await Promise.allSettled([connection.close(), deadConnection.close(), runtime.prisma.$disconnect()]);
  });

  const post = async (
    base: string,
    body: unknown,
    auth: string | null = `Bearer ${runtime.config.PLATFORM_API_KEY}`,
  ) => {
    const res = await fetch(`${base}/platform/changes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      body: (await res.json()) as { message?: string; problems?: string[]; accepted?: number },
    };
  };
  const valid = { changes: [{ objectType: 'contacts', localId: randomUUID() }] };

  it('answers 401 without the platform key or with a wrong one', async () => {
    expect((await post(url, valid, null)).status).toBe(401);
    expect((await post(url, valid, 'Bearer not-the-key-at-all-really')).status).toBe(401);
    expect((await post(url, valid, runtime.config.PLATFORM_API_KEY)).status).toBe(401);
  });

  it('answers 400 naming the bad entry', async () => {
    const bad = {
      changes: [
        valid.changes[0],
        { objectType: 'deals', localId: randomUUID() },
        { objectType: 'contacts', localId: 'nope' },
      ],
    };
    const res = await post(url, bad);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^changes\[2\]\.localId: /);

    const unknownColumn = await post(url, {
      changes: [{ objectType: 'contacts', localId: randomUUID(), fields: ['firstName', 'shoeSize'] }],
    });
    expect(unknownColumn.status).toBe(400);
    expect(unknownColumn.body.message).toBe('changes[0].fields[1]: unknown column "shoeSize" of contacts');

    const owners = await post(url, { changes: [{ objectType: 'owners', localId: randomUUID() }] });
    expect(owners.status).toBe(400);
    expect(owners.body.message).toMatch(/^changes\[0\]\.objectType: /);
    expect((await post(url, { changes: [] })).status).toBe(400);
  });

  it('answers 202 once the push workflow holds the changes', async () => {
    const ids = [randomUUID(), randomUUID()];
    const res = await post(url, {
      changes: [
        { objectType: 'companies', localId: ids[0], fields: ['name'] },
        { objectType: 'companies', localId: ids[1] },
      ],
    });
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(2);
    const handle = connection && new Client({ connection }).workflow.getHandle(pushWorkflowId(portalId, 'companies'));
    try {
      const description = await handle.describe();
      expect(description.status.name).toBe('RUNNING');
      const history = await handle.fetchHistory();
      const signalled =
        history.events?.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'localChanges') ?? [];
      expect(signalled).toHaveLength(1);
      expect(pushStatusQuery.name).toBe('pushStatus');
    } finally {
      await handle.terminate('test done');
    }
  });

  it('answers 503 when Temporal does not take the changes', async () => {
    const res = await post(deadUrl, valid);
    expect(res.status).toBe(503);
  }, 60_000);
});
