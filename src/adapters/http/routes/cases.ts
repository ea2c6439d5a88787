import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { TextBlock, TextLine } from '../input-schema.js';
import { CASE_CHANNELS, type Case, type CaseFilter } from '../../../domain/cases/case.js';
import { checkTransition, isRoutable, mayReclassify, maySetDistrict, type Actor } from '../../../domain/cases/lifecycle.js';
import { maskPhone } from '../../../domain/phone.js';
import { maskEmail } from '../../../email/domain/inbound.js';
import { JALALI_DATE_PATTERN, nextJalaliDay, parseJalaliDate, startOfJalaliDay } from '../../../domain/reports/date-range.js';
import { principalOf, requireRole } from '../auth.js';
import type { Principal } from '../deps.js';
import {
  CaseBody,
  CaseWithEventsBody,
  Category,
  District,
  Status,
  TrackingNumber,
  UnitId,
  nullable,
  toCaseDto,
  toCaseWithEventsDto,
  type CaseDto,
} from '../case-dto.js';
import type { HttpDeps } from '../deps.js';
import { hotlineError } from '../../../domain/errors.js';
import { errorResponses } from '../errors.js';
import { normalizePhoneOrFail } from '../phone.js';

const MANUAL_CHANNELS = ['manual', 'phone', 'web', 'sms'] as const;

/** Paging past this many cases is a mistake or a probe; PostgreSQL's OFFSET would overflow at 2^63. */
const MAX_OFFSET = 1_000_000;

const Phone = TextLine({ minLength: 1, maxLength: 32, examples: ['09121234567'] });

const JalaliDay = Type.String({ pattern: JALALI_DATE_PATTERN, examples: ['1405-01-01'] });
const Flag = (description: string) => Type.Optional(Type.Boolean({ description }));

const ListQuery = Type.Object(
  {
    phone: Type.Optional({ ...Phone, description: "The caller's number, normalised before matching" }),
    trackingNumber: Type.Optional(TrackingNumber),
    status: Type.Optional(Status),
    district: Type.Optional(District),
    category: Type.Optional(Category),
    channel: Type.Optional(Type.Enum(CASE_CHANNELS)),
    overdue: Flag('true: open cases past their SLA (flagged by the sweep); false: the others'),
    unclassified: Flag('true: cases with no category yet; false: classified ones'),
    toTriage: Flag('true: open cases missing a category or a district (the "to triage" view)'),
    hasRecording: Flag('true: cases with a voice recording; false: without'),
    from: Type.Optional({ ...JalaliDay, description: 'Registered on or after this Jalali day (Tehran)' }),
    to: Type.Optional({ ...JalaliDay, description: 'Registered on or before this Jalali day (Tehran), included' }),
    q: Type.Optional(
      TextLine({ minLength: 1, maxLength: 100, description: 'Words to find in the description or the address' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_OFFSET, default: 0 })),
  },
  { additionalProperties: false },
);

/** A streamed WAV answer, for the OpenAPI document (the route sends a stream, not JSON). */
export const AudioStream = Type.Unsafe<NodeJS.ReadableStream>({ type: 'string', format: 'binary' });

const TrackingParams = Type.Object({ trackingNumber: TrackingNumber });

const NewCaseBody = Type.Object(
  {
    category: Category,
    district: Type.Optional(District),
    callerPhone: Type.Optional(Phone),
    description: TextBlock({ minLength: 1, maxLength: 4000, pattern: '\\S' }),
    channel: Type.Optional(Type.Enum(MANUAL_CHANNELS, { default: 'manual' })),
  },
  { additionalProperties: false },
);

const PatchBody = Type.Object(
  {
    status: Type.Optional(Status),
    category: Type.Optional({ ...Category, description: 'Reclassifies the case (admin, supervisor, agent); its SLA follows' }),
    note: Type.Optional(
      TextBlock({ maxLength: 4000, description: 'Why; required for resolved, rejected and reopened. Alone, it adds a note to the history.' }),
    ),
    duplicateOf: Type.Optional({ ...TrackingNumber, description: 'For status `duplicate`: the case this one repeats' }),
    district: Type.Optional({ ...District, description: 'Routes the case to this district (admin, supervisor, agent)' }),
    unit: Type.Optional(
      nullable({ ...UnitId, description: "Routes the case to a unit (its district comes with it) or a city-wide body; null clears it" }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** A district user sees only the cases of their district; everyone else sees all. */
export function mayRead(principal: Principal, c: Pick<Case, 'district'>): boolean {
  return principal.role !== 'district' || (principal.district != null && principal.district === c.district);
}

export function actorOf(principal: Principal): Actor {
  return { role: principal.role, district: principal.district ?? null };
}

/**
 * A district sees the caller's number masked: it asks for it (an audited request,
 * POST /cases/:trackingNumber/reveal-phone) when it calls the citizen back.
 */
export function forViewer<T extends { callerPhone: string | null; reporter: CaseDto['reporter'] }>(principal: Principal, dto: T): T {
  if (principal.role !== 'district') return dto;
  const reporter = dto.reporter && { ...dto.reporter, email: maskEmail(dto.reporter.email), phone: maskPhone(dto.reporter.phone) };
  return { ...dto, callerPhone: maskPhone(dto.callerPhone), reporter };
}

/** The Jalali day range of the list as instants: [start of `from`, end of `to`]. */
function createdRange(from: string | undefined, to: string | undefined): Pick<CaseFilter, 'createdFrom' | 'createdTo'> {
  const day = (text: string, field: string) => {
    const parsed = parseJalaliDate(text);
    if (!parsed) throw hotlineError('HOTLINE_ERR_VALIDATION', `${text} is not a Jalali date`, { in: 'querystring', field });
    return parsed;
  };
  return {
    ...(from !== undefined ? { createdFrom: startOfJalaliDay(day(from, 'from')) } : {}),
    ...(to !== undefined ? { createdTo: new Date(startOfJalaliDay(nextJalaliDay(day(to, 'to'))).getTime() - 1) } : {}),
  };
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
            'A district user gets only the cases of their own district, whatever `district` says, ' +
            "with the caller's number masked.",
          tags: ['cases'],
          querystring: ListQuery,
          response: {
            200: Type.Object({ cases: Type.Array(CaseBody) }, { description: 'Matching cases' }),
            ...errorResponses(400, 403),
          },
        },
      },
      async (request) => {
        const { phone, trackingNumber, from, to, q, ...rest } = request.query;
        const filter: CaseFilter = { ...rest, ...createdRange(from, to) };
        if (trackingNumber !== undefined) filter.trackingNumbers = [trackingNumber];
        if (q !== undefined && q.trim() !== '') filter.text = q.trim();
        const principal = principalOf(request);
        if (principal.role === 'district') {
          if (principal.district == null) throw hotlineError('HOTLINE_ERR_FORBIDDEN', 'This district account has no district');
          filter.district = principal.district;
        }
        if (phone !== undefined) filter.phone = normalizePhoneOrFail(phone, 'querystring', 'phone');
        const cases = await deps.cases.list(filter);
        return { cases: cases.map((c) => forViewer(principal, toCaseDto(c))) };
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
        const principal = principalOf(request);
        // Another district's case answers as if it did not exist: its number says nothing.
        if (!found || !mayRead(principal, found)) throw caseNotFound(request.params.trackingNumber);
        return forViewer(principal, toCaseWithEventsDto(found));
      },
    );

    app.get(
      '/cases/:trackingNumber/photos',
      {
        schema: {
          summary: "The case's photos",
          description:
            'Photos sent with the case (web form, Open311, e-mail; metadata stripped) and links an Open311 client gave. ' +
            'Each stored photo is at `/api/cases/{trackingNumber}/photos/{id}`. District users: their district\'s cases only.',
          tags: ['cases'],
          params: TrackingParams,
          response: {
            200: Type.Array(
              Type.Object({
                id: Type.String(),
                source: Type.String(),
                contentType: Type.Union([Type.String(), Type.Null()]),
                bytes: Type.Union([Type.Integer(), Type.Null()]),
                url: Type.String({ description: 'Where to fetch it: our photo route, or the link as given' }),
                lat: Type.Union([Type.Number(), Type.Null()]),
                long: Type.Union([Type.Number(), Type.Null()]),
                createdAt: Type.String({ format: 'date-time' }),
              }),
              { description: 'Photos, oldest first' },
            ),
            ...errorResponses(400, 404),
          },
        },
      },
      async (request) => {
        const { trackingNumber } = request.params;
        const found = await deps.cases.findByTrackingNumber(trackingNumber);
        if (!found || !mayRead(principalOf(request), found)) throw caseNotFound(trackingNumber);
        const media = await deps.cases.media([found.id]);
        return media.map((m) => ({
          id: m.id,
          source: m.source,
          contentType: m.contentType,
          bytes: m.bytes,
          url: m.storedKey !== null ? `/api/cases/${trackingNumber}/photos/${m.id}` : m.sourceUrl!,
          lat: m.lat,
          long: m.long,
          createdAt: m.createdAt.toISOString(),
        }));
      },
    );

    app.get(
      '/cases/:trackingNumber/photos/:photoId',
      {
        schema: {
          summary: 'One photo of a case',
          description: 'The photo as stored (its EXIF and other metadata stripped).',
          tags: ['cases'],
          params: Type.Object({ trackingNumber: TrackingNumber, photoId: Type.String({ format: 'uuid' }) }),
          response: {
            200: { description: 'The photo', content: { 'image/jpeg': { schema: AudioStream }, 'image/png': { schema: AudioStream }, 'image/webp': { schema: AudioStream } } },
            ...errorResponses(400, 404),
          },
        },
      },
      async (request, reply) => {
        const { trackingNumber, photoId } = request.params;
        const found = await deps.cases.findByTrackingNumber(trackingNumber);
        if (!found || !mayRead(principalOf(request), found)) throw caseNotFound(trackingNumber);
        const media = await deps.cases.findMedia(photoId);
        const stat = media?.storedKey && media.caseId === found.id ? await deps.recordings.stat(media.storedKey) : null;
        if (!media?.storedKey || !stat) throw hotlineError('HOTLINE_ERR_NOT_FOUND', 'This case has no such photo', { trackingNumber });
        return reply
          .header('content-type', media.contentType ?? 'application/octet-stream')
          .header('content-length', stat.size)
          .header('cache-control', 'private, max-age=3600')
          .send(deps.recordings.createReadStream(media.storedKey));
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
          summary: 'Change the status of a case, reclassify it, route it to a district, or add a note',
          description:
            'Status changes follow the case lifecycle: a change the lifecycle does not have is ' +
            '409 HOTLINE_ERR_INVALID_TRANSITION; one it has but not for your role is 403. ' +
            'District users acknowledge, start and resolve their own district\'s cases; agents ' +
            'route, reject, mark duplicates, close and reopen; supervisors and admins may make any ' +
            'change of the lifecycle. If the case changed meanwhile the answer is 409 ' +
            'HOTLINE_ERR_CONFLICT. Either way nothing is changed. Every change is a case event. ' +
            '`category` reclassifies (admins, supervisors, agents; a `category` event); a `note` alone ' +
            'adds a `note` event and changes nothing else. A district user sees the number masked.',
          tags: ['cases'],
          params: TrackingParams,
          body: PatchBody,
          response: { 200: { ...CaseBody, description: 'The case after the change' }, ...errorResponses(400, 403, 404, 409) },
        },
      },
      async (request) => {
        const { trackingNumber } = request.params;
        const { status, note, duplicateOf, district, category, unit } = request.body;
        const principal = principalOf(request);
        const actor = actorOf(principal);
        const found = await deps.cases.findByTrackingNumber(trackingNumber);
        if (!found || !mayRead(principal, found)) throw caseNotFound(trackingNumber);

        if (status === undefined && district === undefined && category === undefined && unit === undefined) {
          if (!note?.trim()) {
            throw hotlineError('HOTLINE_ERR_VALIDATION', 'Give a status, a category, a district or a note', { in: 'body', field: 'status' });
          }
          await deps.cases.remark({ caseId: found.id, kind: 'note', actor: principal.id, note });
          return forViewer(principal, toCaseDto(found));
        }
        if (category !== undefined) {
          if (!mayReclassify(actor)) throw hotlineError('HOTLINE_ERR_FORBIDDEN', 'Your role may not reclassify cases');
          if (!isRoutable(status ?? found.status)) {
            throw hotlineError('HOTLINE_ERR_INVALID_TRANSITION', `A ${status ?? found.status} case cannot be reclassified`, {
              from: found.status,
              category,
            });
          }
        }
        if (district !== undefined || unit !== undefined) {
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
          ...(unit !== undefined ? { unit } : {}),
          ...(category !== undefined ? { category } : {}),
          ...(duplicateOfId !== undefined ? { duplicateOf: duplicateOfId } : {}),
          actor: principal.id,
          note: note ?? null,
          // The engine's clock, as every other change of the case: the history stays in order.
          at: deps.now(),
        });
        return forViewer(principal, toCaseDto(changed));
      },
    );
  };
}

export function caseNotFound(trackingNumber: string) {
  return hotlineError('HOTLINE_ERR_CASE_NOT_FOUND', undefined, { trackingNumber });
}
