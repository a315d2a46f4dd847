// Each listener's OpenAPI document (GET /openapi.json) is valid OpenAPI 3 and lists exactly the routes the app
// serves — nothing missing, nothing stale — with the request schemas the routes check.
import SwaggerParser from '@apidevtools/swagger-parser';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { OpenAPIV3 } from 'openapi-types';
import { createTemporalClient } from '../../src/temporal/client';
import { buildAdminApp } from '../../src/http/admin-app';
import { buildApp } from '../../src/http/app';
import { testRuntime } from '../support/runtime';

/** "METHOD /path" of every route the app serves, from Fastify's own route table (HEAD/OPTIONS left out). */
function servedRoutes(app: FastifyInstance): string[] {
  const routes = new Set<string>();
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /(\/\S*) \(([A-Z, ]+)\)/.exec(line);
    if (!match) continue;
    for (const method of match[2]!.split(', ')) routes.add(`${method} ${match[1]}`);
  }
  return [...routes].filter((r) => !/^(HEAD|OPTIONS) /.test(r) && r !== 'GET /openapi.json').sort();
}

function documentedRoutes(doc: OpenAPIV3.Document): string[] {
  return Object.entries(doc.paths)
    .flatMap(([path, item]) => Object.keys(item ?? {}).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

async function documentOf(app: FastifyInstance): Promise<OpenAPIV3.Document> {
  const res = await app.inject({ method: 'GET', url: '/openapi.json' });
  expect(res.statusCode).toBe(200);
  return res.json() as OpenAPIV3.Document;
}

describe('OpenAPI documents', () => {
  const runtime = testRuntime({ TEMPORAL_PAYLOAD_KEY: randomBytes(32).toString('base64') });
  const temporal = createTemporalClient({ TEMPORAL_ADDRESS: '127.0.0.1:1', TEMPORAL_NAMESPACE: 'default' });
  let app: FastifyInstance;
  let admin: FastifyInstance;

  beforeAll(async () => {
    app = await buildApp({ ...runtime, temporal: temporal.client });
    admin = await buildAdminApp({ ...runtime, readiness: {} });
    await Promise.all([app.ready(), admin.ready()]);
  });
  afterAll(async () => {
    await Promise.allSettled([app.close(), admin.close(), temporal.connection.close(), runtime.prisma.$disconnect()]);
  });

  it('the public API: valid OpenAPI 3, exactly its routes, with the platform-changes body schema', async () => {
    const doc = await documentOf(app);
    await SwaggerParser.validate(structuredClone(doc) as never);
    expect(doc.openapi).toMatch(/^3\./);
    expect(documentedRoutes(doc)).toEqual(servedRoutes(app));
    expect(documentedRoutes(doc)).toEqual(['GET /healthz', 'POST /platform/changes', 'POST /webhooks/hubspot']);
    const changes = doc.paths['/platform/changes']!.post!;
    const body = (changes.requestBody as OpenAPIV3.RequestBodyObject).content['application/json']!
      .schema as OpenAPIV3.SchemaObject;
    // Record changes, association changes, or both: neither list is required on its own.
    expect(body.required ?? []).toEqual([]);
    const association = (body.properties?.associations as OpenAPIV3.ArraySchemaObject).items as OpenAPIV3.SchemaObject;
    expect(association.required?.sort()).toEqual(['fromId', 'fromType', 'toId', 'toType']);
    expect(Object.keys(changes.responses)).toEqual(expect.arrayContaining(['202', '400', '401', '503']));
    expect(changes.security).toEqual([{ bearer: [] }]);
  });

  it('the admin API: metrics, readiness and the codec server', async () => {
    const doc = await documentOf(admin);
    await SwaggerParser.validate(structuredClone(doc) as never);
    expect(documentedRoutes(doc)).toEqual(servedRoutes(admin));
    expect(documentedRoutes(doc)).toEqual([
      'GET /healthz',
      'GET /metrics',
      'GET /readyz',
      'POST /codec/decode',
      'POST /codec/encode',
    ]);
  });
});
