// Delivery the way HubSpot really does it: duplicated, shuffled, redelivered, and retried after the
// receiver failed. The rows must end up exactly as HubSpot has the records.
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { buildApp } from '../../src/http/app';
import { startStack, type Stack } from '../support/stack';
import { deliver, drainWebhooks, waitFor, type SimRecord } from './helpers';

jest.setTimeout(120_000);

describe('webhooks end to end: duplicates, disorder, redelivery and outages converge', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ env: { WEBHOOK_COALESCE_MS: '200' } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const rows = async () =>
    (
      await stack.runtime.prisma.contact.findMany({
        where: { portalId: stack.portalId },
        orderBy: { hubspotId: 'asc' },
      })
    ).map((r) => ({
      id: r.hubspotId,
      email: r.email,
      firstName: r.firstName,
      lastName: r.lastName,
      jobTitle: r.jobTitle,
      archived: r.archived,
    }));

  const hubspotView = async (ids: string[]) =>
    Promise.all(
      ids.map(async (id) => {
        const r = await stack.sim<SimRecord>('GET', `/__sim/objects/contacts/${id}`);
        return {
          id,
          email: r.properties.email ?? null,
          firstName: r.properties.firstname ?? null,
          lastName: r.properties.lastname ?? null,
          jobTitle: r.properties.jobtitle ?? null,
          archived: r.archived,
        };
      }),
    );

  it('duplicated and shuffled deliveries, then a full redelivery, leave the rows equal to HubSpot', async () => {
    await stack.sim('POST', '/__sim/webhooks/config', { duplicateProbability: 0.5, outOfOrder: true });
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      ids.push(
        (
          await stack.sim<{ id: string }>('POST', '/__sim/objects/contacts', {
            properties: { email: `c${i}@example.com`, firstname: 'F0', lastname: 'L0' },
          })
        ).id,
      );
    }
    for (let round = 1; round <= 4; round++) {
      for (const id of ids)
        await stack.sim('PATCH', `/__sim/objects/contacts/${id}`, {
          properties: { firstname: `F${round}`, ...(round % 2 === 0 ? { jobtitle: `J${round}` } : {}) },
        });
    }
    await stack.sim('DELETE', `/__sim/objects/contacts/${ids[0]!}`);
    await stack.sim('DELETE', `/__sim/objects/contacts/${ids[1]!}`);
    await stack.sim('POST', `/__sim/objects/contacts/${ids[1]!}/restore`);
    await drainWebhooks(stack);
    const expected = await hubspotView(ids);
    await waitFor('rows equal to HubSpot', async () => JSON.stringify(await rows()) === JSON.stringify(expected));

    // HubSpot-style redelivery of everything, shuffled, with a later attempt number.
    const { events } = await stack.sim<{ events: Array<Record<string, unknown>> }>(
      'GET',
      '/__sim/webhooks/events?limit=1000',
    );
    const replay = events.map((e) => ({ ...e, attemptNumber: 3 })).sort(() => Math.random() - 0.5);
    for (let i = 0; i < replay.length; i += 90)
      expect((await deliver(stack, replay.slice(i, i + 90))).status).toBe(200);
    // A fresh change after the replay: once it has landed, the replayed batches (accepted before it) were handled.
    await stack.sim('POST', '/__sim/webhooks/config', { duplicateProbability: 0, outOfOrder: false });
    await stack.sim('PATCH', `/__sim/objects/contacts/${ids[2]!}`, { properties: { lastname: 'After' } });
    await drainWebhooks(stack);
    await waitFor('sentinel', async () => (await rows()).find((r) => r.id === ids[2])?.lastName === 'After');
    expect(await rows()).toEqual(await hubspotView(ids));
  });

  it('with Temporal unreachable the endpoint answers 503; the retry lands the batch once it is back', async () => {
    const id = (
      await stack.sim<{ id: string }>('POST', '/__sim/objects/contacts', {
        properties: { email: 'outage@example.com', firstname: 'Before' },
      })
    ).id;
    await drainWebhooks(stack);
    await waitFor('row', async () => (await rows()).find((r) => r.id === id)?.firstName === 'Before');

    // A second app instance whose Temporal client points at nothing (the shared server stays up for others).
    const deadConnection = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 1_000, interceptors: [] });
    const probe = await buildApp({
      ...stack.runtime,
      temporal: new Client({ connection: deadConnection }),
      readiness: {},
    });
    await probe.listen({ port: 0, host: '127.0.0.1' });
    const port = (probe.server.address() as AddressInfo).port;
    await probe.close();
    const config = { ...stack.runtime.config, HUBSPOT_WEBHOOK_URL: `https://127.0.0.1:${port}/webhooks/hubspot` };
    const dead = await buildApp({
      ...stack.runtime,
      config,
      temporal: new Client({ connection: deadConnection }),
      readiness: {},
    });
    await dead.listen({ port, host: '127.0.0.1' });
    try {
      await stack.sim('DELETE', '/__sim/webhooks/deliveries').catch(() => undefined);
      await stack.sim('POST', '/__sim/webhooks/config', {
        targetUrl: `http://127.0.0.1:${port}/webhooks/hubspot`,
        timeScale: 300,
      });
      await stack.sim('PATCH', `/__sim/objects/contacts/${id}`, { properties: { firstname: 'During' } });
      const failures = await waitFor('a 503 delivery', async () => {
        const { deliveries } = await stack.sim<{ deliveries: Array<{ status?: number; attemptNumber: number }> }>(
          'GET',
          '/__sim/webhooks/deliveries?limit=20',
        );
        return deliveries.filter((d) => d.status === 503).length >= 2 ? deliveries : undefined;
      });
      expect(failures.some((d) => d.status === 503)).toBe(true);
      expect((await rows()).find((r) => r.id === id)?.firstName).toBe('Before');
    } finally {
      // Temporal is "back": HubSpot's next retry reaches an instance that can hand off.
      await stack.sim('POST', '/__sim/webhooks/config', { targetUrl: `${stack.appUrl!}/webhooks/hubspot` });
      await dead.close();
      await deadConnection.close().catch(() => undefined);
    }
    await drainWebhooks(stack, 60_000);
    await waitFor('retried batch applied', async () => (await rows()).find((r) => r.id === id)?.firstName === 'During');
    const { deliveries } = await stack.sim<{ deliveries: Array<{ status?: number; attemptNumber: number }> }>(
      'GET',
      '/__sim/webhooks/deliveries?limit=50',
    );
    expect(deliveries.some((d) => d.status === 200 && d.attemptNumber >= 1)).toBe(true);
    await stack.sim('POST', '/__sim/webhooks/config', { timeScale: 86_400 });
  });
});
