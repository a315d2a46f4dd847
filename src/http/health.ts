import type { FastifyPluginAsync } from 'fastify';

export type ReadinessCheck = () => Promise<void>;

export interface ReadinessRoutesOptions {
  /** Named dependencies that must answer for the service to take traffic (e.g. temporal, database). */
  checks: Record<string, ReadinessCheck>;
}

const liveResponse = { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } } } as const;

const readyResponse = {
  type: 'object',
  properties: {
    status: { type: 'string' },
    checks: { type: 'object', additionalProperties: { type: 'string' } },
    message: { type: 'string' },
  },
} as const;

/** /healthz: the process is alive (also on the public port, for the load balancer in front of the webhooks). */
export const livenessRoutes: FastifyPluginAsync = async (app) => {
  app.get('/healthz', { schema: { summary: 'The process is alive', response: { 200: liveResponse } } }, async () => ({
    status: 'ok' as const,
  }));
};

/** /readyz: every dependency answers; 503 names the ones that do not. */
export const readinessRoutes: FastifyPluginAsync<ReadinessRoutesOptions> = async (app, { checks }) => {
  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Every dependency (Temporal, PostgreSQL) answers; 503 names the ones that do not',
        response: { 200: readyResponse, 503: readyResponse },
      },
    },
    async (_request, reply) => {
      const names = Object.keys(checks);
      const outcomes = await Promise.allSettled(names.map((name) => checks[name]!()));
      const results: Record<string, string> = {};
      const down: string[] = [];
      outcomes.forEach((outcome, i) => {
        const name = names[i]!;
        results[name] = outcome.status === 'fulfilled' ? 'ok' : 'down';
        if (outcome.status === 'rejected') down.push(name);
      });
      if (down.length > 0) {
        return reply
          .code(503)
          .send({ status: 'unavailable', checks: results, message: `not ready: ${down.join(', ')} unreachable` });
      }
      return { status: 'ready', checks: results };
    },
  );
};
