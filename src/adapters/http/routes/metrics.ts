import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { HttpDeps } from '../deps.js';
import { renderWarningMetrics } from '../../../services/metrics.js';

export function metricsRoutes(deps: { metrics: NonNullable<HttpDeps['metrics']> } & Pick<HttpDeps, 'healthWarnings'>): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/metrics',
      {
        schema: {
          summary: 'Prometheus metrics',
          description:
            'Text exposition format 0.0.4: calls waiting, agents by state, service level per queue, Asterisk connections, BullMQ job counts, the /api/health warnings by source. Open like health unless METRICS_TOKEN is set (then that token as a bearer token); off with METRICS_ENABLED=false.',
          tags: ['health'],
          security: [],
          response: {
            200: { description: 'Metrics', content: { 'text/plain': { schema: Type.String() } } },
          },
        },
      },
      async (_request, reply) => {
        // The health warnings are known here already; adding them needs nothing from the engine.
        const body = (await deps.metrics()) + renderWarningMetrics(deps.healthWarnings?.() ?? {});
        return reply.type('text/plain; version=0.0.4; charset=utf-8').header('cache-control', 'no-store').send(body);
      },
    );
  };
}
