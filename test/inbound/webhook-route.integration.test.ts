// POST /webhooks/hubspot through app.inject against the real Temporal server (no worker: a started
// workflow just waits, which is all these tests look at). Refused requests must start nothing.
import { randomInt, randomUUID } from 'node:crypto';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app';
import { WEBHOOK_BODY_LIMIT } from '../../src/inbound/webhook-route';
import type { Runtime } from '../../src/runtime';
import { createPrisma } from '../../src/store/prisma';
import { storeWebhookBatch } from '../../src/store/webhook-inbox';
import { groupByObject } from '../../src/inbound/handoff';
import { inboundObjectWorkflowId } from '../../src/workflow-safe/ids';
import { temporalAddress } from '../support/env';
import { testRuntime } from '../support/runtime';
import { waitFor } from '../support/wait';
import { propertyChangeEvent, signedHeaders } from './helpers';

describe('POST /webhooks/hubspot', () => {
  let runtime: Runtime;
  let connection: Connection;
  let temporal: Client;
  let app: FastifyInstance;
  const portalId = randomInt(2_000_000, 2_000_000_000);
  const started: string[] = [];

  beforeAll(async () => {
    runtime = testRuntime({
      HUBSPOT_WEBHOOK_URL: 'https://hooks.example.com/webhooks/hubspot',
      HUBSPOT_PORTAL_ID: String(portalId),
      TEMPORAL_TASK_QUEUE: `endpoint-${randomUUID()}`,
    });
    connection = await Connection.connect({ address: temporalAddress() });
    temporal = new Client({ connection });
    app = await buildApp({ ...runtime, temporal });
  });

  afterAll(async () => {
    await Promise.allSettled(started.map((id) => temporal.workflow.getHandle(id).terminate('test cleanup')));
    await app.close();
    await Promise.allSettled([connection.close(), runtime.prisma.$disconnect()]);
  });

  const event = (objectId: number, extra: Record<string, unknown> = {}) =>
    propertyChangeEvent(portalId, objectId, extra);

  const post = (raw: string, headers: Record<string, string>, url = '/webhooks/hubspot') =>
    app.inject({ method: 'POST', url, headers, payload: raw });

  async function exists(objectId: number): Promise<boolean> {
    try {
      await temporal.workflow
        .getHandle(inboundObjectWorkflowId(String(portalId), 'contacts', String(objectId)))
        .describe();
      return true;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  }

  const inboxRows = async (id: bigint) => runtime.prisma.webhookInboxEntry.count({ where: { id } });

  it('accepts a correctly signed batch: 200 once stored, then one workflow per record', async () => {
    const raw = JSON.stringify([event(11), event(11, { propertyName: 'lastname' }), event(12)]);
    const res = await post(raw, signedHeaders(runtime.config, raw));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', records: 2 });
    started.push(
      inboundObjectWorkflowId(String(portalId), 'contacts', '11'),
      inboundObjectWorkflowId(String(portalId), 'contacts', '12'),
    );
    await waitFor(
      'both workflows started',
      async () => ((await exists(11)) && (await exists(12))) || undefined,
      10_000,
    );
  });

  it('refuses a forged signature with 401 and starts nothing', async () => {
    const raw = JSON.stringify([event(21)]);
    const headers = signedHeaders({ ...runtime.config, HUBSPOT_CLIENT_SECRET: 'not-the-secret' }, raw);
    const res = await post(raw, headers);
    expect(res.statusCode).toBe(401);
    expect(res.json().message).toContain('bad-signature');
    expect(await exists(21)).toBe(false);
  });

  it('refuses a body altered after signing, and a missing signature, with 401', async () => {
    const raw = JSON.stringify([event(22)]);
    const headers = signedHeaders(runtime.config, raw);
    expect((await post(raw.replace('"objectId":22', '"objectId":23'), headers)).statusCode).toBe(401);
    expect((await post(raw, { 'content-type': 'application/json' })).statusCode).toBe(401);
    expect(await exists(22)).toBe(false);
    expect(await exists(23)).toBe(false);
  });

  it('refuses a stale timestamp with 401 and starts nothing', async () => {
    const raw = JSON.stringify([event(31)]);
    const res = await post(raw, signedHeaders(runtime.config, raw, '/webhooks/hubspot', Date.now() - 6 * 60 * 1000));
    expect(res.statusCode).toBe(401);
    expect(res.json().message).toContain('stale-timestamp');
    expect(await exists(31)).toBe(false);
  });

  it('signs over the public URL with the query, as HubSpot called it', async () => {
    const raw = JSON.stringify([event(32)]);
    const path = '/webhooks/hubspot?source=hubspot%3Aprod';
    const res = await post(raw, signedHeaders(runtime.config, raw, path), path);
    expect(res.statusCode).toBe(200);
    started.push(inboundObjectWorkflowId(String(portalId), 'contacts', '32'));
  });

  it.each([
    ['not JSON', '[{"eventId": 1,', 'not valid UTF-8 JSON'],
    ['not an array', '{"eventId": 1}', 'must be a JSON array'],
    ['an empty array', '[]', 'at least one event'],
  ])('refuses a body that is %s with 400', async (_what, raw, message) => {
    const res = await post(raw, signedHeaders(runtime.config, raw));
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain(message);
  });

  const deadLetters = (portal: number) =>
    runtime.prisma.webhookDeadLetter.findMany({ where: { portalId: String(portal) }, orderBy: { id: 'asc' } });

  it('takes the valid events of a batch and keeps each bad one as a dead letter naming the field (200)', async () => {
    const events = [
      event(41),
      event(42),
      event(43),
      { ...event(44), objectId: 'forty-four' },
      { ...event(45), propertyName: undefined },
      { ...event(46), objectId: 2 ** 53 + 2 },
    ];
    const raw = JSON.stringify(events);
    const res = await post(raw, signedHeaders(runtime.config, raw));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ records: 3, refused: 3 });
    for (const id of [41, 42, 43]) started.push(inboundObjectWorkflowId(String(portalId), 'contacts', String(id)));
    await waitFor('valid events started', async () => ((await exists(41)) && (await exists(43))) || undefined, 10_000);
    expect(await exists(44)).toBe(false);
    const refusedIds = ['forty-four', '45', String(2 ** 53 + 2)];
    const letters = (await deadLetters(portalId)).filter((l) => refusedIds.includes(l.objectId ?? ''));
    expect(letters.map((l) => [l.reason, l.message.split(':')[0]])).toEqual([
      ['invalid_event', '[3].objectId'],
      ['invalid_event', '[4].propertyName'],
      ['id_out_of_range', '[5].objectId'],
    ]);
    const metrics = await runtime.metrics.registry.getSingleMetricAsString('hubsync_webhook_events_refused_total');
    expect(metrics).toMatch(/reason="invalid_event"} [1-9]/);
    expect(metrics).toMatch(/reason="id_out_of_range"} [1-9]/);
  });

  it('refuses more than 100 events and a body over the limit', async () => {
    const many = JSON.stringify(Array.from({ length: 101 }, (_, i) => event(500 + i)));
    expect((await post(many, signedHeaders(runtime.config, many))).statusCode).toBe(400);
    const huge = JSON.stringify([event(51, { propertyValue: 'x'.repeat(WEBHOOK_BODY_LIMIT) })]);
    expect((await post(huge, signedHeaders(runtime.config, huge))).statusCode).toBe(413);
    expect(await exists(51)).toBe(false);
  });

  it("accepts 100 events each carrying a 64 KB value (HubSpot's longest) within the body limit", async () => {
    const events = Array.from({ length: 100 }, (_, i) =>
      event(600 + (i % 5), { propertyName: `p${i}`, propertyValue: '"é'.repeat(32_768) }),
    );
    const raw = JSON.stringify(events);
    expect(Buffer.byteLength(raw)).toBeLessThan(WEBHOOK_BODY_LIMIT);
    const res = await post(raw, signedHeaders(runtime.config, raw));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ records: 5, refused: 0 });
    for (let i = 0; i < 5; i++) started.push(inboundObjectWorkflowId(String(portalId), 'contacts', String(600 + i)));
    // Each record's 20 events (2.6 MB) exceed Temporal's 2 MB payload limit: they must go in several signals.
    await waitFor(
      'every record handed to its workflow',
      async () => (await Promise.all([600, 601, 602, 603, 604].map(exists))).every(Boolean) || undefined,
      60_000,
    );
    await waitFor(
      'the batch left the inbox (every signal accepted)',
      async () =>
        (await runtime.prisma.webhookInboxEntry.count({ where: { deadLetteredAt: null } })) === 0 || undefined,
      60_000,
    );
  }, 180_000);

  it('keeps events of types and portals hubsync does not serve as dead letters, and still answers 200', async () => {
    const otherPortal = portalId + 1;
    const raw = JSON.stringify([
      event(71, { subscriptionType: 'object.creation', objectTypeId: '0-14', propertyName: undefined }),
      event(72, { subscriptionType: 'conversation.creation', propertyName: undefined }),
      event(73, { subscriptionType: 'object.propertyChange', objectTypeId: '0-53', propertyName: 'hs_amount_billed' }),
      { ...propertyChangeEvent(otherPortal, 74) },
    ]);
    const res = await post(raw, signedHeaders(runtime.config, raw));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ records: 0, refused: 4 });
    const reasons = [...(await deadLetters(portalId)), ...(await deadLetters(otherPortal))]
      .filter((l) => ['71', '72', '73', '74'].includes(l.objectId ?? ''))
      .map((l) => [l.objectId, l.reason]);
    expect(reasons.sort()).toEqual([
      ['71', 'unsynced_type'],
      ['72', 'unsynced_type'],
      ['73', 'unsynced_type'],
      ['74', 'unknown_portal'],
    ]);
  });

  it('answers 503 within the deadline when Temporal is unreachable, so HubSpot retries', async () => {
    // No gRPC retry interceptor: its backoff timers would outlive the closed channel and crash jest.
    const deadConnection = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 1_000, interceptors: [] });
    const dead = await buildApp({ ...runtime, temporal: new Client({ connection: deadConnection }) });
    try {
      const raw = JSON.stringify([event(81)]);
      const startedAt = Date.now();
      const res = await dead.inject({
        method: 'POST',
        url: '/webhooks/hubspot',
        headers: signedHeaders(runtime.config, raw),
        payload: raw,
      });
      expect(res.statusCode).toBe(503);
      // HubSpot abandons a delivery after 5 s; the answer must come well before.
      expect(Date.now() - startedAt).toBeLessThan(4_000);
    } finally {
      await dead.close();
      await deadConnection.close().catch(() => undefined);
    }
  });

  it('answers 503 when PostgreSQL does not store the batch, and hands nothing to Temporal', async () => {
    const unreachable = createPrisma('postgresql://postgres@127.0.0.1:1/hubsync_nowhere');
    const noStore = await buildApp({ ...runtime, prisma: unreachable, temporal });
    try {
      const raw = JSON.stringify([event(82)]);
      const res = await noStore.inject({
        method: 'POST',
        url: '/webhooks/hubspot',
        headers: signedHeaders(runtime.config, raw),
        payload: raw,
      });
      expect(res.statusCode).toBe(503);
      expect(res.json().message).toMatch(/storage is unavailable; retry later/);
      expect(await exists(82)).toBe(false);
    } finally {
      await noStore.close();
      await unreachable.$disconnect().catch(() => undefined);
    }
  });

  it('hands off a stored batch whose server died before handing it off (its lease ran out), then removes it', async () => {
    const { groups } = groupByObject(
      JSON.parse(JSON.stringify([event(91), event(92)])) as Parameters<typeof groupByObject>[0],
    );
    const id = await storeWebhookBatch(runtime.prisma, groups, 0);
    started.push(
      inboundObjectWorkflowId(String(portalId), 'contacts', '91'),
      inboundObjectWorkflowId(String(portalId), 'contacts', '92'),
    );
    await app.ready();
    await waitFor(
      'the sweeper handed the batch off',
      async () => ((await exists(91)) && (await exists(92))) || undefined,
      15_000,
    );
    await waitFor('the batch left the inbox', async () => (await inboxRows(id)) === 0 || undefined, 5_000);
  });

  it('leaves a stored batch alone while the server that stored it still holds its lease', async () => {
    const { groups } = groupByObject(JSON.parse(JSON.stringify([event(93)])) as Parameters<typeof groupByObject>[0]);
    const id = await storeWebhookBatch(runtime.prisma, groups, 60_000);
    await app.ready();
    // Three sweeps' worth: a sweeper taking leased batches would have handed this one off by now.
    await new Promise((resolve) => setTimeout(resolve, 3 * runtime.config.WEBHOOK_INBOX_SWEEP_MS + 500));
    expect(await exists(93)).toBe(false);
    expect(await inboxRows(id)).toBe(1);
    await runtime.prisma.webhookInboxEntry.delete({ where: { id } });
  });
});
