import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Case, CaseFilter } from '../../../domain/cases/case.js';
import { checkTransition, isRoutable, maySetDistrict, type Actor } from '../../../domain/cases/lifecycle.js';
import { principalOf, requireRole } from '../auth.js';
import type { Principal } from '../deps.js';
import {
  CaseBody,
  CaseWithEventsBody,
  Category,
  District,
  Status,
  TrackingNumber,
  toCaseDto,
  toCaseWithEventsDto,
} from '../case-dto.js';
import type { HttpDeps } from '../deps.js';
import { hotlineError } from '../../../domain/errors.js';
import { errorResponses } from '../errors.js';
import { normalizePhoneOrFail } from '../phone.js';

const MANUAL_CHANNELS = ['manual', 'phone', 'web', 'sms'] as const;

const Phone = Type.String({ minLength: 1, maxLength: 32, examples: ['09121234567'] });

const ListQuery = Type.Object({
  phone: Type.Optional(Phone),
  status: Type.Optional(Status),
  district: Type.Optional(District),
  category: Type.Optional(Category),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});

/** A streamed WAV answer, for the OpenAPI document (the route sends a stream, not JSON). */
export const AudioStream = Type.Unsafe<NodeJS.ReadableStream>({ type: 'string', format: 'binary' });

const TrackingParams = Type.Object({ trackingNumber: TrackingNumber });

const NewCaseBody = Type.Object(
  {
    category: Category,
    district: Type.Optional(District),
    callerPhone: Type.Optional(Phone),
    description: Type.String({ minLength: 1, maxLength: 4000, pattern: '\\S' }),
    channel: Type.Optional(Type.Enum(MANUAL_CHANNELS, { default: 'manual' })),
  },
  { additionalProperties: false },
);

const PatchBody = Type.Object(
  {
    status: Type.Optional(Status),
    note: Type.Optional(Type.String({ maxLength: 4000, description: 'Why; required for resolved, rejected and reopened' })),
    duplicateOf: Type.Optional({ ...TrackingNumber, description: 'For status `duplicate`: the case this one repeats' }),
    district: Type.Optional({ ...District, description: 'Routes the case to this district (admin, supervisor, agent)' }),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** A district user sees only the cases of their district; everyone else sees all. */
function mayRead(principal: Principal, c: Pick<Case, 'district'>): boolean {
  return principal.role !== 'district' || (principal.district != null && principal.district === c.district);
}

function actorOf(principal: Principal): Actor {
  return { role: principal.role, district: principal.district ?? null };
}

export function caseRoutes(deps: Pick<HttpDeps, 'cases' | 'recordings' | 'now'>): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/cases',
      {
        schema: {
          summary: 'List cases',
          description:
            'Newest first; filters combine with AND. `phone` is normalised before matching. ' +
            'A district user gets only the cases of their own district, whatever `district` says.',
          tags: ['cases'],
          querystring: ListQuery,
          response: {
            200: Type.Object({ cases: Type.Array(CaseBody) }, { description: 'Matching cases' }),
            ...errorResponses(400, 403),
          },
        },
      },
      async (request) => {
        const { phone, ...rest } = request.query;
        const filter: CaseFilter = { ...rest };
        const principal = principalOf(request);
        if (principal.role === 'district') {
          if (principal.district == null) throw hotlineError('HOTLINE_ERR_FORBIDDEN', 'This district account has no district');
          filter.district = principal.district;
        }
        if (phone !== undefined) filter.phone = normalizePhoneOrFail(phone, 'querystring', 'phone');
        const cases = await deps.cases.list(filter);
        return { cases: cases.map(toCaseDto) };
      },
    );

    app.get(
      '/cases/:trackingNumber',
      {
        schema: {
          summary: 'A case with its history',
          tags: ['cases'],
          params: TrackingParams,
          response: { 200: { ...CaseWithEventsBody, description: 'The case' }, ...errorResponses(400, 404) },
        },
      },
      async (request) => {
        const found = await deps.cases.findByTrackingNumber(request.params.trackingNumber);
        // Another district's case answers as if it did not exist: its number says nothing.
        if (!found || !mayRead(principalOf(request), found)) throw caseNotFound(request.params.trackingNumber);
        return toCaseWithEventsDto(found);
      },
    );

    app.get(
      '/cases/:trackingNumber/recording',
      {
        schema: {
          summary: "The case's voice recording",
          description: 'The caller\'s message as WAV audio, streamed.',
          tags: ['cases'],
          params: TrackingParams,
          // No `produces`: it would list the JSON error answers as audio/wav too.
          response: {
            200: {
              description: 'The recording',
              content: { 'audio/wav': { schema: AudioStream } },
            },
            ...errorResponses(400, 404),
          },
        },
      },
      async (request, reply) => {
        const { trackingNumber } = request.params;
        const found = await deps.cases.findByTrackingNumber(trackingNumber);
        if (!found || !mayRead(principalOf(request), found)) throw caseNotFound(trackingNumber);
        const stat = found.recording ? await deps.recordings.stat(found.recording) : null;
        if (!found.recording || !stat) {
          throw hotlineError('HOTLINE_ERR_RECORDING_NOT_FOUND', 'This case has no recording', { trackingNumber });
        }
        return reply
          .header('content-type', 'audio/wav')
          .header('content-length', stat.size)
          .header('content-disposition', `inline; filename="${trackingNumber}.wav"`)
          .send(deps.recordings.createReadStream(found.recording));
      },
    );

    app.post(
      '/cases',
      {
        schema: {
          summary: 'Register a case taken by hand',
          description: 'For cases an operator takes outside the IVR. The actor is the authenticated user.',
          tags: ['cases'],
          body: NewCaseBody,
          response: { 201: { ...CaseBody, description: 'The new case' }, ...errorResponses(400, 403, 413) },
        },
        preHandler: requireRole('admin', 'supervisor', 'agent'),
      },
      async (request, reply) => {
        const { category, district, callerPhone, description, channel } = request.body;
        const created = await deps.cases.create({
          channel: channel ?? 'manual',
          category,
          district: district ?? null,
          callerPhone: callerPhone === undefined ? null : normalizePhoneOrFail(callerPhone, 'body', 'callerPhone'),
          description: description.trim(),
          actor: principalOf(request).id,
        });
        return reply.code(201).send(toCaseDto(created));
      },
    );

    app.patch(
      '/cases/:trackingNumber',
      {
        schema: {
          summary: 'Change the status of a case, or route it to a district',
          description:
            'Status changes follow the case lifecycle: a change the lifecycle does not have is ' +
            '409 HOTLINE_ERR_INVALID_TRANSITION; one it has but not for your role is 403. ' +
            'District users acknowledge, start and resolve their own district\'s cases; agents ' +
            'route, reject, mark duplicates, close and reopen; supervisors and admins may make any ' +
            'change of the lifecycle. If the case changed meanwhile the answer is 409 ' +
            'HOTLINE_ERR_CONFLICT. Either way nothing is changed. Every change is a case event.',
          tags: ['cases'],
          params: TrackingParams,
          body: PatchBody,
          response: { 200: { ...CaseBody, description: 'The case after the change' }, ...errorResponses(400, 403, 404, 409) },
        },
      },
      async (request) => {
        const { trackingNumber } = request.params;
        const { status, note, duplicateOf, district } = request.body;
        const principal = principalOf(request);
        const actor = actorOf(principal);
        const found = await deps.cases.findByTrackingNumber(trackingNumber);
        if (!found || !mayRead(principal, found)) throw caseNotFound(trackingNumber);

        if (status === undefined && district === undefined) {
          throw hotlineError('HOTLINE_ERR_VALIDATION', 'Give a status or a district', { in: 'body', field: 'status' });
        }
        if (district !== undefined) {
          if (!maySetDistrict(actor)) throw hotlineError('HOTLINE_ERR_FORBIDDEN', 'Your role may not route cases');
          if (!isRoutable(status ?? found.status)) {
            throw hotlineError('HOTLINE_ERR_INVALID_TRANSITION', `A ${status ?? found.status} case cannot be routed`, {
              from: found.status,
              district,
            });
          }
        }
        if (status !== undefined) {
          const check = checkTransition(found.status, status, actor, found.district, note);
          if (!check.ok) {
            if (check.reason === 'not_allowed') {
              throw hotlineError('HOTLINE_ERR_INVALID_TRANSITION', `A ${found.status} case cannot become ${status}`, {
                from: found.status,
                to: status,
              });
            }
            if (check.reason === 'district') throw caseNotFound(trackingNumber);
            if (check.reason === 'note') {
              throw hotlineError('HOTLINE_ERR_VALIDATION', `A note is required to set ${status}`, { in: 'body', field: 'note' });
            }
            throw hotlineError('HOTLINE_ERR_FORBIDDEN', `Your role may not move a ${found.status} case to ${status}`, {
              from: found.status,
              to: status,
            });
          }
        }
        let duplicateOfId: string | undefined;
        if ((status === 'duplicate') !== (duplicateOf !== undefined)) {
          throw hotlineError('HOTLINE_ERR_VALIDATION', 'duplicateOf goes with status duplicate, and only with it', {
            in: 'body',
            field: 'duplicateOf',
          });
        }
        if (duplicateOf !== undefined) {
          const original = await deps.cases.findByTrackingNumber(duplicateOf);
          if (!original || original.id === found.id) {
            throw hotlineError('HOTLINE_ERR_VALIDATION', 'duplicateOf must be the tracking number of another case', {
              in: 'body',
              field: 'duplicateOf',
            });
          }
          duplicateOfId = original.id;
        }
        const changed = await deps.cases.transition({
          caseId: found.id,
          from: found.status,
          ...(status !== undefined ? { to: status } : {}),
          ...(district !== undefined ? { district } : {}),
          ...(duplicateOfId !== undefined ? { duplicateOf: duplicateOfId } : {}),
          actor: principal.id,
          note: note ?? null,
          // The engine's clock, as every other change of the case: the history stays in order.
          at: deps.now(),
        });
        return toCaseDto(changed);
      },
    );
  };
}

function caseNotFound(trackingNumber: string) {
  return hotlineError('HOTLINE_ERR_CASE_NOT_FOUND', undefined, { trackingNumber });
}
