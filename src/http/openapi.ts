import swagger from '@fastify/swagger';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { z } from 'zod';
import { version } from '../../package.json';

// Each listener describes itself: an OpenAPI 3 document built by @fastify/swagger from the routes' own schemas
// (zod, turned into JSON Schema), served at GET /openapi.json (Postman: Import → Link).

/** The JSON Schema of a zod schema, as OpenAPI 3.0 writes it (what a request may send, before transforms). */
export function openApiSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
}

/**
 * Route options that put a schema in the OpenAPI document without Fastify validating or serialising with it:
 * the route's zod schema stays the one check (its messages name the field), and answers go out as built.
 */
export function documentedOnly(schema: FastifySchema) {
  return {
    schema,
    validatorCompiler: () => (value: unknown) => ({ value }),
    serializerCompiler: () => (data: unknown) => JSON.stringify(data instanceof Error ? fastifyError(data) : data),
  };
}

// Fastify hands its own errors (bad JSON, body too large) to the route's serializer as an Error whose fields
// are not enumerable: spelled out, they keep the shape Fastify's default serializer gives them.
function fastifyError(error: Error & { code?: string; statusCode?: number; error?: string }) {
  return { statusCode: error.statusCode, code: error.code, error: error.error, message: error.message };
}

export interface OpenApiInfo {
  title: string;
  description: string;
}

/** Registers the document generator; call before any route, so every route registered later is described. */
export async function registerOpenApi(app: FastifyInstance, info: OpenApiInfo): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { ...info, version },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
    },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
