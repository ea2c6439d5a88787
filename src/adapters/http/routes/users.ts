import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { TextLine } from '../input-schema.js';
import { hotlineError } from '../../../domain/errors.js';
import { USERNAME_PATTERN } from '../../../domain/users/user.js';
import { hashPassword } from '../../../services/passwords.js';
import { requireRole } from '../auth.js';
import type { HttpDeps } from '../deps.js';
import { errorResponses } from '../errors.js';
import { UserBody, UserRole, toUserDto } from '../user-dto.js';

// Long enough to resist guessing at the login's rate limit; no composition rules (NIST 800-63B).
const Password = TextLine({ minLength: 10, maxLength: 256 });

const NewUserBody = Type.Object(
  {
    username: Type.String({ pattern: USERNAME_PATTERN, description: 'Lower-case, 2–32 characters' }),
    displayName: TextLine({ minLength: 1, maxLength: 100 }),
    role: UserRole,
    district: Type.Optional(Type.Integer({ minimum: 1, maximum: 22, description: 'Required for role `district`' })),
    password: Password,
  },
  { additionalProperties: false },
);

const UserPatchBody = Type.Object(
  {
    displayName: Type.Optional(TextLine({ minLength: 1, maxLength: 100 })),
    active: Type.Optional(Type.Boolean({ description: 'false disables the account and ends its sessions' })),
    password: Type.Optional(Password),
  },
  { additionalProperties: false },
);

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** Account administration: admins only. */
export function userRoutes(deps: Pick<HttpDeps, 'accounts'>): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('preHandler', requireRole('admin'));

    app.get(
      '/users',
      {
        schema: {
          summary: 'List users',
          tags: ['users'],
          response: { 200: Type.Object({ users: Type.Array(UserBody) }, { description: 'Every account' }), ...errorResponses(403) },
        },
      },
      async () => ({ users: (await deps.accounts.users.list()).map(toUserDto) }),
    );

    app.post(
      '/users',
      {
        schema: {
          summary: 'Create a user',
          description: 'Roles: admin, supervisor, agent, district (bound to one district).',
          tags: ['users'],
          body: NewUserBody,
          response: { 201: { ...UserBody, description: 'Created' }, ...errorResponses(400, 403, 409) },
        },
      },
      async (request, reply) => {
        const { username, displayName, role, district, password } = request.body;
        if ((role === 'district') !== (district !== undefined)) {
          throw hotlineError('HOTLINE_ERR_VALIDATION', 'district is required for role district, and only for it');
        }
        const user = await deps.accounts.users.create({
          username,
          displayName,
          role,
          district: district ?? null,
          passwordHash: await hashPassword(password),
        });
        return reply.code(201).send(toUserDto(user));
      },
    );

    app.patch(
      '/users/:id',
      {
        schema: {
          summary: 'Change a user',
          description: 'Rename, reset the password or disable. A new password or disabling ends the user\'s sessions.',
          tags: ['users'],
          params: IdParams,
          body: UserPatchBody,
          response: { 200: { ...UserBody, description: 'Changed' }, ...errorResponses(400, 403, 404) },
        },
      },
      async (request) => {
        const { displayName, active, password } = request.body;
        const user = await deps.accounts.users.update(request.params.id, {
          ...(displayName !== undefined ? { displayName } : {}),
          ...(active !== undefined ? { active } : {}),
          ...(password !== undefined ? { passwordHash: await hashPassword(password) } : {}),
        });
        if (!user) throw hotlineError('HOTLINE_ERR_NOT_FOUND', 'No user has this id');
        if (password !== undefined || active === false) await deps.accounts.sessions.deleteForUser(user.id);
        return toUserDto(user);
      },
    );
  };
}
