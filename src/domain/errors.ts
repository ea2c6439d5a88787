/**
 * One catalogue of error codes. Codes are a stable contract with API clients and
 * dashboards; the HTTP layer maps a HotlineError to `statusCode` and `{ code, message }`.
 */
export const ERRORS = {
  HOTLINE_ERR_VALIDATION: { statusCode: 400, message: 'The request is not valid' },
  HOTLINE_ERR_UNAUTHORIZED: { statusCode: 401, message: 'Authentication is required' },
  HOTLINE_ERR_FORBIDDEN: { statusCode: 403, message: 'Not allowed' },
  HOTLINE_ERR_NOT_FOUND: { statusCode: 404, message: 'Not found' },
  HOTLINE_ERR_CASE_NOT_FOUND: { statusCode: 404, message: 'No case has this tracking number' },
  HOTLINE_ERR_RECORDING_NOT_FOUND: { statusCode: 404, message: 'The recording does not exist' },
  HOTLINE_ERR_CONFLICT: { statusCode: 409, message: 'Conflicts with the current state' },
  HOTLINE_ERR_INVALID_TRANSITION: { statusCode: 409, message: 'This status change is not allowed' },
  HOTLINE_ERR_NOT_ON_CALL: { statusCode: 409, message: 'The agent is not on a call' },
  HOTLINE_ERR_NO_PHONE: { statusCode: 409, message: 'You have no phone to listen on' },
  HOTLINE_ERR_INTERFACE_TAKEN: { statusCode: 409, message: 'This interface is already another phone' },
  HOTLINE_ERR_RANGE_NOT_SATISFIABLE: { statusCode: 416, message: 'The requested range is outside the file' },
  HOTLINE_ERR_RATE_LIMITED: { statusCode: 429, message: 'Too many requests' },
  HOTLINE_ERR_INTERNAL: { statusCode: 500, message: 'Internal error' },
  // Same code as ConfigError in src/config.ts, so a bad holidays file reads like a bad env.
  HOTLINE_ERR_CONFIG: { statusCode: 500, message: 'Invalid configuration' },
  HOTLINE_ERR_DEPENDENCY_DOWN: { statusCode: 503, message: 'A required service is unavailable' },
} as const satisfies Record<string, { statusCode: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERRORS, value);
}

const SECRET_KEY = /pass(word)?|secret|token|authori[sz]ation|cookie|api[-_]?key/i;
const REDACTED = '[redacted]';

/** Details end up in responses and logs, so anything keyed like a credential is dropped. */
function redact(value: unknown, depth = 0): unknown {
  if (depth > 5 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) ? REDACTED : redact(v, depth + 1);
  }
  return out;
}

export class HotlineError extends Error {
  override readonly name = 'HotlineError';
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly details?: unknown;

  constructor(code: ErrorCode, message?: string, details?: unknown, options?: { cause?: unknown }) {
    super(message ?? ERRORS[code].message, options);
    this.code = code;
    this.statusCode = ERRORS[code].statusCode;
    if (details !== undefined) this.details = redact(details);
  }

  /** The body a client may see; the cause and stack stay in the server log. */
  toJSON(): { code: ErrorCode; message: string; details?: unknown } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function hotlineError(code: ErrorCode, message?: string, details?: unknown): HotlineError {
  return new HotlineError(code, message, details);
}

export function isHotlineError(err: unknown): err is HotlineError {
  return err instanceof HotlineError;
}
