import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { TextLine } from '../input-schema.js';
import { ADMIN_TOKEN_ID, bearerToken } from '../auth.js';
import type { HttpDeps } from '../deps.js';
import { errorResponses } from '../errors.js';
import { UserBody, toUserDto } from '../user-dto.js';

const SessionBody = Type.Object(
  {
    token: Type.String({ description: 'Bearer token for the Authorization header' }),
    expiresAt: Type.String({ format: 'date-time' }),
    user: UserBody,
  },
  { title: 'Session' },
);

/** Sign-in is public (it is how a token is obtained); its own, stricter rate limit applies. */
export function loginRoutes(deps: Pick<HttpDeps, 'accounts'>): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/auth/login',
      {
        schema: {
          summary: 'Sign in',
          description: 'Exchanges a username and password for a bearer token (valid for one shift, 12 h by default).',
          tags: ['auth'],
          security: [],
          body: Type.Object(
            {
              username: TextLine({ minLength: 1, maxLength: 64 }),
              password: TextLine({ minLength: 1, maxLength: 256 }),
            },
            { additionalProperties: false },
          ),
          response: { 200: { ...SessionBody, description: 'Signed in' }, ...errorResponses(400, 401) },
        },
      },
      async (request) => {
        const session = await deps.accounts.auth.login(request.body.username, request.body.password);
        return { token: session.token, expiresAt: session.expiresAt.toISOString(), user: toUserDto(session.user) };
      },
    );
  };
}

/** Routes about the caller's own session; registered inside the protected scope. */
export function sessionRoutes(deps: Pick<HttpDeps, 'accounts'>): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/auth/me',
      {
        schema: {
          summary: 'Who am I',
          tags: ['auth'],
          response: {
            200: Type.Object(
              {
                id: Type.String(),
                role: Type.String(),
                district: Type.Union([Type.Integer(), Type.Null()]),
                user: Type.Union([UserBody, Type.Null()], { description: 'Null for the admin token' }),
              },
              { description: 'The signed-in principal' },
            ),
          },
        },
      },
      async (request) => {
        const principal = request.principal!;
        const user = principal.id === ADMIN_TOKEN_ID ? null : await deps.accounts.users.findById(principal.id);
        return {
          id: principal.id,
          role: principal.role,
          district: principal.district ?? null,
          user: user ? toUserDto(user) : null,
        };
      },
    );

    app.post(
      '/auth/logout',
      {
        schema: {
          summary: 'Sign out',
          description: 'Ends the session of the token used for this request.',
          tags: ['auth'],
          response: { 204: Type.Null({ description: 'Signed out' }) },
        },
      },
      async (request, reply) => {
        const token = bearerToken(request.headers.authorization);
        if (token) await deps.accounts.auth.logout(token);
        return reply.code(204).send(null);
      },
    );
  };
}
