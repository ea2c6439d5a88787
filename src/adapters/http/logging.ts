import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { maskPhone } from '../../domain/phone.js';

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
 * Fastify logs every request's URL; list filters carry callers' numbers in the query,
 * so the request serializer masks them.
 */
export function requestLogger(logger: FastifyBaseLogger): FastifyBaseLogger {
  return logger.child(
    {},
    {
      serializers: {
        req: (req: FastifyRequest) => ({
          method: req.method,
          url: maskQuery(req.url),
          host: req.host,
          remoteAddress: req.ip,
        }),
      },
    },
  );
}
