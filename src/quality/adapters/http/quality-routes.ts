import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { QUEUES } from '../../../domain/cases/case.js';
import { hotlineError } from '../../../domain/errors.js';
import { JALALI_DATE_PATTERN, parseJalaliDate, reportRange, startOfJalaliDay, nextJalaliDay, ReportRangeError } from '../../../domain/reports/date-range.js';
import { principalOf, requireRole } from '../../../adapters/http/auth.js';
import { errorResponses } from '../../../adapters/http/errors.js';
import { TextBlock, TextLine } from '../../../adapters/http/input-schema.js';
import { RecordingBody, toRecordingDto } from '../../../recordings/adapters/http/recording-routes.js';
import { PERIODS } from '../../domain/periods.js';
import { QA_GROUPINGS, DISPUTE_STATUSES } from '../../domain/scoring.js';
import type { QaEvaluation, QaForm } from '../../ports.js';
import type { QualityApi } from '../../quality-service.js';

const Instant = Type.String({ format: 'date-time' });
const Uuid = Type.String({ format: 'uuid' });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const IdParams = Type.Object({ id: TextLine({ minLength: 1, maxLength: 64 }) });
const JalaliDay = Type.String({ pattern: JALALI_DATE_PATTERN, examples: ['1405-09-07'] });
const AnswersBody = Type.Record(Type.String({ pattern: '^[a-z0-9_-]{1,40}$' }), Type.Union([Type.Integer({ minimum: 0, maximum: 100 }), Type.Null()]), {
  description: 'Criterion id → 0..100 (critical criteria: 100 pass, 0 fail), or null where it did not apply',
  maxProperties: 30,
});

const CriterionBody = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9_-]{1,40}$' }),
    label: TextLine({ minLength: 1, maxLength: 200 }),
    weight: Type.Integer({ minimum: 1, maximum: 100 }),
    critical: Type.Boolean({ description: 'Pass/fail; a fail makes the whole call 0' }),
  },
  { additionalProperties: false, title: 'QaCriterion' },
);
const FormBody = Type.Object({ id: Uuid, name: Type.String(), criteria: Type.Array(CriterionBody), createdBy: Type.String(), createdAt: Instant }, { title: 'QaForm' });
const EvaluationBody = Type.Object(
  {
    id: Uuid,
    recordingId: Uuid,
    formId: Uuid,
    callId: Uuid,
    agentId: Nullable(Uuid),
    queue: Type.Union([Type.Enum(QUEUES), Type.Null()]),
    evaluatorId: Type.String(),
    answers: AnswersBody,
    score: Type.Number({ minimum: 0, maximum: 100 }),
    criticalFailed: Type.Boolean(),
    comment: Nullable(Type.String()),
    createdAt: Instant,
    callStartedAt: Instant,
    disputeStatus: Type.Union([Type.Enum(DISPUTE_STATUSES), Type.Null()]),
    disputeReason: Nullable(Type.String()),
    resolutionNote: Nullable(Type.String()),
  },
  { title: 'QaEvaluation' },
);

const formDto = (f: QaForm) => ({ id: f.id, name: f.name, criteria: f.criteria, createdBy: f.createdBy, createdAt: f.createdAt.toISOString() });
const evaluationDto = (e: QaEvaluation) => ({
  id: e.id,
  recordingId: e.recordingId,
  formId: e.formId,
  callId: e.callId,
  agentId: e.agentId,
  queue: e.queue,
  evaluatorId: e.evaluatorId,
  answers: e.answers,
  score: e.score,
  criticalFailed: e.criticalFailed,
  comment: e.comment,
  createdAt: e.createdAt.toISOString(),
  callStartedAt: e.callStartedAt.toISOString(),
  disputeStatus: e.disputeStatus,
  disputeReason: e.disputeReason,
  resolutionNote: e.resolutionNote,
});

export function qualityRoutes(deps: { quality: QualityApi }): FastifyPluginAsyncTypebox {
  const back = requireRole('admin', 'supervisor');
  const quality = deps.quality.service;
  return async (app) => {
    app.get(
      '/qa/forms',
      {
        schema: { summary: 'Evaluation forms', tags: ['quality'], response: { 200: Type.Object({ forms: Type.Array(FormBody) }), ...errorResponses(403) } },
        preHandler: requireRole('admin', 'supervisor', 'agent'),
      },
      async () => ({ forms: (await quality.listForms()).map(formDto) }),
    );
    app.post(
      '/qa/forms',
      {
        schema: {
          summary: 'Define an evaluation form',
          description: 'Weighted criteria (1–100), some critical (pass/fail: a fail makes the call 0). Supervisors and admins.',
          tags: ['quality'],
          body: Type.Object({ name: TextLine({ minLength: 1, maxLength: 200 }), criteria: Type.Array(CriterionBody, { minItems: 1, maxItems: 30 }) }, { additionalProperties: false }),
          response: { 201: FormBody, ...errorResponses(400, 403) },
        },
        preHandler: back,
      },
      async (request, reply) => reply.code(201).send(formDto(await quality.createForm(request.body, principalOf(request)))),
    );

    app.post(
      '/qa/evaluations',
      {
        schema: {
          summary: 'Score a recorded call',
          description: 'One score per supervisor and call (409 for a second); a second supervisor on the same call is calibration.',
          tags: ['quality'],
          body: Type.Object(
            { recordingId: Uuid, formId: Uuid, answers: AnswersBody, comment: Type.Optional(TextBlock({ maxLength: 4000 })) },
            { additionalProperties: false },
          ),
          response: { 201: EvaluationBody, ...errorResponses(400, 403, 404, 409) },
        },
        preHandler: back,
      },
      async (request, reply) => reply.code(201).send(evaluationDto(await quality.evaluate(request.body, principalOf(request)))),
    );
    app.get(
      '/qa/evaluations',
      {
        schema: {
          summary: 'Scores and comments',
          description:
            'Newest call first. An agent gets the scores of their own calls (the desk shows them); supervisors and admins any agent\'s. `disputeStatus=open` lists the disputes waiting for an answer.',
          tags: ['quality'],
          querystring: Type.Object(
            { agentId: Type.Optional(Uuid), recordingId: Type.Optional(Uuid), disputeStatus: Type.Optional(Type.Enum(DISPUTE_STATUSES)) },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ evaluations: Type.Array(EvaluationBody) }), ...errorResponses(400, 403) },
        },
        preHandler: requireRole('admin', 'supervisor', 'agent'),
      },
      async (request) => ({ evaluations: (await quality.evaluations(request.query, principalOf(request))).map(evaluationDto) }),
    );
    app.post(
      '/qa/evaluations/:id/dispute',
      {
        schema: {
          summary: 'Dispute a score (the agent, once)',
          tags: ['quality'],
          params: IdParams,
          body: Type.Object({ reason: TextBlock({ minLength: 1, maxLength: 4000 }) }, { additionalProperties: false }),
          response: { 200: EvaluationBody, ...errorResponses(400, 403, 404, 409) },
        },
        preHandler: requireRole('agent'),
      },
      async (request) => evaluationDto(await quality.dispute(request.params.id, request.body.reason, principalOf(request))),
    );
    app.post(
      '/qa/evaluations/:id/resolve',
      {
        schema: {
          summary: 'Settle a dispute',
          description: '`upheld` keeps the score; `revised` rescores with new answers. Supervisors and admins.',
          tags: ['quality'],
          params: IdParams,
          body: Type.Object(
            { outcome: Type.Union([Type.Literal('upheld'), Type.Literal('revised')]), note: TextBlock({ minLength: 1, maxLength: 4000 }), answers: Type.Optional(AnswersBody) },
            { additionalProperties: false },
          ),
          response: { 200: EvaluationBody, ...errorResponses(400, 403, 404, 409) },
        },
        preHandler: back,
      },
      async (request) => evaluationDto(await quality.resolve(request.params.id, request.body, principalOf(request))),
    );
    app.get(
      '/qa/recordings/:id/calibration',
      {
        schema: {
          summary: 'Calibration of one call',
          description: 'Every supervisor\'s score of the call, with mean, variance and spread (null with fewer than two).',
          tags: ['quality'],
          params: IdParams,
          response: {
            200: Type.Object({
              recordingId: Uuid,
              evaluations: Type.Array(EvaluationBody),
              calibration: Type.Union([
                Type.Object({ evaluations: Type.Integer(), mean: Type.Number(), variance: Type.Number(), spread: Type.Number(), criticalDisagreement: Type.Boolean() }),
                Type.Null(),
              ]),
            }),
            ...errorResponses(403, 404),
          },
        },
        preHandler: back,
      },
      async (request) => {
        const result = await quality.calibration(request.params.id);
        return { ...result, evaluations: result.evaluations.map(evaluationDto) };
      },
    );
    app.get(
      '/qa/sample',
      {
        schema: {
          summary: "The week's proposed calls per agent",
          description: 'A random but reproducible sample of each agent\'s recorded, not yet scored calls of the Jalali week (Saturday to Friday) starting `week`.',
          tags: ['quality'],
          querystring: Type.Object({ week: JalaliDay, perAgent: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, default: 3 })) }, { additionalProperties: false }),
          response: { 200: Type.Object({ recordings: Type.Array(RecordingBody) }), ...errorResponses(400, 403) },
        },
        preHandler: back,
      },
      async (request) => {
        const day = parseJalaliDate(request.query.week);
        if (!day) throw hotlineError('HOTLINE_ERR_VALIDATION', `${request.query.week} is not a Jalali date`, { in: 'querystring', field: 'week' });
        const week = { from: startOfJalaliDay(day), to: startOfJalaliDay(nextJalaliDay(day, 7)), key: request.query.week };
        return { recordings: (await quality.weeklySample(week, request.query.perAgent ?? 3)).map(toRecordingDto) };
      },
    );
    app.get(
      '/reports/quality',
      {
        schema: {
          summary: 'Quality scores by agent, team, queue or criterion',
          description: 'Mean score, critical-fail rate and its trend per `period` over a Jalali range (by the date of the call).',
          tags: ['reports'],
          querystring: Type.Object(
            { from: JalaliDay, to: JalaliDay, by: Type.Enum(QA_GROUPINGS), period: Type.Optional(Type.Enum(PERIODS, { default: 'week' })) },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              rows: Type.Array(
                Type.Object({
                  key: Type.Union([Type.String(), Type.Null()]),
                  evaluations: Type.Integer(),
                  meanScore: Type.Union([Type.Number(), Type.Null()]),
                  criticalFailRate: Type.Union([Type.Number(), Type.Null()]),
                  trend: Type.Array(Type.Object({ period: Type.String(), meanScore: Type.Number(), evaluations: Type.Integer() })),
                }),
              ),
            }),
            ...errorResponses(400, 403),
          },
        },
        preHandler: back,
      },
      async (request) => {
        const { from, to, by, period } = request.query;
        let range;
        try {
          range = reportRange(from, to);
        } catch (err) {
          if (err instanceof ReportRangeError) throw hotlineError('HOTLINE_ERR_VALIDATION', err.message, { in: 'querystring', field: err.field });
          throw err;
        }
        const teams = await deps.quality.teams();
        return { rows: await quality.report(range, by, period ?? 'week', (id) => (id ? (teams.get(id) ?? null) : null)) };
      },
    );
  };
}
