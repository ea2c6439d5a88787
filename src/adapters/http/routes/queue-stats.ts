import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireRole } from '../auth.js';
import type { HttpDeps } from '../deps.js';
import { errorResponses } from '../errors.js';
import { EventStreamAnswer, openEventStream } from '../event-stream.js';
import { StatsSnapshotBody, statsJson } from '../stats-dto.js';

export function queueStatsRoutes(deps: { liveStats: NonNullable<HttpDeps['liveStats']> }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/queues/stats',
      {
        preHandler: requireRole('admin', 'supervisor'),
        schema: {
          summary: 'Live queue statistics',
          description:
            "Per queue and overall: callers waiting and their waits, agents by state and time in state, today's offered/answered/abandoned, service level, ASA, abandonment rate, AHT, callbacks pending, each coloured against its target. Supervisors and admins.",
          tags: ['queues'],
          response: { 200: { ...StatsSnapshotBody, description: 'The picture now' }, ...errorResponses(403) },
        },
      },
      async () => statsJson(deps.liveStats.snapshot()),
    );

    app.get(
      '/queues/stats/stream',
      {
        preHandler: requireRole('admin', 'supervisor'),
        schema: {
          summary: 'Live queue statistics (SSE)',
          description:
            'Server-Sent Events: `stats` with the same body as GET /api/queues/stats, once on connect and within a second of every queue event; a `: ping` comment every 15 s. Supervisors and admins.',
          tags: ['queues'],
          response: {
            200: EventStreamAnswer,
            ...errorResponses(403),
          },
        },
      },
      async (request, reply) => {
        openEventStream(request, reply, (sendEvent) => {
          const send = () => sendEvent('stats', deps.liveStats.snapshot());
          send();
          return deps.liveStats.subscribe(send);
        });
      },
    );
  };
}
