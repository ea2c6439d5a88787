import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf, requireRole } from '../auth.js';
import { HOURS_MODES, type HttpDeps } from '../deps.js';
import { errorResponses } from '../errors.js';
import { TextLine } from '../input-schema.js';
import { HOLIDAY_KINDS, holidayDateString } from '../../../domain/calendar/holidays.js';
import { WEEKDAYS } from '../../../domain/calendar/tehran-time.js';
import { DISTRICT_COUNT } from '../../../domain/cases/case.js';
import type { StoredHoliday } from '../../../domain/calendar/ports.js';

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

const Clock = (description: string) => Type.String({ pattern: '^([01]\\d|2[0-4]):[0-5]\\d$', description });
const DayHours = Type.Union([Type.Null(), Type.Object({ open: Clock('HH:MM, Tehran'), close: Clock('HH:MM, exclusive; 24:00 for midnight') })], {
  description: 'null: closed all day',
});
const Weekly = Type.Object(Object.fromEntries(WEEKDAYS.map((day) => [day, DayHours])), {
  title: 'WeeklyHours',
  description: 'Hours per weekday (Tehran); 00:00-24:00 every day is round the clock',
});

const Holiday = Type.Object(
  {
    id: Type.Integer(),
    date: Type.String({ description: 'Jalali YYYY/MM/DD, or */MM/DD for a solar holiday (every year)' }),
    name: Type.String(),
    kind: Type.Enum(HOLIDAY_KINDS),
    district: Type.Union([Type.Integer(), Type.Null()], { description: 'null: the whole city' }),
    createdBy: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { title: 'Holiday' },
);

const HotlineHours = Type.Object(
  {
    weekly: Weekly,
    observeHolidays: Type.Boolean({ description: 'false: the hotline stays open on holidays (a 24/7 service)' }),
  },
  { title: 'HotlineHours' },
);

const Calendar = Type.Object(
  {
    weekly: Weekly,
    observeHolidays: Type.Boolean(),
    override: Type.Object({
      mode: Mode,
      setBy: Type.Union([Type.Object({ actor: Type.String(), name: Type.String(), at: Type.String({ format: 'date-time' }) }), Type.Null()]),
    }),
    holidays: Type.Array(Holiday),
    districts: Type.Array(
      Type.Object({
        id: Type.Integer(),
        name: Type.String(),
        officeHours: Type.Union([Weekly, Type.Null()], { description: 'null: the default district hours' }),
        effective: Weekly,
      }),
    ),
    coverage: Type.Object({
      lastYear: Type.Union([Type.Integer(), Type.Null()], { description: 'The last Jalali year with lunar holidays entered' }),
      daysLeft: Type.Union([Type.Integer(), Type.Null()]),
      warn: Type.Boolean(),
    }),
    warnings: Type.Array(Type.String()),
  },
  { title: 'Calendar' },
);

function holidayDto(h: StoredHoliday) {
  return {
    id: h.id,
    date: holidayDateString(h),
    name: h.name,
    kind: h.kind,
    district: h.district,
    createdBy: h.createdBy,
    createdAt: h.createdAt.toISOString(),
  };
}

const EDITORS = ['admin', 'supervisor'] as const;

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
        preHandler: requireRole(...EDITORS),
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

    app.get(
      '/hours/calendar',
      {
        preHandler: requireRole(...EDITORS),
        schema: {
          summary: 'The whole calendar',
          description:
            "The hotline's weekly hours, every holiday and closure, each district's hours, the override and who set it, and how far the lunar holidays reach. Supervisors and admins.",
          tags: ['hours'],
          response: { 200: { ...Calendar, description: 'The calendar' }, ...errorResponses(403) },
        },
      },
      async () => {
        const c = await deps.hours.calendar(deps.now());
        return {
          ...c,
          holidays: c.holidays.map(holidayDto),
          coverage: { lastYear: c.coverage.lastYear, daysLeft: c.coverage.daysLeft, warn: c.coverage.warn },
        };
      },
    );

    app.put(
      '/hours/weekly',
      {
        preHandler: requireRole(...EDITORS),
        schema: {
          summary: "Set the hotline's weekly hours",
          description: 'Effective at once in the IVR and, through AstDB, in the dialplan fallback. Supervisors and admins.',
          tags: ['hours'],
          body: HotlineHours,
          response: { 200: { ...HotlineHours, description: 'The hours now in force' }, ...errorResponses(400, 403) },
        },
      },
      async (request) => deps.hours.setHotlineHours(request.body, principalOf(request).id),
    );

    app.post(
      '/hours/holidays',
      {
        preHandler: requireRole(...EDITORS),
        schema: {
          summary: 'Add a holiday or a closure',
          description:
            'A solar holiday (every year, `*/MM/DD`), a lunar one (one year, `YYYY/MM/DD`) or a one-off closure (a pollution day) for the whole city or one district. Effective at once: the IVR, the dialplan fallback, district delivery, survey and callback calls. Supervisors and admins.',
          tags: ['hours'],
          body: Type.Object({
            date: Type.String({ pattern: '^(\\*|\\d{4})/\\d{2}/\\d{2}$', description: 'Jalali YYYY/MM/DD, or */MM/DD' }),
            name: TextLine({ minLength: 1, maxLength: 200 }),
            kind: Type.Enum(HOLIDAY_KINDS),
            district: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: DISTRICT_COUNT }), Type.Null()])),
          }),
          response: { 201: { ...Holiday, description: 'The holiday as stored' }, ...errorResponses(400, 403, 409) },
        },
      },
      async (request, reply) => {
        const added = await deps.hours.addHoliday(request.body, principalOf(request).id);
        return reply.code(201).send(holidayDto(added));
      },
    );

    app.delete(
      '/hours/holidays/:id',
      {
        preHandler: requireRole(...EDITORS),
        schema: {
          summary: 'Remove a holiday or a closure',
          tags: ['hours'],
          params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
          response: { 204: Type.Null({ description: 'Removed' }), ...errorResponses(400, 403, 404) },
        },
      },
      async (request, reply) => {
        await deps.hours.removeHoliday(request.params.id, principalOf(request).id);
        return reply.code(204).send(null);
      },
    );

    app.put(
      '/hours/districts/:id',
      {
        preHandler: requireRole(...EDITORS),
        schema: {
          summary: "Set a district's office hours",
          description:
            "When the district receives voice messages recorded out of its hours. `officeHours: null` returns it to the default district hours. Supervisors and admins.",
          tags: ['hours'],
          params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: DISTRICT_COUNT }) }),
          body: Type.Object({ officeHours: Type.Union([Weekly, Type.Null()]) }),
          response: {
            200: { ...Type.Object({ id: Type.Integer(), effective: Weekly }), description: 'The hours now in force' },
            ...errorResponses(400, 403, 404),
          },
        },
      },
      async (request) => ({
        id: request.params.id,
        effective: await deps.hours.setDistrictHours(request.params.id, request.body.officeHours, principalOf(request).id),
      }),
    );
  };
}
