// Hostile input at POST /platform/changes: random and mutated bodies and credentials through inject(), raw
// bytes over a real socket. Without the platform key nothing reaches Temporal; every refusal is a 4xx with a
// JSON reason naming the bad entry; the only 5xx is the documented 503 while Temporal is unavailable.
import { randomInt, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { buildApp } from '../../src/http/app';
import type { Runtime } from '../../src/runtime';
import { temporalAddress } from '../support/env';
import { testRuntime } from '../support/runtime';
import { countingTemporal, rawRequest, refusalMessage, type CountingTemporal } from '../support/hostile';

jest.setTimeout(120_000);

const KEY = `platform-key-${randomUUID()}`;

describe('hostile input: POST /platform/changes', () => {
  let runtime: Runtime;
  let connection: Connection;
  let temporal: CountingTemporal;
  let app: FastifyInstance;
  let port: number;
  const portalId = String(randomInt(2_000_000, 2_000_000_000));

  beforeAll(async () => {
    runtime = testRuntime({
      PLATFORM_API_KEY: KEY,
      HUBSPOT_PORTAL_ID: portalId,
      TEMPORAL_TASK_QUEUE: `hostile-${randomUUID()}`,
    });
    connection = await Connection.connect({ address: temporalAddress() });
    temporal = countingTemporal(new Client({ connection }));
    app = await buildApp({ ...runtime, temporal: temporal.client, readiness: {} });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    const raw = new Client({ connection });
    await Promise.allSettled(
      [...new Set(temporal.signalled)]
        .filter((id) => id.startsWith('push:'))
        .map((id) => raw.workflow.getHandle(id).terminate('hostile test cleanup')),
    );
    await app.close();
    await Promise.allSettled([connection.close(), runtime.prisma.$disconnect()]);
  });

  // Push workflows only: the same app's webhook sweeper may hand off batches another suite left in the inbox.
  const pushSignals = () => temporal.signalled.filter((id) => id.startsWith('push:')).length;

  afterEach(() => {
    temporal.down = false;
  });

  const valid = () => ({ changes: [{ objectType: 'contacts', localId: randomUUID(), fields: ['email'] }] });
  const post = (payload: unknown, headers: Record<string, string> = { authorization: `Bearer ${KEY}` }) =>
    app.inject({
      method: 'POST',
      url: '/platform/changes',
      headers: { 'content-type': 'application/json', ...headers },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });

  it('a valid report with the key is accepted and signals the push workflow (so the counter can see one)', async () => {
    const before = pushSignals();
    const res = await post(valid());
    expect(res.statusCode).toBe(202);
    expect(pushSignals()).toBe(before + 1);
  });

  it('without the exact key, any body is refused with 401 and nothing is signalled', async () => {
    const authorization = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ maxLength: 80 }).map((s) => `Bearer ${s}`),
      fc.constantFrom(
        KEY,
        `bearer ${KEY}`,
        `Bearer  ${KEY}`,
        `Bearer ${KEY} `,
        `Bearer ${KEY.slice(0, -1)}`,
        `Bearer ${KEY}x`,
        `Basic ${Buffer.from(`x:${KEY}`).toString('base64')}`,
        `Bearer ${KEY.toUpperCase()}`,
        'Bearer ',
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.option(authorization, { nil: undefined }),
        fc.oneof(fc.json(), fc.constant(JSON.stringify(valid()))),
        async (auth, body) => {
          const before = pushSignals();
          const res = await post(body, auth === undefined ? {} : { authorization: auth });
          expect(res.statusCode).toBe(401);
          expect(refusalMessage(res.statusCode, res.body)).toMatch(/platform API key/);
          expect(pushSignals()).toBe(before);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('random bodies with the key are refused with 400 naming the bad entry, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.json(),
          fc.anything().map((v) => JSON.stringify(v) ?? 'null'),
          fc.string(),
        ),
        async (body) => {
          const before = pushSignals();
          const res = await post(body);
          if (res.statusCode === 202) return; // a random body that happens to be a valid report
          const message = refusalMessage(res.statusCode, res.body);
          expect(res.statusCode).toBe(400);
          expect(message.length).toBeGreaterThan(3);
          expect(pushSignals()).toBe(before);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a mutated entry is refused with a message naming its path (changes[i].field)', async () => {
    const entry = fc.record({
      objectType: fc.constantFrom('contacts', 'companies', 'deals', 'tasks', 'tickets'),
      localId: fc.uuid(),
    });
    const mutation = fc.oneof(
      fc.record({
        field: fc.constant('objectType'),
        value: fc.oneof(
          fc.string().filter((s) => !['contacts', 'companies', 'deals', 'tasks', 'tickets'].includes(s)),
          fc.integer(),
          fc.constant(null),
        ),
      }),
      fc.record({
        field: fc.constant('localId'),
        value: fc.oneof(
          fc.string().filter((s) => !/^[0-9a-f-]{36}$/i.test(s)),
          fc.integer(),
          fc.constant(null),
          fc.object(),
        ),
      }),
      fc.record({
        field: fc.constant('fields'),
        value: fc.oneof(
          fc.constant([]),
          fc.array(fc.constantFrom('nope', '', 'id', 'portalId', '__proto__'), { minLength: 1, maxLength: 3 }),
          fc.string(),
          fc.constant(null),
        ),
      }),
      fc.record({
        field: fc.constant('portalId'),
        value: fc.oneof(
          fc.string().filter((s) => !/^\d+$/.test(s)),
          fc.integer(),
          fc.constant(null),
        ),
      }),
      fc.record({
        field: fc
          .string({ minLength: 1, maxLength: 12 })
          .filter((k) => !['objectType', 'localId', 'fields', 'portalId', '__proto__'].includes(k)),
        value: fc.jsonValue(),
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(entry, { minLength: 1, maxLength: 5 }),
        fc.nat(),
        mutation,
        async (entries, at, { field, value }) => {
          const index = at % entries.length;
          const changes = entries.map((e, i) => (i === index ? { ...e, [field]: value } : e));
          const before = pushSignals();
          const res = await post({ changes });
          const message = refusalMessage(res.statusCode, res.body);
          expect(res.statusCode).toBe(400);
          expect(message).toContain(`changes[${index}]`);
          expect(pushSignals()).toBe(before);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('prototype pollution, too many changes and wrong types of the envelope are 400s', async () => {
    for (const body of [
      '{"__proto__":{"changes":[]}}',
      '{"constructor":{"prototype":{"x":1}},"changes":[]}',
      JSON.stringify({ changes: Array.from({ length: 10_001 }, () => valid().changes[0]) }),
      '[]',
      'null',
      '"changes"',
      '{"changes":{}}',
    ]) {
      const before = pushSignals();
      const res = await post(body);
      refusalMessage(res.statusCode, res.body);
      expect(res.statusCode).toBe(400);
      expect(pushSignals()).toBe(before);
    }
    expect(({} as Record<string, unknown>).changes).toBeUndefined();
  });

  it('with Temporal unavailable a valid report gets the documented 503 with Retry-After, never another 5xx', async () => {
    temporal.down = true;
    const res = await post(valid());
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(JSON.parse(res.body)).toMatchObject({ error: 'unavailable', message: expect.stringMatching(/retry/) });
  });

  describe('over a real socket', () => {
    const head = (headers: string[], length: number) =>
      [
        'POST /platform/changes HTTP/1.1',
        'Host: 127.0.0.1',
        'Connection: close',
        ...headers,
        `Content-Length: ${length}`,
        '',
      ].join('\n');
    const auth = `Authorization: Bearer ${KEY}`;

    async function rawRefused(
      headers: string[],
      body: Buffer | string,
      status: number | number[],
      reason?: RegExp,
    ): Promise<void> {
      const before = pushSignals();
      const res = await rawRequest(port, head(headers, Buffer.byteLength(body)), body);
      expect([status].flat()).toContain(res.status);
      const message = refusalMessage(res.status, res.body);
      if (reason) expect(message).toMatch(reason);
      expect(pushSignals()).toBe(before);
    }

    it('wrong content types are 415 (text/plain: 400, it parses as a string) with a reason; unauthenticated ones stay 401', async () => {
      const body = JSON.stringify(valid());
      for (const type of [
        'text/plain',
        'application/xml',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded',
      ]) {
        await rawRefused(
          [auth, `Content-Type: ${type}`],
          body,
          type === 'text/plain' ? 400 : 415,
          /content-type|Media Type|expected object/i,
        );
        await rawRefused([`Content-Type: ${type}`], body, 401, /platform API key/);
      }
    });

    it('non-UTF-8 and invalid JSON bytes are 400 with a reason', async () => {
      for (const body of [
        Buffer.from([0xff, 0xfe, 0x7b, 0x7d]),
        Buffer.from('{"changes":[{"objectType":"contacts","localId":"\xff"}]}', 'latin1'),
        Buffer.from('{"changes":'),
        Buffer.from([0xc3, 0x28]),
      ]) {
        await rawRefused([auth, 'Content-Type: application/json'], body, 400);
      }
    });

    it('duplicate Authorization headers are refused', async () => {
      // Node keeps the first of a duplicated Authorization header: a wrong first key must not be rescued by a right second one.
      await rawRefused(
        ['Authorization: Bearer wrong-key-wrong-key', auth, 'Content-Type: application/json'],
        JSON.stringify(valid()),
        401,
      );
    });

    it('a huge body is 413 with a reason, deep nesting is 400, and the process keeps answering', async () => {
      const huge = Buffer.alloc(3 * 1024 * 1024, 0x20);
      const before = pushSignals();
      const big = await rawRequest(port, head([auth, 'Content-Type: application/json'], huge.length), huge);
      expect(big.status).toBe(413);
      refusalMessage(big.status, big.body);
      for (const body of [
        `{"changes":${'['.repeat(300_000)}${']'.repeat(300_000)}}`,
        `{"changes":[${'{"a":'.repeat(80_000)}1${'}'.repeat(80_000)}]}`,
        `{"x":${'['.repeat(200_000)}{"__proto__":1}${']'.repeat(200_000)}}`,
      ]) {
        await rawRefused([auth, 'Content-Type: application/json'], body, 400);
      }
      expect(pushSignals()).toBe(before);
      expect((await rawRequest(port, 'GET /healthz HTTP/1.1\nHost: x\nConnection: close\n')).status).toBe(200);
    });
  });
});
