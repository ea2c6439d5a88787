import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { TextBlock, TextLine } from '../input-schema.js';
import { hotlineError } from '../../../domain/errors.js';
import { principalOf, requireRole } from '../auth.js';
import { TrackingNumber } from '../case-dto.js';
import type { HttpDeps } from '../deps.js';
import { errorResponses } from '../errors.js';
import { normalizePhoneOrFail } from '../phone.js';
import type { SurveyWithAttempts } from '../../../outbound/services/survey-service.js';
import { SURVEY_RECORD_STATUSES } from '../../../outbound/domain/survey-eligibility.js';
import { ATTEMPT_OUTCOMES } from '../../../outbound/domain/retry-policy.js';
import { normalizePhone } from '../../../domain/phone.js';
import { CASE_CATEGORIES } from '../../../domain/cases/case.js';
import type { FlaggedSurveyRow } from '../../../outbound/adapters/db/survey-repo.js';
import { AudioStream } from './cases.js';

const Phone = TextLine({ minLength: 1, maxLength: 32, examples: ['09121234567'] });
/** Any text, so that a malformed id answers like an unknown one: 404 (the repository takes only UUIDs). */
const SurveyParams = Type.Object({ id: TextLine({ minLength: 1, maxLength: 64, description: 'Survey id (a UUID)' }) });
const Instant = Type.String({ format: 'date-time' });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

const DoNotCallEntry = Type.Object(
  {
    phone: Type.String({ description: 'Canonical form (as the hotline dials it)' }),
    reason: Type.String(),
    actor: Type.String({ description: "User id, or 'survey' when the citizen pressed 9 in a survey" }),
    createdAt: Instant,
  },
  { title: 'DoNotCallEntry' },
);

const NewDoNotCall = Type.Object(
  { phone: Phone, reason: Type.Optional(TextLine({ minLength: 1, maxLength: 500 })) },
  { additionalProperties: false },
);

const Attempt = Type.Object(
  {
    attempt: Type.Integer({ minimum: 1 }),
    startedAt: Instant,
    endedAt: Nullable(Instant),
    hangupCause: Type.Union([Type.Integer(), Type.Null()], { description: 'Q.850 cause from Asterisk' }),
    hangupCauseName: Nullable(Type.String()),
    outcome: Type.Union([Type.Enum(ATTEMPT_OUTCOMES), Type.Null()], { description: 'null while the call is on' }),
  },
  { title: 'SurveyAttempt' },
);

const Survey = Type.Object(
  {
    id: Type.String(),
    surveyNumber: Type.Integer({ minimum: 1 }),
    status: Type.Enum(SURVEY_RECORD_STATUSES),
    scheduledAt: Instant,
    endReason: Nullable(Type.String()),
    answeredAt: Nullable(Instant),
    solved: Type.Union([Type.Boolean(), Type.Null()]),
    rating: Type.Union([Type.Integer({ minimum: 1, maximum: 5 }), Type.Null()]),
    commentRecording: Nullable(Type.String({ description: 'Key of the voice comment in the engine\'s store (GET /api/surveys/{id}/comment plays it)' })),
    flaggedAt: Type.Union([Instant, Type.Null()], { description: 'Set when the answers reopened the case for a supervisor' }),
    attempts: Type.Array(Attempt),
  },
  { title: 'Survey' },
);

const FlaggedSurvey = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    trackingNumber: Type.String({ description: "The case's tracking number" }),
    category: Type.Union([Type.Enum(CASE_CATEGORIES), Type.Null()]),
    district: Type.Union([Type.Integer({ minimum: 1, maximum: 22 }), Type.Null()]),
    rating: Type.Union([Type.Integer({ minimum: 1, maximum: 5 }), Type.Null()]),
    solved: Type.Union([Type.Boolean(), Type.Null()], { description: 'null: the question was not answered' }),
    hasCommentRecording: Type.Boolean({ description: 'The citizen left a voice comment (GET /api/surveys/{id}/comment plays it)' }),
    answeredAt: Nullable(Instant),
    flaggedAt: Instant,
    reviewed: Type.Boolean({ description: 'A supervisor has marked it reviewed' }),
    reviewedAt: Nullable(Instant),
    reviewedBy: Nullable(Type.String({ description: 'User id of the reviewer' })),
    reviewNote: Nullable(Type.String()),
  },
  { title: 'FlaggedSurvey' },
);

function toFlaggedDto(f: FlaggedSurveyRow) {
  return {
    id: f.id,
    trackingNumber: f.trackingNumber,
    category: f.category,
    district: f.district,
    rating: f.rating,
    solved: f.solved,
    hasCommentRecording: f.hasCommentRecording,
    answeredAt: f.answeredAt ? f.answeredAt.toISOString() : null,
    flaggedAt: f.flaggedAt.toISOString(),
    reviewed: f.reviewedAt !== null,
    reviewedAt: f.reviewedAt ? f.reviewedAt.toISOString() : null,
    reviewedBy: f.reviewedBy,
    reviewNote: f.reviewNote,
  };
}

function toSurveyDto(s: SurveyWithAttempts) {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: s.id,
    surveyNumber: s.surveyNumber,
    status: s.status,
    scheduledAt: s.scheduledAt.toISOString(),
    endReason: s.endReason,
    answeredAt: iso(s.answeredAt),
    solved: s.solved,
    rating: s.rating,
    commentRecording: s.commentRecording,
    flaggedAt: iso(s.flaggedAt),
    attempts: s.attemptHistory.map((a) => ({
      attempt: a.attempt,
      startedAt: a.startedAt.toISOString(),
      endedAt: iso(a.endedAt),
      hangupCause: a.hangupCause,
      hangupCauseName: a.hangupCauseName,
      outcome: a.outcome as (typeof ATTEMPT_OUTCOMES)[number] | null,
    })),
  };
}

export function surveyRoutes(deps: Pick<HttpDeps, 'surveys' | 'recordings'>): FastifyPluginAsyncTypebox {
  const surveys = () => {
    if (!deps.surveys) throw hotlineError('HOTLINE_ERR_DEPENDENCY_DOWN', 'Surveys are not running');
    return deps.surveys;
  };
  const entry = (r: { phone: string; reason: string; actor: string; createdAt: Date }) => ({ ...r, createdAt: r.createdAt.toISOString() });

  return async (app) => {
    app.get(
      '/do-not-call',
      {
        schema: {
          summary: 'List the numbers the hotline never calls back',
          description: 'Surveys and callbacks skip these numbers; newest first.',
          tags: ['surveys'],
          response: { 200: Type.Array(DoNotCallEntry), ...errorResponses(403, 503) },
        },
        preHandler: requireRole('admin', 'supervisor'),
      },
      async () => (await surveys().doNotCall.list()).map(entry),
    );

    app.post(
      '/do-not-call',
      {
        schema: {
          summary: 'Add a number to the do-not-call list',
          description: 'The number is normalised (`+98 912…` and `0912…` are one entry); adding it again keeps the first entry.',
          tags: ['surveys'],
          body: NewDoNotCall,
          response: { 201: DoNotCallEntry, ...errorResponses(400, 403, 503) },
        },
        preHandler: requireRole('admin', 'supervisor'),
      },
      async (request, reply) => {
        const phone = normalizePhoneOrFail(request.body.phone, 'body', 'phone');
        const added = await surveys().doNotCall.add(phone, request.body.reason?.trim() || 'requested', principalOf(request).id);
        return reply.code(201).send(entry(added));
      },
    );

    app.delete(
      '/do-not-call/:phone',
      {
        schema: {
          summary: 'Remove a number from the do-not-call list',
          description: 'Any spelling of the number is accepted; it is normalised first.',
          tags: ['surveys'],
          params: Type.Object({ phone: Phone }),
          response: { 204: Type.Null({ description: 'Removed' }), ...errorResponses(400, 403, 404, 503) },
        },
        preHandler: requireRole('admin', 'supervisor'),
      },
      async (request, reply) => {
        const phone = normalizePhone(request.params.phone);
        if (phone === null) {
          throw hotlineError('HOTLINE_ERR_VALIDATION', 'params/phone is not a phone number', { in: 'params', field: 'phone' });
        }
        await surveys().doNotCall.remove(phone);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/cases/:trackingNumber/surveys',
      {
        schema: {
          summary: 'Satisfaction surveys of a case',
          description: 'Each survey with its attempt history (hangup causes) and the answers, oldest first.',
          tags: ['surveys'],
          params: Type.Object({ trackingNumber: TrackingNumber }),
          response: { 200: Type.Array(Survey), ...errorResponses(403, 404, 503) },
        },
        preHandler: requireRole('admin', 'supervisor'),
      },
      async (request) => (await surveys().listForCase(request.params.trackingNumber)).map(toSurveyDto),
    );

    app.get(
      '/surveys/flagged',
      {
        schema: {
          summary: 'Surveys flagged for a supervisor',
          description:
            'Surveys whose answers reopened the case (problem not solved, or a rating of 1 or 2), newest flag first. ' +
            '`reviewed=false` lists only those no supervisor has marked reviewed yet.',
          tags: ['surveys'],
          querystring: Type.Object({
            reviewed: Type.Optional(Type.Boolean({ description: 'Only reviewed (true) or unreviewed (false) ones; both when absent' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
          }),
          response: { 200: Type.Array(FlaggedSurvey), ...errorResponses(400, 403, 503) },
        },
        preHandler: requireRole('admin', 'supervisor'),
      },
      async (request) => {
        const { reviewed, limit = 100 } = request.query;
        return (await surveys().flagged({ reviewed, limit })).map(toFlaggedDto);
      },
    );

    app.get(
      '/surveys/:id/comment',
      {
        schema: {
          summary: "The citizen's voice comment on a survey",
          description:
            'The comment left at the end of the survey call, as WAV audio, streamed. 404 ' +
            'HOTLINE_ERR_RECORDING_NOT_FOUND when the survey has no comment (or its audio is missing), ' +
            'HOTLINE_ERR_NOT_FOUND when there is no such survey.',
          tags: ['surveys'],
          params: SurveyParams,
          // No `produces`: it would list the JSON error answers as audio/wav too.
          response: {
            200: { description: 'The comment', content: { 'audio/wav': { schema: AudioStream } } },
            ...errorResponses(403, 404, 503),
          },
        },
        preHandler: requireRole('admin', 'supervisor'),
      },
      async (request, reply) => {
        const { id } = request.params;
        const key = await surveys().commentRecording(id);
        const stat = await deps.recordings.stat(key);
        if (!stat) throw hotlineError('HOTLINE_ERR_RECORDING_NOT_FOUND', "This survey's voice comment is missing", { surveyId: id });
        return reply
          .header('content-type', 'audio/wav')
          .header('content-length', stat.size)
          .header('content-disposition', `inline; filename="survey-${id}-comment.wav"`)
          .send(deps.recordings.createReadStream(key));
      },
    );

    app.post(
      '/surveys/:id/review',
      {
        schema: {
          summary: 'Mark a flagged survey reviewed',
          description:
            'A supervisor has looked at the answers (and the reopened case). Idempotent: reviewing it again answers ' +
            'the same, keeping the first review and its note. 409 when the survey is not flagged.',
          tags: ['surveys'],
          params: SurveyParams,
          body: Type.Object(
            { note: Type.Optional(TextBlock({ maxLength: 2000, description: 'What was done about it' })) },
            { additionalProperties: false, description: 'Optional: a POST without a body is a review without a note' },
          ),
          response: { 200: FlaggedSurvey, ...errorResponses(400, 403, 404, 409, 503) },
        },
        preHandler: requireRole('admin', 'supervisor'),
        // A bare POST (the page's "reviewed" button) is a review without a note.
        preValidation: async (request) => {
          request.body ??= {};
        },
      },
      async (request) => {
        const note = request.body.note?.trim() || null;
        return toFlaggedDto(await surveys().review(request.params.id, principalOf(request).id, note));
      },
    );
  };
}
