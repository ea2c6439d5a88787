import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { USER_PAUSE_REASONS, type DeskEvent } from '../../../domain/agents/agent.js';
import { hotlineError } from '../../../domain/errors.js';
import { principalOf, requireRole } from '../auth.js';
import { AgentBody, DeskEventStream, AGENT_INTERFACE_PATTERN, QueueSkillBody } from '../agent-dto.js';
import type { HttpDeps } from '../deps.js';
import { errorResponses } from '../errors.js';
import { openEventStream } from '../event-stream.js';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const Answer = { 200: { ...AgentBody, description: 'The agent after the change' }, ...errorResponses(403, 404, 409, 503) };

/** Agents act on themselves; supervisors and admins on anyone. */
function mayActOn(request: FastifyRequest, agentId: string): void {
  const principal = principalOf(request);
  if (principal.role === 'supervisor' || principal.role === 'admin') return;
  if (principal.role === 'agent' && principal.id === agentId) return;
  throw hotlineError('HOTLINE_ERR_FORBIDDEN', 'Agents may only change their own state');
}

export function agentRoutes(deps: { agents: NonNullable<HttpDeps['agents']> }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/agents',
      {
        preHandler: requireRole('admin', 'supervisor', 'agent'),
        schema: {
          summary: 'Agents and their state',
          tags: ['agents'],
          response: { 200: Type.Object({ agents: Type.Array(AgentBody, { description: 'Every agent, in no set order' }) }, { description: 'Every agent' }), ...errorResponses(403) },
        },
      },
      async () => ({ agents: await deps.agents.list() }),
    );

    app.get(
      '/agents/me',
      {
        preHandler: requireRole('agent'),
        schema: {
          summary: 'The signed-in agent',
          tags: ['agents'],
          response: { 200: { ...AgentBody, description: 'Your state' }, ...errorResponses(403, 404) },
        },
      },
      async (request) => deps.agents.get(principalOf(request).id),
    );

    app.put(
      '/agents/:id',
      {
        preHandler: requireRole('admin', 'supervisor'),
        schema: {
          summary: 'Give a user an agent phone and queues',
          description:
            'Creates or changes the agent profile of a user with role `agent`: the queues (skills) with a penalty each, and optionally the interface app_queue dials (default PJSIP/<endpoint>, e.g. a Local channel to a mobile). A new profile gets a PJSIP endpoint `agent-<username>` with a strong random password, written to Asterisk at once.',
          tags: ['agents'],
          params: IdParams,
          body: Type.Object(
            {
              queues: Type.Array(QueueSkillBody, { minItems: 1, maxItems: 20 }),
              interface: Type.Optional(Type.String({ pattern: AGENT_INTERFACE_PATTERN })),
            },
            { additionalProperties: false },
          ),
          response: { 200: { ...AgentBody, description: 'The agent' }, ...errorResponses(400, 403, 404, 409) },
        },
      },
      async (request) => deps.agents.saveProfile(request.params.id, request.body),
    );

    app.get(
      '/agents/:id/sip',
      {
        schema: {
          summary: 'SIP account of an agent phone',
          description: 'What to configure in the phone. The agent themselves, supervisors and admins.',
          tags: ['agents'],
          params: IdParams,
          response: {
            200: Type.Object(
              { username: Type.String(), password: Type.String(), domain: Type.String(), transport: Type.String() },
              { description: 'SIP account' },
            ),
            ...errorResponses(403, 404),
          },
        },
      },
      async (request) => {
        mayActOn(request, request.params.id);
        return deps.agents.sipAccount(request.params.id);
      },
    );

    for (const action of ['login', 'logout', 'unpause'] as const) {
      app.post(
        `/agents/:id/${action}`,
        {
          schema: {
            summary: { login: 'Log in to the queues', logout: 'Log out of the queues', unpause: 'Become available again' }[action],
            description: 'The agent themselves, or a supervisor/admin for anyone. 503 when Asterisk is unreachable (nothing changes).',
            tags: ['agents'],
            params: IdParams,
            response: Answer,
          },
        },
        async (request) => {
          mayActOn(request, request.params.id);
          return deps.agents[action](request.params.id);
        },
      );
    }

    app.post(
      '/agents/:id/pause',
      {
        schema: {
          summary: 'Pause with a reason',
          tags: ['agents'],
          params: IdParams,
          body: Type.Object({ reason: Type.Enum(USER_PAUSE_REASONS) }, { additionalProperties: false }),
          response: { ...Answer, ...errorResponses(400, 403, 404, 409, 503) },
        },
      },
      async (request) => {
        mayActOn(request, request.params.id);
        return deps.agents.pause(request.params.id, request.body.reason);
      },
    );

    app.post(
      '/agents/:id/wrap-up/end',
      {
        schema: {
          summary: 'End after-call work now',
          tags: ['agents'],
          params: IdParams,
          response: Answer,
        },
      },
      async (request) => {
        mayActOn(request, request.params.id);
        return deps.agents.endWrapUp(request.params.id);
      },
    );

    app.get(
      '/agents/:id/events',
      {
        schema: {
          summary: 'Live events of an agent desktop (SSE)',
          description:
            'Server-Sent Events: `state` (Agent), `screen-pop` (the call just connected, with the caller\'s history) and `call-ended`. Starts with the current state. Only the agent themselves, supervisors and admins.',
          tags: ['agents'],
          params: IdParams,
          response: {
            200: {
              description: 'An event stream; each event is one of these `event:` names with its JSON `data:`',
              content: { 'text/event-stream': { schema: DeskEventStream } },
            },
            ...errorResponses(403, 404),
          },
        },
      },
      async (request, reply) => {
        const agentId = request.params.id;
        mayActOn(request, agentId);
        const first = await deps.agents.get(agentId);

        openEventStream(request, reply, (sendEvent) => {
          const send = (event: DeskEvent) =>
            sendEvent(event.type, event.type === 'state' ? event.agent : event.type === 'screen-pop' ? event.pop : event);
          send({ type: 'state', agent: first });
          return deps.agents.subscribe(agentId, send);
        });
      },
    );
  };
}
