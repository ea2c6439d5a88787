import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf, requireRole } from '../auth.js';
import { HOURS_MODES, type HttpDeps } from '../deps.js';
import { errorResponses } from '../errors.js';

const Mode = Type.Enum(HOURS_MODES, {
  description: '`auto` follows the weekly schedule and holidays; `open`/`closed` force it',
});

const HoursBody = Type.Object(
  {
    open: Type.Boolean({ description: 'Whether calls go to agents right now' }),
    mode: Mode,
    nextOpening: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { title: 'HoursStatus' },
);

export function hoursRoutes(deps: Pick<HttpDeps, 'hours' | 'now'>): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/hours',
      {
        schema: {
          summary: 'Office-hours status',
          tags: ['hours'],
          response: { 200: { ...HoursBody, description: 'Whether the hotline is open now' }, },
        },
      },
      async () => deps.hours.status(deps.now()),
    );

    app.put(
      '/hours/override',
      {
        preHandler: requireRole('admin', 'supervisor'),
        schema: {
          summary: 'Override office hours',
          description: 'Force the hotline open or closed (e.g. an emergency), or return to `auto`. Supervisors and admins.',
          tags: ['hours'],
          body: Type.Object({ mode: Mode }, { additionalProperties: false }),
          response: { 200: { ...HoursBody, description: 'The status after the change' }, ...errorResponses(400, 403) },
        },
      },
      async (request) => {
        await deps.hours.setOverride(request.body.mode, principalOf(request).id);
        return deps.hours.status(deps.now());
      },
    );
  };
}
