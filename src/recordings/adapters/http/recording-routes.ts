import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { QUEUES } from '../../../domain/cases/case.js';
import { hotlineError } from '../../../domain/errors.js';
import { JALALI_DATE_PATTERN, nextJalaliDay, parseJalaliDate, startOfJalaliDay } from '../../../domain/reports/date-range.js';
import { principalOf, requireRole } from '../../../adapters/http/auth.js';
import { TrackingNumber } from '../../../adapters/http/case-dto.js';
import type { HttpDeps, Principal, RecordingReader } from '../../../adapters/http/deps.js';
import { errorResponses } from '../../../adapters/http/errors.js';
import { TextLine } from '../../../adapters/http/input-schema.js';
import { AudioStream } from '../../../adapters/http/routes/cases.js';
import { parseByteRange } from '../../domain/byte-range.js';
import type { CallRecording, RecordingFilter, RecordingsApi } from '../../ports.js';

const Instant = Type.String({ format: 'date-time' });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const JalaliDay = Type.String({ pattern: JALALI_DATE_PATTERN, examples: ['1405-09-11'] });
const Uuid = Type.String({ format: 'uuid' });
/** Any text, so a malformed id answers like an unknown one: 404. */
const IdParams = Type.Object({ id: TextLine({ minLength: 1, maxLength: 64, description: 'Recording id (a UUID)' }) });

export const RecordingBody = Type.Object(
  {
    id: Uuid,
    callId: Uuid,
    kind: Type.Literal('conversation'),
    startedAt: Instant,
    importedAt: Instant,
    bytes: Type.Integer({ minimum: 0 }),
    agentId: Nullable(Uuid),
    agentName: Nullable(Type.String()),
    queue: Type.Union([Type.Enum(QUEUES), Type.Null()]),
    trackingNumber: Nullable(Type.String({ description: "The call's case, when it has one" })),
    available: Type.Boolean({ description: 'false once the audio was purged past its retention' }),
    purgedAt: Nullable(Instant),
  },
  { title: 'CallRecording' },
);

export function toRecordingDto(r: CallRecording) {
  return {
    id: r.id,
    callId: r.callId,
    kind: r.kind,
    startedAt: r.startedAt.toISOString(),
    importedAt: r.importedAt.toISOString(),
    bytes: r.bytes,
    agentId: r.agentId,
    agentName: r.agentName,
    queue: r.queue,
    trackingNumber: r.trackingNumber,
    available: r.recording !== null,
    purgedAt: r.purgedAt ? r.purgedAt.toISOString() : null,
  };
}

const ListQuery = Type.Object(
  {
    trackingNumber: Type.Optional(TrackingNumber),
    callId: Type.Optional(Uuid),
    agentId: Type.Optional(Uuid),
    from: Type.Optional({ ...JalaliDay, description: 'Calls on or after this Jalali day (Tehran)' }),
    to: Type.Optional({ ...JalaliDay, description: 'Calls on or before this Jalali day (Tehran), included' }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
);

function jalaliDay(text: string, field: string) {
  const day = parseJalaliDate(text);
  if (!day) throw hotlineError('HOTLINE_ERR_VALIDATION', `${text} is not a Jalali date`, { in: 'querystring', field });
  return day;
}

/** Supervisors and admins hear every recording; an agent only their own calls (to review a score). */
function mayHear(principal: Principal, r: CallRecording): boolean {
  return principal.role === 'admin' || principal.role === 'supervisor' || (principal.role === 'agent' && r.agentId === principal.id);
}

const notFound = (id: string) => hotlineError('HOTLINE_ERR_RECORDING_NOT_FOUND', 'No such recording', { id });

export function recordingRoutes(deps: Pick<HttpDeps, 'cases' | 'recordings'> & { callRecordings: RecordingsApi }): FastifyPluginAsyncTypebox {
  const reader: RecordingReader = deps.recordings;
  return async (app) => {
    app.get(
      '/recordings',
      {
        schema: {
          summary: 'Recorded conversations',
          description:
            'Newest first. Supervisors and admins see all; an agent sees the recordings of calls they answered. ' +
            '`trackingNumber` lists the recordings of the calls linked to that case.',
          tags: ['recordings'],
          querystring: ListQuery,
          response: { 200: Type.Object({ recordings: Type.Array(RecordingBody) }), ...errorResponses(400, 403) },
        },
        preHandler: requireRole('admin', 'supervisor', 'agent'),
      },
      async (request) => {
        const { trackingNumber, callId, agentId, from, to, limit, offset } = request.query;
        const principal = principalOf(request);
        const filter: RecordingFilter = { limit: limit ?? 50, offset: offset ?? 0 };
        if (trackingNumber !== undefined) {
          const found = await deps.cases.findByTrackingNumber(trackingNumber);
          if (!found) return { recordings: [] };
          filter.caseId = found.id;
        }
        if (callId !== undefined) filter.callId = callId;
        if (agentId !== undefined) filter.agentId = agentId;
        if (principal.role === 'agent') filter.agentId = principal.id;
        if (from !== undefined) filter.from = startOfJalaliDay(jalaliDay(from, 'from'));
        if (to !== undefined) filter.to = startOfJalaliDay(nextJalaliDay(jalaliDay(to, 'to')));
        const rows = await deps.callRecordings.list(filter);
        return { recordings: rows.map(toRecordingDto) };
      },
    );

    app.get(
      '/recordings/:id/audio',
      {
        schema: {
          summary: 'Play a recorded conversation',
          description:
            'WAV audio, with HTTP Range support (206 Partial Content) so a player can seek. ' +
            'Every listen is audited: a request for the whole file or for its start is one listen ' +
            '(GET /api/recordings/{id}/listens); seeking further in is not counted again.',
          tags: ['recordings'],
          params: IdParams,
          response: {
            200: { description: 'The whole recording', content: { 'audio/wav': { schema: AudioStream } } },
            206: { description: 'The part asked for with Range', content: { 'audio/wav': { schema: AudioStream } } },
            ...errorResponses(403, 404, 416),
          },
        },
        preHandler: requireRole('admin', 'supervisor', 'agent'),
      },
      async (request, reply) => {
        const { id } = request.params;
        const principal = principalOf(request);
        const found = /^[0-9a-f-]{36}$/i.test(id) ? await deps.callRecordings.find(id) : null;
        if (!found || !mayHear(principal, found)) throw notFound(id);
        const stat = found.recording ? await reader.stat(found.recording) : null;
        if (!found.recording || !stat) throw hotlineError('HOTLINE_ERR_RECORDING_NOT_FOUND', 'The audio of this recording is no longer kept', { id });
        const range = parseByteRange(request.headers.range, stat.size);
        reply.header('accept-ranges', 'bytes').header('content-type', 'audio/wav').header('content-disposition', `inline; filename="recording-${found.id}.wav"`);
        if (range.kind === 'unsatisfiable') {
          reply.header('content-range', `bytes */${stat.size}`);
          throw hotlineError('HOTLINE_ERR_RANGE_NOT_SATISFIABLE', 'The range lies outside the recording', { size: stat.size });
        }
        if (range.kind === 'full' || range.start === 0) await deps.callRecordings.listened(found.id, { userId: principal.id, role: principal.role });
        if (range.kind === 'full') return reply.header('content-length', stat.size).send(reader.createReadStream(found.recording));
        return reply
          .code(206)
          .header('content-range', `bytes ${range.start}-${range.end}/${stat.size}`)
          .header('content-length', range.end - range.start + 1)
          .send(reader.createReadStream(found.recording, { start: range.start, end: range.end }));
      },
    );

    app.get(
      '/recordings/:id/listens',
      {
        schema: {
          summary: 'Who listened to a recording',
          description: 'The audit trail of a recording: every listen, oldest first (supervisors, admins).',
          tags: ['recordings'],
          params: IdParams,
          response: {
            200: Type.Object({
              listens: Type.Array(Type.Object({ userId: Type.String(), role: Type.String(), listenedAt: Instant }, { title: 'RecordingListen' })),
            }),
            ...errorResponses(403, 404),
          },
        },
        preHandler: requireRole('admin', 'supervisor'),
      },
      async (request) => {
        const { id } = request.params;
        const found = /^[0-9a-f-]{36}$/i.test(id) ? await deps.callRecordings.find(id) : null;
        if (!found) throw notFound(id);
        const listens = await deps.callRecordings.listens(id);
        return { listens: listens.map((l) => ({ userId: l.userId, role: l.role, listenedAt: l.listenedAt.toISOString() })) };
      },
    );
  };
}
