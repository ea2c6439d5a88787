import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { OverdueSummary } from '../../../domain/cases/overdue.js';
import { requireRole } from '../auth.js';
import type { HttpDeps } from '../deps.js';
import { errorResponses } from '../errors.js';
import { EventStreamAnswer, openEventStream } from '../event-stream.js';
import { StatsSnapshotBody, statsJson } from '../stats-dto.js';

export function queueStatsRoutes(deps: { liveStats: NonNullable<HttpDeps['liveStats']>; overdue?: HttpDeps['overdue'] }): FastifyPluginAsyncTypebox {
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
            'Server-Sent Events: `stats` with the same body as GET /api/queues/stats, once on connect and within a second of every queue event; `overdue` (`{ total, byDistrict: [{ district, count }] }`, district null when not routed yet), the open cases past their SLA, once on connect and whenever the counts change; a `: ping` comment every 15 s. Supervisors and admins.',
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
          const unsubscribe = deps.liveStats.subscribe(send);
          const overdue = deps.overdue;
          if (!overdue) return unsubscribe;
          const sendOverdue = (summary: OverdueSummary) => sendEvent('overdue', summary);
          const stopOverdue = overdue.subscribe(sendOverdue);
          overdue.current().then(sendOverdue, (err: Error) => request.log.warn({ err: err.message }, 'overdue counts not read'));
          return () => {
            unsubscribe();
            stopOverdue();
          };
        });
      },
    );
  };
}
