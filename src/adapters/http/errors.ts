import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { Type } from 'typebox';
import { isHotlineError, type ErrorCode } from '../../domain/errors.js';

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
  416: 'The Range asked for lies outside the file (HOTLINE_ERR_RANGE_NOT_SATISFIABLE)',
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

/** The SQLSTATE of a database error, whether thrown by the driver or wrapped by drizzle (as its `cause`). */
function sqlStateOf(err: unknown): string | null {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return null;
}

/**
 * A safety net under the routes' own checks: a value PostgreSQL refuses (class 22: a NUL
 * byte, a number out of range, a malformed uuid; 23514: a check constraint) is the
 * client's, and a unique or foreign-key violation is a conflict with what is stored
 * (two requests racing for one name). Either way a 4xx, never a 500 and never the SQL.
 */
export function databaseClientError(err: unknown): { statusCode: number; code: ErrorCode; message: string; sqlState: string } | null {
  const sqlState = sqlStateOf(err);
  if (sqlState === null) return null;
  if (sqlState.startsWith('22') || sqlState === '23514') {
    return { statusCode: 400, code: 'HOTLINE_ERR_VALIDATION', message: 'A value in the request is not valid', sqlState };
  }
  if (sqlState === '23505' || sqlState === '23503') {
    return { statusCode: 409, code: 'HOTLINE_ERR_CONFLICT', message: 'Conflicts with what is stored (taken, or referring to nothing)', sqlState };
  }
  return null;
}

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
  const refused = databaseClientError(err);
  if (refused) {
    // By code only: the driver's message carries the query's parameters.
    request.log.warn({ sqlState: refused.sqlState }, 'database refused a value from the request');
    return send(reply, refused.statusCode, refused.code, refused.message);
  }
  // Internal failures may carry SQL, paths or secrets: log them, tell the client nothing.
  request.log.error({ err }, 'unhandled error');
  return send(reply, 500, 'HOTLINE_ERR_INTERNAL', 'Internal server error');
}

/**
 * What Node's HTTP parser refuses before Fastify sees a request (headers or a URL over
 * 16 KiB, a malformed request line, a client too slow), answered on the socket in the
 * same shapes as everything else: Open311's list on its paths, `{ error }` elsewhere.
 */
export const clientErrorHandler: NonNullable<FastifyServerOptions['clientErrorHandler']> = (err, socket) => {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'HOTLINE_ERR_REQUEST_TIMEOUT', 'The request took too long to arrive']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'HOTLINE_ERR_HEADERS_TOO_LARGE', 'The request line or headers are too large']
        : [400, 'HOTLINE_ERR_VALIDATION', 'The request is not valid HTTP'];
  const raw: unknown = err.rawPacket;
  const requestLine = Buffer.isBuffer(raw) ? raw.subarray(0, 64).toString('latin1') : '';
  const open311 = /^[A-Z]+ \/open311\//.test(requestLine);
  const body = JSON.stringify(open311 ? [{ code: status, description: message }] : { error: { code, message } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
};

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
