import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireRole } from '../auth.js';
import type { HttpDeps } from '../deps.js';
import { errorResponses } from '../errors.js';
import { StatsSnapshotBody, statsJson } from '../stats-dto.js';

/** SSE keep-alive: proxies and browsers drop a silent stream after a minute or so. */
const PING_MS = 15_000;

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
            200: { description: 'An event stream', content: { 'text/event-stream': { schema: Type.String() } } },
            ...errorResponses(403),
          },
        },
      },
      async (request, reply) => {
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        const send = () => res.write(`event: stats\ndata: ${JSON.stringify(deps.liveStats.snapshot())}\n\n`);
        send();
        const unsubscribe = deps.liveStats.subscribe(send);
        const ping = setInterval(() => res.write(': ping\n\n'), PING_MS);
        const close = () => {
          clearInterval(ping);
          unsubscribe();
        };
        request.raw.on('close', close);
        res.on('error', close);
      },
    );
  };
}
