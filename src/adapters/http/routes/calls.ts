import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { TextBlock, TextLine } from '../input-schema.js';
import type { Call } from '../../../domain/cases/ports.js';
import { hotlineError } from '../../../domain/errors.js';
import { principalOf, requireRole } from '../auth.js';
import { CaseBody, Category, District, TrackingNumber, toCaseDto } from '../case-dto.js';
import type { HttpDeps } from '../deps.js';
import { errorResponses } from '../errors.js';

const CallParams = Type.Object({ callId: Type.String({ format: 'uuid' }) });

/** An agent may only touch the calls they answered; supervisors and admins any call. */
async function callFor(deps: { callCases: NonNullable<HttpDeps['callCases']> }, request: FastifyRequest, callId: string): Promise<Call> {
  const call = await deps.callCases.findCall(callId);
  if (!call) throw hotlineError('HOTLINE_ERR_NOT_FOUND', 'No call has this id');
  const principal = principalOf(request);
  if (principal.role === 'agent' && call.queueRecord.agentId !== principal.id) {
    throw hotlineError('HOTLINE_ERR_FORBIDDEN', 'This call was not answered by you');
  }
  return call;
}

export function callRoutes(deps: { callCases: NonNullable<HttpDeps['callCases']> }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('preHandler', requireRole('admin', 'supervisor', 'agent'));

    app.post(
      '/calls/:callId/case',
      {
        schema: {
          summary: 'Create a case from a call',
          description:
            'During or after a call: registers the case with the caller\'s number and ties it to the call. One case per call: a second request answers the existing case.',
          tags: ['calls'],
          params: CallParams,
          body: Type.Object(
            {
              category: Category,
              district: Type.Optional(District),
              address: Type.Optional(TextLine({ maxLength: 500 })),
              description: TextBlock({ minLength: 1, maxLength: 4000, pattern: '\\S' }),
            },
            { additionalProperties: false },
          ),
          response: { 201: { ...CaseBody, description: 'The case of this call' }, ...errorResponses(400, 403, 404) },
        },
      },
      async (request, reply) => {
        const call = await callFor(deps, request, request.params.callId);
        const created = await deps.callCases.createFromCall(call, { ...request.body, actor: principalOf(request).id });
        return reply.code(201).send(toCaseDto(created));
      },
    );

    app.post(
      '/calls/:callId/link',
      {
        schema: {
          summary: 'Link a call to an existing case',
          description: 'For a caller phoning about a case that already exists.',
          tags: ['calls'],
          params: CallParams,
          body: Type.Object({ trackingNumber: TrackingNumber }, { additionalProperties: false }),
          response: { 200: { ...CaseBody, description: 'The linked case' }, ...errorResponses(400, 403, 404) },
        },
      },
      async (request) => {
        const call = await callFor(deps, request, request.params.callId);
        return toCaseDto(await deps.callCases.link(call, request.body.trackingNumber));
      },
    );
  };
}
