import pino, { type DestinationStream, type Logger } from 'pino';
import { maskPhone } from '../../domain/phone.js';

/**
 * Where secrets sit in what the service logs. pino replaces them before a line is
 * written, whoever logged the object (a request, a config, an AMI response).
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-webhook-token"]',
  'headers.authorization',
  '*.headers.authorization',
  ...['password', 'passwordHash', 'sipPassword', 'secret', 'token', 'apiKey', 'api_key', 'authorization', 'webhookSecret'].flatMap((key) => [
    key,
    `*.${key}`,
  ]),
];

/**
 * Iranian numbers as they appear in paths, messages and fields: 09121234567, 9121234567
 * (10 digits after a 0 or +98) or +989121234567. Shorter runs (ids, counts) are left alone.
 */
const PHONE = /(?<![\d])(?:\+98|0098|0)?9\d{9}(?![\d])|(?<![\d])0[1-8]\d{9}(?![\d])/g;

/** Replaces every phone number in a text by its masked form (0912***4567). */
export function maskPhonesIn(text: string): string {
  return text.replace(PHONE, (n) => maskPhone(n));
}

/** Query parameters whose value is a credential. */
const SECRET_QUERY = /([?&](?:api_key|apikey|token|access_token|password|secret|key)=)[^&#]*/gi;

/** A URL fit for a log line: credentials in the query replaced, phone numbers masked. */
export function safeUrl(url: string): string {
  let decoded = url;
  try {
    decoded = decodeURIComponent(url);
  } catch {
    // A malformed escape: mask what is there, undecoded.
  }
  return maskPhonesIn(decoded.replace(SECRET_QUERY, '$1[redacted]'));
}

interface PgLikeError {
  code?: unknown;
  constraint?: unknown;
  table?: unknown;
  column?: unknown;
  cause?: unknown;
}

/** A PostgreSQL error (SQLSTATE code), direct or as the cause drizzle wraps it in. */
function databaseError(err: unknown): PgLikeError | null {
  for (let e = err as PgLikeError | undefined, depth = 0; e && depth < 4; e = e.cause as PgLikeError | undefined, depth++) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e;
  }
  return null;
}

/**
 * Errors as logged. A database error is logged by SQLSTATE code and constraint only:
 * drizzle's message quotes the query with every parameter (a password hash, a caller's
 * number, a citizen's description). Other messages get phone numbers masked.
 */
export function safeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: maskPhonesIn(String(err)) };
  const db = databaseError(err);
  const query = /^Failed query:/.test(err.message);
  if (db || query) {
    return {
      type: err.constructor.name,
      message: `database error${db ? ` ${String(db.code)}` : ''}`,
      ...(db ? { code: db.code, constraint: db.constraint, table: db.table, column: db.column } : {}),
    };
  }
  const serialized = pino.stdSerializers.err(err);
  return { ...serialized, message: maskPhonesIn(serialized.message), stack: serialized.stack ? maskPhonesIn(serialized.stack) : undefined };
}

function maskStrings(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = typeof v === 'string' ? maskPhonesIn(v) : v;
  return out;
}

/** The service's logger: secrets redacted, phone numbers masked, database errors by code. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: safeError, error: safeError },
    // Top-level string fields (`{ caller }`, `{ url }`) and the message itself.
    formatters: { log: maskStrings },
    hooks: {
      logMethod(args, method) {
        method.apply(
          this,
          args.map((a) => (typeof a === 'string' ? maskPhonesIn(a) : a)) as Parameters<typeof method>,
        );
      },
    },
  };
  return pino(options, destination ?? batchedStdout());
}

/** How long an info line may wait for others before it is written. */
const LOG_FLUSH_MS = 250;

/**
 * Standard output written in batches. pino's default writes every line on its own
 * through libuv's thread pool: a thread hand-off and two wake-ups per line, one line per
 * call. Here lines gather up to 4 KiB or LOG_FLUSH_MS; an error or fatal line is written
 * at once, and pino's exit hook writes what is left when the process exits (SIGTERM, an
 * uncaught error). A SIGKILL loses at most the last LOG_FLUSH_MS of lines.
 */
function batchedStdout(): DestinationStream & { flush(cb?: (err?: Error) => void): void } {
  const out = pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: LOG_FLUSH_MS });
  return {
    write(line: string) {
      out.write(line);
      // pino starts every line with its level: 50 error, 60 fatal.
      if (line.startsWith('{"level":5') || line.startsWith('{"level":6')) out.flush();
    },
    flush: (cb?: (err?: Error) => void) => out.flush(cb),
  };
}
