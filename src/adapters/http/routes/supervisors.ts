import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { hotlineError } from '../../../domain/errors.js';
import { SUPERVISOR_INTERFACE_PATTERN } from '../agent-dto.js';
import { ADMIN_TOKEN_ID, principalOf, requireRole } from '../auth.js';
import type { HttpDeps } from '../deps.js';
import { errorResponses } from '../errors.js';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

const PhoneBody = Type.Object(
  {
    userId: Type.String({ format: 'uuid' }),
    endpoint: Type.String({ description: 'PJSIP endpoint of the phone (sup-<username>)' }),
    interface: Type.String({ description: 'What the engine rings to start listening' }),
    username: Type.String({ description: 'SIP username' }),
    password: Type.String({ description: 'SIP password' }),
    domain: Type.String(),
    transport: Type.String(),
  },
  { title: 'SupervisorPhone' },
);

/** Admins manage anyone's phone; a supervisor only their own (it carries its SIP password). */
function mayManage(request: FastifyRequest, userId: string): void {
  const principal = principalOf(request);
  if (principal.role === 'admin') return;
  if (principal.role === 'supervisor' && principal.id === userId) return;
  throw hotlineError('HOTLINE_ERR_FORBIDDEN', 'Supervisors may only manage their own phone');
}

export function supervisorRoutes(deps: { supervisors: NonNullable<HttpDeps['supervisors']> }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.put(
      '/supervisors/:id/phone',
      {
        preHandler: requireRole('admin', 'supervisor'),
        schema: {
          summary: 'Give a supervisor a phone to listen to calls on',
          description:
            'Creates or changes the listening phone of a user with role `supervisor` or `admin`: a PJSIP endpoint `sup-<username>` with a strong random password (kept across changes), written to Asterisk at once, in a context that can dial nothing. `interface` is what the engine rings (default PJSIP/<endpoint>; e.g. a Local channel to a mobile). Admins, or the supervisor themselves.',
          tags: ['supervisors'],
          params: IdParams,
          body: Type.Object({ interface: Type.Optional(Type.String({ pattern: SUPERVISOR_INTERFACE_PATTERN })) }, { additionalProperties: false }),
          response: { 200: { ...PhoneBody, description: 'The phone and its SIP account' }, ...errorResponses(400, 403, 404, 409) },
        },
      },
      async (request) => {
        mayManage(request, request.params.id);
        return deps.supervisors.savePhone(request.params.id, request.body ?? {});
      },
    );

    app.get(
      '/supervisors/:id/phone',
      {
        preHandler: requireRole('admin', 'supervisor'),
        schema: {
          summary: 'A supervisor\'s phone and its SIP account',
          description: 'Admins, or the supervisor themselves. 404 when they have no phone yet.',
          tags: ['supervisors'],
          params: IdParams,
          response: { 200: { ...PhoneBody, description: 'The phone and its SIP account' }, ...errorResponses(403, 404) },
        },
      },
      async (request) => {
        mayManage(request, request.params.id);
        return deps.supervisors.phone(request.params.id);
      },
    );

    app.post(
      '/agents/:id/listen',
      {
        preHandler: requireRole('admin', 'supervisor'),
        schema: {
          summary: 'Listen to an agent\'s live call',
          description:
            'Rings the signed-in supervisor\'s phone (the admin token has none: 409 `HOTLINE_ERR_NO_PHONE`); when answered, it hears the agent\'s call (ChanSpy, listen only: nobody on the call hears the supervisor, and no beep announces them). Listening ends with the call. 409 `HOTLINE_ERR_NOT_ON_CALL` when the agent is on no call, 409 `HOTLINE_ERR_NO_PHONE` when the supervisor has no phone, 503 when Asterisk is unreachable.',
          tags: ['agents'],
          params: IdParams,
          response: {
            202: Type.Object(
              {
                agentId: Type.String({ format: 'uuid' }),
                uniqueId: Type.String({ description: 'Asterisk\'s uniqueid of the caller\'s channel on the call being listened to' }),
                channel: Type.String({ description: 'The agent\'s channel being listened to' }),
                interface: Type.String({ description: 'The supervisor\'s phone being rung' }),
              },
              { description: 'The supervisor\'s phone is being rung' },
            ),
            ...errorResponses(403, 404, 409, 503),
          },
        },
      },
      async (request, reply) => {
        const supervisorId = principalOf(request).id;
        if (supervisorId === ADMIN_TOKEN_ID) {
          throw hotlineError('HOTLINE_ERR_NO_PHONE', 'The admin token is no user and has no phone: sign in as a supervisor or admin user with a phone');
        }
        const listening = await deps.supervisors.listen(request.params.id, supervisorId);
        return reply.code(202).send(listening);
      },
    );
  };
}
