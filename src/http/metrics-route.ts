import type { FastifyPluginAsync } from 'fastify';
import type { Metrics } from '../metrics';

export const metricsRoutes: FastifyPluginAsync<{ metrics: Pick<Metrics, 'registry'> }> = async (app, { metrics }) => {
  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics (text exposition format)',
        produces: ['text/plain'],
        response: { 200: { type: 'string', description: 'Prometheus text format' } },
      },
    },
    async (_request, reply) => {
      reply.header('content-type', metrics.registry.contentType);
      return metrics.registry.metrics();
    },
  );
};
