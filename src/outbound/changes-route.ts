import type { Client } from '@temporalio/client';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { notifyLocalChanges, pushStartOptions, PUSH_OBJECT_TYPES } from './notify';
import { MAPPABLE_COLUMNS } from '../sync/object-types';
import { documentedOnly, openApiSchema } from '../http/openapi';
import { bearerToken, sameSecret } from '../http/secrets';

// POST /platform/changes: the platform reports changed records; the answer is 202 only once Temporal holds them.

export interface PlatformChangesOptions {
  config: Config;
  temporal: Client;
  logger: Logger;
  /** The portals changes may be for (src/installations/directory.ts); default: HUBSPOT_PORTAL_ID alone. */
  servedPortals?: () => Promise<Set<string>>;
}

const MAX_CHANGES = 10_000;
const portalId = z.string().regex(/^\d+$/, 'must be a numeric portal id');

const changeSchema = z
  .object({
    objectType: z.enum(PUSH_OBJECT_TYPES),
    localId: z.uuid(),
    fields: z.array(z.string().min(1)).min(1).max(50).optional(),
    portalId: portalId.optional(),
  })
  .strict()
  .superRefine((change, ctx) => {
    const known = MAPPABLE_COLUMNS[change.objectType];
    change.fields?.forEach((field, i) => {
      if (!known.includes(field))
        ctx.addIssue({
          code: 'custom',
          path: ['fields', i],
          message: `unknown column "${field}" of ${change.objectType}`,
        });
    });
  });

const bodySchema = z
  .object({ portalId: portalId.optional(), changes: z.array(changeSchema).min(1).max(MAX_CHANGES) })
  .strict();

const acceptedSchema = z.object({
  accepted: z.number().int(),
  workflows: z.array(
    z.object({
      workflowId: z.string(),
      portalId: z.string(),
      objectType: z.enum(PUSH_OBJECT_TYPES),
      changes: z.number().int(),
    }),
  ),
});
const problemSchema = z.object({ error: z.string(), message: z.string(), problems: z.array(z.string()).optional() });

/** `['changes', 2, 'localId']` → `changes[2].localId`. */
function formatPath(path: readonly PropertyKey[]): string {
  return (
    path.reduce<string>(
      (text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)),
      '',
    ) || '(body)'
  );
}

export const platformChangesRoutes: FastifyPluginAsync<PlatformChangesOptions> = async (
  app,
  { config, temporal, logger, servedPortals = () => Promise.resolve(new Set([config.HUBSPOT_PORTAL_ID])) },
) => {
  const options = pushStartOptions(config);

  app.addHook('onRequest', async (request, reply) => {
    const token = bearerToken(request.headers.authorization);
    if (!token || !sameSecret(token, config.PLATFORM_API_KEY)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'unauthorized', message: 'a valid platform API key is required (Authorization: Bearer …)' });
    }
  });

  app.post(
    '/platform/changes',
    documentedOnly({
      summary: 'Report changed platform records; 202 once Temporal holds them',
      security: [{ bearer: [] }],
      body: openApiSchema(bodySchema),
      response: {
        202: openApiSchema(acceptedSchema),
        400: openApiSchema(problemSchema),
        401: openApiSchema(problemSchema),
        503: openApiSchema(problemSchema),
      },
    }),
    async (request, reply) => {
      const parsed = bodySchema.safeParse(request.body ?? {});
      if (!parsed.success) {
        const problems = parsed.error.issues.slice(0, 20).map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
        return reply.code(400).send({ error: 'invalid request', message: problems[0], problems });
      }
      const { portalId: bodyPortal, changes } = parsed.data;
      let served: Set<string>;
      try {
        served = await servedPortals();
      } catch (err) {
        logger.warn({ err: (err as Error).message }, 'platform changes not accepted: installations not readable');
        return reply
          .code(503)
          .header('retry-after', '5')
          .send({ error: 'unavailable', message: 'changes were not recorded; retry later' });
      }
      // With one portal served it is the default; with several, each change (or the body) must name its own.
      const only = served.size === 1 ? [...served][0] : undefined;
      const fallback = bodyPortal ?? (options.defaultPortalId || only);
      const problems: string[] = [];
      const reports = changes.map((c, i) => {
        const portal = c.portalId ?? fallback;
        if (!portal) problems.push(`changes[${i}].portalId: required (${served.size} portals are installed)`);
        else if (!served.has(portal))
          problems.push(
            `${c.portalId ? `changes[${i}].portalId` : 'portalId'}: portal ${portal} is not installed here (or not active)`,
          );
        return { ...c, portalId: portal };
      });
      if (problems.length > 0)
        return reply
          .code(400)
          .send({ error: 'invalid request', message: problems[0], problems: [...new Set(problems)].slice(0, 20) });
      try {
        const workflows = await notifyLocalChanges(temporal, reports, options);
        return reply.code(202).send({ accepted: reports.length, workflows });
      } catch (err) {
        // Not accepted by Temporal: the platform must retry (repeating changes already accepted is harmless).
        logger.warn(
          { err: (err as Error).message, changes: reports.length },
          'platform changes not accepted: Temporal unavailable',
        );
        return reply
          .code(503)
          .header('retry-after', '5')
          .send({ error: 'unavailable', message: 'changes were not recorded; retry later' });
      }
    },
  );
};
