import type { Payload, PayloadCodec } from '@temporalio/common';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { documentedOnly, openApiSchema } from './openapi';
import { bearerToken, sameSecret } from './secrets';

// Temporal's codec server protocol, for the Web UI and `temporal --codec-endpoint`: POST …/decode and …/encode
// take and return `{payloads: [{metadata: {key: base64}, data: base64}]}` (Payloads in protobuf JSON), with
// the same codec (TEMPORAL_PAYLOAD_KEY) the worker and the server use. The UI calls it from the browser, so
// the UI's origin must be allowed (CORS); it decrypts people's data, so it wants a bearer token unless only
// this host can reach it (config enforces that).

export interface CodecRoutesOptions {
  codec: PayloadCodec;
  /** Required as `Authorization: Bearer <token>` when set. */
  authToken?: string;
  allowedOrigins: readonly string[];
  namespace: string;
}

const MAX_PAYLOADS = 1_000;
const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');
const payloadSchema = z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() });
const payloadsSchema = z.object({ payloads: z.array(payloadSchema).max(MAX_PAYLOADS) });
const problemSchema = z.object({ error: z.string(), message: z.string() });

const toPayload = (p: z.infer<typeof payloadSchema>): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

export const codecRoutes: FastifyPluginAsync<CodecRoutesOptions> = async (app, options) => {
  const allowed = new Set(options.allowedOrigins);

  // Answers from a foreign page would be unreadable anyway (CORS); refusing them means nothing is decrypted for it.
  const corsAllowed = (request: FastifyRequest, reply: FastifyReply): boolean => {
    const origin = request.headers.origin;
    if (origin === undefined) return true;
    if (!allowed.has(origin)) return false;
    reply
      .header('access-control-allow-origin', origin)
      .header('access-control-allow-credentials', 'true')
      .header('vary', 'origin');
    return true;
  };

  for (const operation of ['decode', 'encode'] as const) {
    const url = `/codec/${operation}`;
    app.options(url, { schema: { hide: true } }, async (request, reply) => {
      if (!corsAllowed(request, reply)) return reply.code(403).send();
      return reply
        .code(204)
        .header('access-control-allow-methods', 'POST, OPTIONS')
        .header('access-control-allow-headers', 'content-type, x-namespace, authorization, authorization-extras')
        .header('access-control-max-age', '600')
        .send();
    });

    app.post(
      url,
      {
        bodyLimit: 16 * 1024 * 1024,
        ...documentedOnly({
          summary: `Temporal codec server: ${operation} payloads with the payload key (for the Web UI and CLI)`,
          ...(options.authToken ? { security: [{ bearer: [] }] } : {}),
          body: openApiSchema(payloadsSchema),
          response: {
            200: openApiSchema(payloadsSchema),
            400: openApiSchema(problemSchema),
            401: openApiSchema(problemSchema),
            403: openApiSchema(problemSchema),
          },
        }),
      },
      async (request, reply) => {
        if (!corsAllowed(request, reply)) {
          return reply.code(403).send({ error: 'forbidden', message: 'origin not allowed (CODEC_CORS_ORIGINS)' });
        }
        if (options.authToken) {
          const token = bearerToken(request.headers.authorization);
          if (!token || !sameSecret(token, options.authToken)) {
            return reply
              .code(401)
              .header('www-authenticate', 'Bearer')
              .send({ error: 'unauthorized', message: 'a valid codec token is required (Authorization: Bearer …)' });
          }
        }
        const namespace = request.headers['x-namespace'];
        if (typeof namespace === 'string' && namespace !== options.namespace) {
          return reply.code(403).send({
            error: 'forbidden',
            message: `this codec serves namespace ${options.namespace}, not ${namespace}`,
          });
        }
        const parsed = payloadsSchema.safeParse(request.body);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          return reply.code(400).send({
            error: 'invalid request',
            message: `${issue?.path.join('.') || '(body)'}: ${issue?.message ?? 'invalid'}`,
          });
        }
        try {
          const payloads = parsed.data.payloads.map(toPayload);
          const result = await (operation === 'decode'
            ? options.codec.decode(payloads)
            : options.codec.encode(payloads));
          return reply.code(200).send({ payloads: result.map(toJson) });
        } catch (err) {
          return reply.code(400).send({ error: `${operation} failed`, message: (err as Error).message });
        }
      },
    );
  }
};
