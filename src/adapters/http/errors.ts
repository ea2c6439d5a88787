import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { Type } from 'typebox';
import { isHotlineError } from '../../domain/errors.js';

const ErrorDetail = Type.Object({
  code: Type.String({ examples: ['HOTLINE_ERR_VALIDATION'] }),
  message: Type.String(),
  details: Type.Optional(Type.Unknown()),
});

/** The one error body every endpoint answers with. */
export function errorBody(description = 'Error') {
  return Type.Object({ error: ErrorDetail }, { title: 'Error', description });
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request (HOTLINE_ERR_VALIDATION)',
  401: 'Missing or wrong bearer token (HOTLINE_ERR_UNAUTHORIZED)',
  403: 'Not allowed for this role (HOTLINE_ERR_FORBIDDEN)',
  404: 'Not found',
  409: 'Conflicts with the current state (HOTLINE_ERR_CONFLICT)',
  413: 'Body too large (HOTLINE_ERR_PAYLOAD_TOO_LARGE)',
  429: 'Too many requests from this address; see Retry-After (HOTLINE_ERR_RATE_LIMITED)',
  503: 'A required service is unavailable (HOTLINE_ERR_DEPENDENCY_DOWN)',
};

/** Response schemas for the error statuses a route can answer with (for OpenAPI). */
export function errorResponses(...statuses: number[]): Record<number, ReturnType<typeof errorBody>> {
  return Object.fromEntries(statuses.map((status) => [status, errorBody(ERROR_DESCRIPTIONS[status])]));
}

interface ValidationIssue {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
}

function fieldOf(issue: ValidationIssue): string {
  const path = issue.instancePath
    .split('/')
    .filter(Boolean)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  const missing = issue.params.missingProperty;
  if (issue.keyword === 'required' && typeof missing === 'string') path.push(missing);
  const extra = issue.params.additionalProperty;
  if (issue.keyword === 'additionalProperties' && typeof extra === 'string') path.push(extra);
  return path.join('.');
}

/**
 * Fastify's own client errors (bad JSON, body too large…) under stable codes. 413 and
 * 415 only happen at the HTTP transport, so their codes live here, not in the domain catalogue.
 */
const CLIENT_ERROR_CODES: Record<number, string> = {
  400: 'HOTLINE_ERR_VALIDATION',
  413: 'HOTLINE_ERR_PAYLOAD_TOO_LARGE',
  415: 'HOTLINE_ERR_UNSUPPORTED_MEDIA_TYPE',
};

function send(reply: FastifyReply, statusCode: number, code: string, message: string, details?: unknown) {
  const error = details === undefined ? { code, message } : { code, message, details };
  return reply.code(statusCode).type('application/json; charset=utf-8').send({ error });
}

function handleError(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (err.validation) {
    const first = err.validation[0] as ValidationIssue | undefined;
    const field = (first && fieldOf(first)) || undefined;
    request.log.info({ field, in: err.validationContext }, 'request validation failed');
    return send(reply, 400, 'HOTLINE_ERR_VALIDATION', err.message, { in: err.validationContext, field });
  }
  if (isHotlineError(err)) {
    if (err.statusCode >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ code: err.code }, err.message);
    const { code, message, details } = err.toJSON();
    return send(reply, err.statusCode, code, message, details);
  }
  const status = err.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    request.log.info({ code: err.code }, err.message);
    return send(reply, status, CLIENT_ERROR_CODES[status] ?? 'HOTLINE_ERR_VALIDATION', err.message);
  }
  // Internal failures may carry SQL, paths or secrets: log them, tell the client nothing.
  request.log.error({ err }, 'unhandled error');
  return send(reply, 500, 'HOTLINE_ERR_INTERNAL', 'Internal server error');
}

/** Errors Fastify raises before routing (an undecodable URL), which skip the error handler. */
export const frameworkErrors: NonNullable<FastifyServerOptions['frameworkErrors']> = (err, request, reply) =>
  handleError(err, request, reply);

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    return send(reply, 404, 'HOTLINE_ERR_NOT_FOUND', `Route ${request.method} ${path} not found`);
  });
}
