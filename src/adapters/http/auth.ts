import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Authenticate, Principal, Role } from './deps.js';
import { hotlineError } from '../../domain/errors.js';
import { errorResponses } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on every route of a protected scope. */
    principal: Principal | null;
  }
}

export const BEARER_SCHEME = 'bearerAuth';

/** The id HOTLINE_ADMIN_TOKEN stands for: no user, so no phone, no profile, no district. */
export const ADMIN_TOKEN_ID = 'admin';

const ADMIN: Principal = { id: ADMIN_TOKEN_ID, role: 'admin' };

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Compares digests rather than the tokens so both buffers always have the same length
 * and the comparison time says nothing about the admin token's length or prefix.
 */
export function adminTokenAuthenticator(adminToken: string, next?: Authenticate): Authenticate {
  if (!adminToken) throw new Error('adminToken must not be empty');
  const expected = digest(adminToken);
  return (token) => {
    if (timingSafeEqual(digest(token), expected)) return ADMIN;
    return next ? next(token) : null;
  };
}

export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/**
 * Makes every route registered in `scope` (and its children) require a bearer token,
 * and documents that in OpenAPI, so a protected route cannot forget either.
 */
export function protect(scope: FastifyInstance, authenticate: Authenticate): void {
  scope.decorateRequest('principal', null);

  scope.addHook('onRoute', (route) => {
    const schema = route.schema ?? {};
    const response = { ...errorResponses(401), ...(schema.response as object | undefined) };
    route.schema = { ...schema, response, security: [{ [BEARER_SCHEME]: [] }] };
  });

  scope.addHook('onRequest', async (request, reply) => {
    const token = bearerToken(request.headers.authorization);
    const principal = token ? await authenticate(token) : null;
    if (!principal) {
      reply.header('www-authenticate', 'Bearer');
      throw hotlineError('HOTLINE_ERR_UNAUTHORIZED', 'A valid bearer token is required');
    }
    request.principal = principal;
  });
}

export function requireRole(...roles: Role[]): preHandlerAsyncHookHandler {
  return async (request) => {
    if (!request.principal || !roles.includes(request.principal.role)) {
      throw hotlineError('HOTLINE_ERR_FORBIDDEN', 'This action is not allowed for your role');
    }
  };
}

/** The authenticated caller; only valid inside a protected scope. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('principalOf used outside a protected scope');
  return request.principal;
}
