import type { Client } from '@temporalio/client';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { notifyLocalChanges, pushStartOptions, PUSH_OBJECT_TYPES } from './notify';
import { notifyAssociationChanges, type AssociationChangeReport } from './notify-associations';
import { ASSOCIATION_PAIRS, isAssociationPair, MAPPABLE_COLUMNS, type CrmObjectType } from '../sync/object-types';
import { resolveAssociationType } from '../sync/association-changes';
import { loadAssociationLabels } from '../store/association-labels';
import type { PrismaClient } from '../store/prisma';
import { documentedOnly, openApiSchema } from '../http/openapi';
import { bearerToken, sameSecret } from '../http/secrets';

// POST /platform/changes: the platform reports changed records; the answer is 202 only once Temporal holds them.

export interface PlatformChangesOptions {
  config: Config;
  temporal: Client;
  logger: Logger;
  /** Reads the association labels HubSpot defines (refreshed by every sync run) to check the ones given. */
  prisma: PrismaClient;
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

const ASSOCIATED_TYPES = [...new Set(ASSOCIATION_PAIRS.flat())] as [CrmObjectType, ...CrmObjectType[]];

// An association the platform created (or removed, `remove: true`) between two of its rows, by their local ids.
const associationSchema = z
  .object({
    fromType: z.enum(ASSOCIATED_TYPES),
    fromId: z.uuid(),
    toType: z.enum(ASSOCIATED_TYPES),
    toId: z.uuid(),
    /** HubSpot's association label as seen from fromType; absent or null: the unlabelled association. */
    label: z.string().min(1).max(200).nullable().optional(),
    remove: z.boolean().optional(),
    portalId: portalId.optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (!isAssociationPair(a.fromType, a.toType))
      ctx.addIssue({
        code: 'custom',
        path: ['toType'],
        message: `${a.fromType} and ${a.toType} are not associated by hubsync`,
      });
  });

const bodySchema = z
  .object({
    portalId: portalId.optional(),
    changes: z.array(changeSchema).min(1).max(MAX_CHANGES).optional(),
    associations: z.array(associationSchema).min(1).max(MAX_CHANGES).optional(),
  })
  .strict()
  .refine((b) => b.changes !== undefined || b.associations !== undefined, {
    message: 'give changes, associations, or both',
    path: ['changes'],
  });

const acceptedSchema = z.object({
  accepted: z.number().int(),
  workflows: z.array(
    z.object({
      workflowId: z.string(),
      portalId: z.string(),
      objectType: z.enum([...PUSH_OBJECT_TYPES, 'associations']),
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
  { config, temporal, logger, prisma, servedPortals = () => Promise.resolve(new Set([config.HUBSPOT_PORTAL_ID])) },
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
      const { portalId: bodyPortal, changes = [], associations = [] } = parsed.data;
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
      const portalOf = (list: 'changes' | 'associations', i: number, own: string | undefined): string | undefined => {
        const portal = own ?? fallback;
        if (!portal) problems.push(`${list}[${i}].portalId: required (${served.size} portals are installed)`);
        else if (!served.has(portal))
          problems.push(
            `${own ? `${list}[${i}].portalId` : 'portalId'}: portal ${portal} is not installed here (or not active)`,
          );
        return portal;
      };
      const reports = changes.map((c, i) => ({ ...c, portalId: portalOf('changes', i, c.portalId) }));
      const reportedAt = Date.now();
      const associationReports: AssociationChangeReport[] = associations.map((a, i) => ({
        fromType: a.fromType,
        fromId: a.fromId,
        toType: a.toType,
        toId: a.toId,
        label: a.label ?? null,
        remove: a.remove === true,
        reportedAt,
        portalId: portalOf('associations', i, a.portalId),
      }));
      // Labels are HubSpot's, per portal and direction: one that HubSpot does not define is refused here.
      const labelsOf = new Map<string, Awaited<ReturnType<typeof loadAssociationLabels>>>();
      for (const [i, a] of associationReports.entries()) {
        const portal = a.portalId;
        if (!portal || !served.has(portal)) continue;
        if (!labelsOf.has(portal)) labelsOf.set(portal, await loadAssociationLabels(prisma, portal));
        const resolved = resolveAssociationType(labelsOf.get(portal) ?? [], a);
        if ('problem' in resolved) problems.push(`associations[${i}].label: ${resolved.problem}`);
      }
      if (problems.length > 0)
        return reply
          .code(400)
          .send({ error: 'invalid request', message: problems[0], problems: [...new Set(problems)].slice(0, 20) });
      try {
        const workflows = [
          ...(reports.length > 0 ? await notifyLocalChanges(temporal, reports, options) : []),
          ...(associationReports.length > 0
            ? (await notifyAssociationChanges(temporal, associationReports, options)).map((w) => ({
                ...w,
                objectType: 'associations' as const,
              }))
            : []),
        ];
        return reply.code(202).send({ accepted: reports.length + associationReports.length, workflows });
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
