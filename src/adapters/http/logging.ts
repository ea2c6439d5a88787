import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { maskPhone } from '../../domain/phone.js';
import { safeUrl } from '../log/logger.js';

function maskQuery(url: string): string {
  return url.replace(/([?&]phone=)([^&#]*)/gi, (_, key: string, value: string) => {
    let decoded = value;
    try {
      decoded = decodeURIComponent(value);
    } catch {
      // A malformed escape is still masked, just undecoded.
    }
    return key + maskPhone(decoded);
  });
}

/**
 * Fastify logs every request's URL; list filters carry callers' numbers in the query
 * (`phone=` masked whatever its form), paths carry them too (/api/do-not-call/0912…),
 * and Open311 clients send `api_key` in the query: all masked or redacted here.
 */
export function requestLogger(logger: FastifyBaseLogger): FastifyBaseLogger {
  return logger.child(
    {},
    {
      serializers: {
        req: (req: FastifyRequest) => ({
          method: req.method,
          url: safeUrl(maskQuery(req.url)),
          host: req.host,
          remoteAddress: req.ip,
        }),
      },
    },
  );
}
