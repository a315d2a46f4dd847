// The codec server on the admin listener: Temporal's protocol (POST /codec/decode, /codec/encode with
// base64 protobuf-JSON payloads), the same key as the worker's codec, CORS for the Web UI's origin only,
// a bearer token, and refusals that name what is wrong.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { parseConfig } from '../../src/config';
import { buildAdminApp } from '../../src/http/admin-app';
import { createLogger } from '../../src/logger';
import { createMetrics } from '../../src/metrics';
import { EncryptionCodec } from '../../src/temporal/payload-codec';

const KEY = randomBytes(32).toString('base64');
const TOKEN = 'codec-token-for-tests-0123456789';
const UI = 'http://127.0.0.1:8233';
const b64 = (text: string) => Buffer.from(text).toString('base64');

async function adminApp(env: Record<string, string>): Promise<FastifyInstance> {
  const config = parseConfig({ CODEC_CORS_ORIGINS: UI, ...env });
  return buildAdminApp({ config, logger: createLogger('silent', {}), metrics: createMetrics(), readiness: {} });
}

describe('codec server', () => {
  let app: FastifyInstance;
  const codec = new EncryptionCodec(Buffer.from(KEY, 'base64'));
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'x-namespace': 'default' };

  beforeAll(async () => {
    app = await adminApp({ TEMPORAL_PAYLOAD_KEY: KEY, CODEC_AUTH_TOKEN: TOKEN });
  });
  afterAll(() => app.close());

  it('decodes what the workers sealed, as the Web UI asks for it', async () => {
    const [sealed] = await codec.encode([
      { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('{"email":"ada@example.com"}') },
    ]);
    const body = {
      payloads: [
        {
          metadata: Object.fromEntries(
            Object.entries(sealed!.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')]),
          ),
          data: Buffer.from(sealed!.data!).toString('base64'),
        },
      ],
    };
    const res = await app.inject({
      method: 'POST',
      url: '/codec/decode',
      headers: { ...headers, origin: UI },
      payload: body,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(UI);
    expect(res.json()).toEqual({
      payloads: [{ metadata: { encoding: b64('json/plain') }, data: b64('{"email":"ada@example.com"}') }],
    });
  });

  it('encodes with the same key (what the workers can decode), and passes unsealed payloads through decode', async () => {
    const plain = { metadata: { encoding: b64('json/plain') }, data: b64('"hello"') };
    const encoded = await app.inject({ method: 'POST', url: '/codec/encode', headers, payload: { payloads: [plain] } });
    expect(encoded.statusCode).toBe(200);
    const [sealed] = encoded.json().payloads;
    expect(Buffer.from(sealed.metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
    const [opened] = await codec.decode([
      {
        metadata: Object.fromEntries(
          Object.entries(sealed.metadata as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
        ),
        data: Buffer.from(sealed.data, 'base64'),
      },
    ]);
    expect(Buffer.from(opened!.data!).toString()).toBe('"hello"');
    const passed = await app.inject({ method: 'POST', url: '/codec/decode', headers, payload: { payloads: [plain] } });
    expect(passed.json()).toEqual({ payloads: [plain] });
  });

  it('refuses requests without the token, from foreign origins, for other namespaces, and bad bodies', async () => {
    const payload = { payloads: [] };
    const noToken = await app.inject({
      method: 'POST',
      url: '/codec/decode',
      headers: { 'content-type': 'application/json' },
      payload,
    });
    expect(noToken.statusCode).toBe(401);
    const wrongToken = await app.inject({
      method: 'POST',
      url: '/codec/decode',
      headers: { ...headers, authorization: 'Bearer nope-nope-nope-nope' },
      payload,
    });
    expect(wrongToken.statusCode).toBe(401);
    const foreign = await app.inject({
      method: 'POST',
      url: '/codec/decode',
      headers: { ...headers, origin: 'https://evil.example' },
      payload,
    });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    const otherNamespace = await app.inject({
      method: 'POST',
      url: '/codec/decode',
      headers: { ...headers, 'x-namespace': 'other' },
      payload,
    });
    expect(otherNamespace.statusCode).toBe(403);
    const bad = await app.inject({
      method: 'POST',
      url: '/codec/decode',
      headers,
      payload: { payloads: [{ data: 'not base64!' }] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toBe('payloads.0.data: must be base64');
    const [foreignKey] = await new EncryptionCodec(randomBytes(32)).encode([{ metadata: {}, data: Buffer.from('x') }]);
    const wrongKey = await app.inject({
      method: 'POST',
      url: '/codec/decode',
      headers,
      payload: {
        payloads: [
          {
            metadata: Object.fromEntries(
              Object.entries(foreignKey!.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')]),
            ),
            data: Buffer.from(foreignKey!.data!).toString('base64'),
          },
        ],
      },
    });
    expect(wrongKey.statusCode).toBe(400);
    expect(wrongKey.json().message).toMatch(/^payload sealed with key [0-9a-f]{16}, this process has key/);
  });

  it("answers the browser's preflight for the UI's origin only", async () => {
    const preflight = (origin: string) =>
      app.inject({
        method: 'OPTIONS',
        url: '/codec/decode',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace,authorization',
        },
      });
    const ok = await preflight(UI);
    expect(ok.statusCode).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe(UI);
    expect(String(ok.headers['access-control-allow-headers'])).toContain('authorization');
    expect(String(ok.headers['access-control-allow-headers'])).toContain('x-namespace');
    expect((await preflight('https://evil.example')).statusCode).toBe(403);
  });

  it('is absent without a payload key, and required to be authenticated beyond loopback', async () => {
    const plainApp = await adminApp({});
    try {
      expect(
        (await plainApp.inject({ method: 'POST', url: '/codec/decode', headers, payload: { payloads: [] } }))
          .statusCode,
      ).toBe(404);
    } finally {
      await plainApp.close();
    }
    expect(() => parseConfig({ TEMPORAL_PAYLOAD_KEY: KEY, ADMIN_HOST: '0.0.0.0' })).toThrow(
      /CODEC_AUTH_TOKEN: required when ADMIN_HOST/,
    );
    expect(() =>
      parseConfig({ TEMPORAL_PAYLOAD_KEY: KEY, ADMIN_HOST: '0.0.0.0', CODEC_AUTH_TOKEN: TOKEN }),
    ).not.toThrow();
  });
});
