import { createHash, timingSafeEqual } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { notifyLocalChanges, pushStartOptions, PUSH_OBJECT_TYPES } from './notify';
import { MAPPABLE_COLUMNS } from '../sync/object-types';

// POST /platform/changes: the platform reports changed records; the answer is 202 only once Temporal holds them.

export interface PlatformChangesOptions {
  config: Config;
  temporal: Client;
  logger: Logger;
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

/** `['changes', 2, 'localId']` → `changes[2].localId`. */
function formatPath(path: readonly PropertyKey[]): string {
  return (
    path.reduce<string>(
      (text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)),
      '',
    ) || '(body)'
  );
}

// Hashing first gives both sides the same length, so the comparison time says nothing about the key.
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export const platformChangesRoutes: FastifyPluginAsync<PlatformChangesOptions> = async (
  app,
  { config, temporal, logger },
) => {
  const options = pushStartOptions(config);

  app.addHook('onRequest', async (request, reply) => {
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    if (!token || !sameSecret(token, config.PLATFORM_API_KEY)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'unauthorized', message: 'a valid platform API key is required (Authorization: Bearer …)' });
    }
  });

  app.post('/platform/changes', async (request, reply) => {
    const parsed = bodySchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      const problems = parsed.error.issues.slice(0, 20).map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
      return reply.code(400).send({ error: 'invalid request', message: problems[0], problems });
    }
    const { portalId: bodyPortal, changes } = parsed.data;
    const reports = changes.map((c) => ({ ...c, portalId: c.portalId ?? bodyPortal ?? options.defaultPortalId }));
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
  });
};
