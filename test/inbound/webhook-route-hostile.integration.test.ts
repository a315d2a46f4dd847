// Hostile input at POST /webhooks/hubspot: random and mutated bodies, forged, stale, future and duplicated
// signatures, replays after the 5-minute window, raw bytes over a real socket. Whatever arrives, nothing
// unsigned reaches Temporal, the process keeps answering, and every refusal is a 4xx with a JSON reason.
import { randomInt, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { buildApp } from '../../src/http/app';
import { computeSignature, publicRequestUri, SIGNATURE_MAX_AGE_MS } from '../../src/hubspot/webhook-signature';
import type { Runtime } from '../../src/runtime';
import { temporalAddress } from '../support/env';
import { waitFor } from '../support/wait';
import { testRuntime } from '../support/runtime';
import { propertyChangeEvent } from './helpers';
import { countingTemporal, rawRequest, refusalMessage, type CountingTemporal } from '../support/hostile';

jest.setTimeout(120_000);

const PUBLIC_URL = 'https://hooks.example.com/webhooks/hubspot';
const SECRET = `hostile-secret-${randomUUID()}`;
const SIGNATURE_REASONS = /missing-signature|missing-timestamp|stale-timestamp|bad-signature/;

describe('hostile input: POST /webhooks/hubspot', () => {
  let runtime: Runtime;
  let connection: Connection;
  let temporal: CountingTemporal;
  let app: FastifyInstance;
  let port: number;
  let clockOffsetMs = 0;
  const portalId = randomInt(2_000_000, 2_000_000_000);

  beforeAll(async () => {
    runtime = testRuntime({
      HUBSPOT_WEBHOOK_URL: PUBLIC_URL,
      HUBSPOT_CLIENT_SECRET: SECRET,
      TEMPORAL_TASK_QUEUE: `hostile-${randomUUID()}`,
    });
    connection = await Connection.connect({ address: temporalAddress() });
    temporal = countingTemporal(new Client({ connection }));
    app = await buildApp({
      ...runtime,
      temporal: temporal.client,
      readiness: {},
      now: () => Date.now() + clockOffsetMs,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    const raw = new Client({ connection });
    await Promise.allSettled(
      [...new Set(temporal.signalled)].map((id) => raw.workflow.getHandle(id).terminate('hostile test cleanup')),
    );
    await app.close();
    await Promise.allSettled([connection.close(), runtime.prisma.$disconnect()]);
  });

  afterEach(() => {
    clockOffsetMs = 0;
    temporal.down = false;
  });

  const uri = (path = '/webhooks/hubspot') => publicRequestUri(PUBLIC_URL, path);
  const sign = (body: Buffer | string, timestamp: string, secret = SECRET, path = '/webhooks/hubspot') =>
    computeSignature('v3', secret, { method: 'POST', uri: uri(path), rawBody: Buffer.from(body) }, timestamp);
  const signed = (body: Buffer | string, at = Date.now()) => ({
    'x-hubspot-signature-v3': sign(body, String(at)),
    'x-hubspot-request-timestamp': String(at),
  });
  const event = (objectId: number, extra: Record<string, unknown> = {}) =>
    propertyChangeEvent(portalId, objectId, extra);
  const validBody = () => JSON.stringify([event(randomInt(1, 1_000_000_000))]);
  const post = (payload: Buffer | string, headers: Record<string, string | string[]>) =>
    app.inject({ method: 'POST', url: '/webhooks/hubspot', headers, payload });

  /** What the app took in so far: batches ever stored in the inbox and signals sent, once its hand-offs are done. */
  async function intake(): Promise<{ stored: bigint; signalled: number }> {
    await waitFor(
      'hand-offs finished',
      async () => ((await runtime.metrics.webhookHandoffsPending.get()).values[0]?.value ?? 0) === 0 || undefined,
    );
    const [sequence] = await runtime.prisma.$queryRaw<Array<{ next: bigint }>>`
      SELECT last_value + CASE WHEN is_called THEN 1 ELSE 0 END AS next FROM webhook_inbox_id_seq`;
    return { stored: sequence!.next, signalled: temporal.signalled.length };
  }

  /** Runs `send` and checks it was refused with a 4xx JSON reason and stored and started nothing. */
  async function expectRefused(
    send: () => Promise<{ statusCode: number; body: string }>,
    reason?: RegExp,
  ): Promise<string> {
    const before = await intake();
    const res = await send();
    const message = refusalMessage(res.statusCode, res.body);
    if (reason && !reason.test(message))
      throw new Error(`refusal ${res.statusCode} "${message}" does not name ${reason}`);
    expect(await intake()).toEqual(before);
    return message;
  }

  const arbitraryBody = fc.oneof(
    fc.json().map((text) => Buffer.from(text)),
    fc.string({ maxLength: 300 }).map((text) => Buffer.from(text)),
    fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
    fc.constant(Buffer.from(validBody())),
  );
  const arbitraryHeaderValue = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.base64String({ maxLength: 60 }),
    fc.constant(''),
  );

  it('a valid signed batch is stored, then signals a workflow (so the counters can see one)', async () => {
    const body = validBody();
    const before = await intake();
    const res = await post(body, { 'content-type': 'application/json', ...signed(body) });
    expect(res.statusCode).toBe(200);
    expect(await intake()).toEqual({ stored: before.stored + 1n, signalled: before.signalled + 1 });
  });

  it('random bodies with random or forged signature headers are refused with 401 naming the problem', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbitraryBody,
        fc.record(
          {
            signature: arbitraryHeaderValue,
            timestamp: fc.oneof(arbitraryHeaderValue, fc.constant(String(Date.now()))),
            version: fc.constantFrom('v1', 'v2', 'v3', 'V3', ''),
            contentType: fc.constantFrom(
              'application/json',
              'text/plain',
              'application/x-www-form-urlencoded',
              'multipart/form-data; boundary=x',
            ),
          },
          { requiredKeys: [] },
        ),
        async (body, h) => {
          const headers: Record<string, string> = {};
          if (h.signature !== undefined) headers['x-hubspot-signature-v3'] = h.signature;
          if (h.timestamp !== undefined) headers['x-hubspot-request-timestamp'] = h.timestamp;
          if (h.version !== undefined) headers['x-hubspot-signature-version'] = h.version;
          if (h.contentType !== undefined) headers['content-type'] = h.contentType;
          await expectRefused(() => post(body, headers), SIGNATURE_REASONS);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a valid signature over other bytes, path, secret or timestamp never verifies the request', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('body', 'path', 'secret', 'timestamp', 'case', 'truncate', 'append'),
        fc.integer({ min: 0, max: 200 }),
        async (mutation, n) => {
          const body = validBody();
          const at = String(Date.now());
          let sent = body;
          let signature = sign(body, at);
          let timestamp = at;
          if (mutation === 'body')
            sent =
              body.slice(0, n % body.length) +
              (body[n % body.length] === 'x' ? 'y' : 'x') +
              body.slice((n % body.length) + 1);
          if (mutation === 'path') signature = sign(body, at, SECRET, `/webhooks/hubspot?x=${n}`);
          if (mutation === 'secret') signature = sign(body, at, `${SECRET}${n}`);
          if (mutation === 'timestamp') timestamp = String(Number(at) + 1 + n);
          if (mutation === 'case')
            signature = signature.toLowerCase() === signature ? signature.toUpperCase() : signature.toLowerCase();
          if (mutation === 'truncate') signature = signature.slice(0, n % 43);
          if (mutation === 'append') signature = `${signature}${'A'.repeat(1 + (n % 8))}`;
          await expectRefused(
            () =>
              post(sent, {
                'content-type': 'application/json',
                'x-hubspot-signature-v3': signature,
                'x-hubspot-request-timestamp': timestamp,
              }),
            /bad-signature|missing-signature/,
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it('signed bodies that are not a valid batch are refused with 400 naming the bad field, never 5xx', async () => {
    const valid = JSON.parse(validBody()) as Array<Record<string, unknown>>;
    const mutatedBatch = fc
      .record({
        field: fc.constantFrom(...Object.keys(valid[0]!)),
        value: fc.oneof(
          fc.string(),
          fc.double(),
          fc.constant(null),
          fc.constant(-1),
          fc.array(fc.integer()),
          fc.object(),
        ),
      })
      .filter(
        ({ field, value }) =>
          !['subscriptionId', 'appId', 'attemptNumber', 'changeSource', 'propertyValue'].includes(field) ||
          typeof value !== 'string',
      )
      .map(({ field, value }) => ({ json: JSON.stringify([{ ...valid[0], [field]: value }]), field }));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          arbitraryBody.map((b) => ({ json: b.toString('utf8'), field: undefined as string | undefined })),
          mutatedBatch,
        ),
        async ({ json, field }) => {
          const before = await intake();
          const res = await post(json, { 'content-type': 'application/json', ...signed(json) });
          if (res.statusCode === 200) return; // a random body that happens to be a valid batch
          const message = refusalMessage(res.statusCode, res.body);
          expect(res.statusCode).toBe(400);
          if (field !== undefined && !/JSON/.test(message)) expect(message).toContain(field);
          expect(await intake()).toEqual(before);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('timestamp tricks: seconds instead of ms, far future, far past, not a number, duplicated', async () => {
    const body = validBody();
    const now = Date.now();
    for (const timestamp of [
      String(Math.floor(now / 1000)),
      String(now + 60 * 60 * 1000),
      String(now + SIGNATURE_MAX_AGE_MS + 5_000),
      String(now - SIGNATURE_MAX_AGE_MS - 5_000),
      '1e13',
      `${now}.0`,
      ` ${now}x`,
      '99999999999999999999',
    ]) {
      await expectRefused(
        () =>
          post(body, {
            'content-type': 'application/json',
            'x-hubspot-signature-v3': sign(body, timestamp),
            'x-hubspot-request-timestamp': timestamp,
          }),
        /stale-timestamp|bad-signature/,
      );
    }
  });

  it('a valid signed request replayed after 5 minutes is refused as stale', async () => {
    const body = validBody();
    const headers = { 'content-type': 'application/json', ...signed(body) };
    clockOffsetMs = SIGNATURE_MAX_AGE_MS + 1_000;
    await expectRefused(() => post(body, headers), /stale-timestamp/);
    clockOffsetMs = -(SIGNATURE_MAX_AGE_MS + 1_000); // a server clock behind the sender's by as much
    await expectRefused(() => post(body, headers), /stale-timestamp/);
    clockOffsetMs = SIGNATURE_MAX_AGE_MS - 5_000; // still inside the window: accepted (the workflow deduplicates)
    expect((await post(body, headers)).statusCode).toBe(200);
  });

  it('with Temporal unavailable a valid batch is kept (200) or refused with the documented 503, never lost, never another 5xx', async () => {
    const from = (await intake()).stored;
    const send = async () => {
      const body = validBody();
      return post(body, { 'content-type': 'application/json', ...signed(body) });
    };
    temporal.down = true;
    // Until a hand-off has failed the outage is unknown: the batch is acknowledged from the inbox, kept for later.
    expect([200, 503]).toContain((await send()).statusCode);
    const refused = await waitFor(
      'the outage noticed',
      async () => {
        const res = await send();
        if (res.statusCode !== 503) expect(res.statusCode).toBe(200);
        return res.statusCode === 503 ? res : undefined;
      },
      10_000,
      100,
    );
    expect(JSON.parse(refused.body)).toMatchObject({
      status: 'error',
      message: expect.stringMatching(/Temporal is unavailable; retry/),
    });
    // Temporal back: within a probe interval batches are accepted again, and every batch acknowledged during
    // the outage is handed off from the inbox.
    temporal.down = false;
    await waitFor('accepted again', async () => (await send()).statusCode === 200 || undefined, 10_000, 250);
    await waitFor(
      'acknowledged batches handed off',
      async () => (await runtime.prisma.webhookInboxEntry.count({ where: { id: { gte: from } } })) === 0 || undefined,
      20_000,
    );
  });

  describe('over a real socket', () => {
    const head = (headers: string[], length?: number) =>
      [
        'POST /webhooks/hubspot HTTP/1.1',
        'Host: 127.0.0.1',
        'Connection: close',
        ...headers,
        ...(length === undefined ? [] : [`Content-Length: ${length}`]),
        '',
      ].join('\n');

    async function rawRefused(headers: string[], body: Buffer | string, reason?: RegExp): Promise<void> {
      const before = await intake();
      const res = await rawRequest(port, head(headers, Buffer.byteLength(body)), body);
      const message = refusalMessage(res.status, res.body);
      if (reason) expect(message).toMatch(reason);
      expect(await intake()).toEqual(before);
    }

    it('duplicate signature headers (a valid one plus another, either order) are refused', async () => {
      const body = validBody();
      const { 'x-hubspot-signature-v3': good, 'x-hubspot-request-timestamp': at } = signed(body);
      const forged = sign(body, at, 'not-the-secret');
      for (const pair of [
        [good, forged],
        [forged, good],
        [good, good],
        [good, 'x'],
      ]) {
        await rawRefused(
          [
            `X-HubSpot-Request-Timestamp: ${at}`,
            ...pair.map((s) => `X-HubSpot-Signature-v3: ${s}`),
            'Content-Type: application/json',
          ],
          body,
          /bad-signature/,
        );
      }
      await rawRefused(
        [`X-HubSpot-Request-Timestamp: ${at}`, `X-HubSpot-Request-Timestamp: ${at}`, `X-HubSpot-Signature-v3: ${good}`],
        body,
        /stale-timestamp|bad-signature/,
      );
    });

    it('non-UTF-8 bytes, a BOM and binary are refused: 401 unsigned, 400 signed', async () => {
      for (const body of [
        Buffer.from([0xff, 0xfe, 0x00, 0x5b, 0x5d]),
        Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(validBody())]),
        Buffer.from('["\xff\xfe"]', 'latin1'),
        Buffer.from([0xc3, 0x28]),
      ]) {
        await rawRefused(['Content-Type: application/json'], body, /missing-signature/);
        const { 'x-hubspot-signature-v3': s, 'x-hubspot-request-timestamp': at } = signed(body);
        await rawRefused(
          [
            `X-HubSpot-Signature-v3: ${s}`,
            `X-HubSpot-Request-Timestamp: ${at}`,
            'Content-Type: application/json; charset=latin1',
          ],
          body,
          /JSON|body|\[0\]/,
        );
      }
    });

    it('wrong content types carry no authority: unsigned is 401 whatever the type', async () => {
      for (const type of [
        'text/plain',
        'application/xml',
        'multipart/form-data; boundary=--x',
        'application/octet-stream',
        'application/json; charset=utf-16',
        '../../etc/passwd',
      ]) {
        await rawRefused([`Content-Type: ${type}`], validBody(), /missing-signature|Media Type/);
      }
    });

    it('a huge body is refused with 413 and a reason, signed or not, and the process keeps answering', async () => {
      const huge = Buffer.alloc(3 * 1024 * 1024, 0x5b); // "[[[[…" beyond the 1 MB limit
      const before = await intake();
      const res = await rawRequest(
        port,
        head(
          ['Content-Type: application/json', ...Object.entries(signed(huge)).map(([k, v]) => `${k}: ${v}`)],
          huge.length,
        ),
        huge,
      );
      expect(res.status).toBe(413);
      refusalMessage(res.status, res.body);
      expect(await intake()).toEqual(before);
      const health = await rawRequest(port, 'GET /healthz HTTP/1.1\nHost: x\nConnection: close\n');
      expect(health.status).toBe(200);
    });

    it('deep nesting inside the limit is a 400, not a crash', async () => {
      for (const body of [
        '['.repeat(400_000) + ']'.repeat(400_000),
        `[${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}]`,
      ]) {
        const { 'x-hubspot-signature-v3': s, 'x-hubspot-request-timestamp': at } = signed(body);
        await rawRefused(
          [`X-HubSpot-Signature-v3: ${s}`, `X-HubSpot-Request-Timestamp: ${at}`, 'Content-Type: application/json'],
          body,
        );
      }
    });

    it('chunked transfer encoding is verified over the decoded bytes (signed → 200, tampered → 401)', async () => {
      const body = validBody();
      const { 'x-hubspot-signature-v3': s, 'x-hubspot-request-timestamp': at } = signed(body);
      const chunked = (text: string) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n0\r\n\r\n`;
      const headers = [
        `X-HubSpot-Signature-v3: ${s}`,
        `X-HubSpot-Request-Timestamp: ${at}`,
        'Content-Type: application/json',
        'Transfer-Encoding: chunked',
      ];
      const ok = await rawRequest(port, head(headers), chunked(body));
      expect(ok.status).toBe(200);
      const before = await intake();
      const tampered = await rawRequest(port, head(headers), chunked(body.replace('Ada', 'Eve')));
      expect(refusalMessage(tampered.status, tampered.body)).toMatch(/bad-signature/);
      expect(await intake()).toEqual(before);
    });

    it('a request smuggling attempt (Content-Length and Transfer-Encoding together) is refused', async () => {
      const body = validBody();
      const res = await rawRequest(
        port,
        head(['Content-Type: application/json', 'Transfer-Encoding: chunked'], 4),
        `0\r\n\r\n${body}`,
      );
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      const health = await rawRequest(port, 'GET /healthz HTTP/1.1\nHost: x\nConnection: close\n');
      expect(health.status).toBe(200);
    });
  });
});
