import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { CaseFilter } from '../../../domain/cases/case.js';
import { principalOf } from '../auth.js';
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

const AudioStream = Type.Unsafe<NodeJS.ReadableStream>({ type: 'string', format: 'binary' });

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

export function caseRoutes(deps: Pick<HttpDeps, 'cases' | 'recordings'>): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/cases',
      {
        schema: {
          summary: 'List cases',
          description: 'Newest first; filters combine with AND. `phone` is normalised before matching.',
          tags: ['cases'],
          querystring: ListQuery,
          response: {
            200: Type.Object({ cases: Type.Array(CaseBody) }, { description: 'Matching cases' }),
            ...errorResponses(400),
          },
        },
      },
      async (request) => {
        const { phone, ...rest } = request.query;
        const filter: CaseFilter = { ...rest };
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
        if (!found) throw caseNotFound(request.params.trackingNumber);
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
        if (!found) throw caseNotFound(trackingNumber);
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
          response: { 201: { ...CaseBody, description: 'The new case' }, ...errorResponses(400, 413) },
        },
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
  };
}

function caseNotFound(trackingNumber: string) {
  return hotlineError('HOTLINE_ERR_CASE_NOT_FOUND', undefined, { trackingNumber });
}
