import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { readRedisSettings, redisSettingWarnings } from '../adapters/jobs/redis-settings.js';

/**
 * The engine's own Redis clients (BullMQ opens its own): one for health, and one for the
 * API's rate limits that fails fast, so a request never waits in ioredis's offline queue
 * while Redis is down (the limiter then counts in memory). At every (re)connection the
 * server's persistence settings are read again: a restarted Redis may run with another
 * config, and one that forgets jobs is reported by /api/health and the log.
 */
export function createRedisModule(deps: { url: string; logger: Logger }) {
  const { logger } = deps;
  const redis = new Redis(deps.url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(times * 250, 5000),
  });
  redis.on('error', (err) => logger.debug({ err: err.message }, 'redis error'));
  const rateLimitRedis = redis.duplicate({ enableOfflineQueue: false });
  rateLimitRedis.on('error', () => undefined);
  rateLimitRedis.connect().catch(() => undefined);
  redis.connect().catch((err: Error) => logger.warn({ err: err.message }, 'Redis not reachable yet'));
  let warnings: readonly string[] = [];
  redis.on('ready', () => {
    void readRedisSettings(redis).then((settings) => {
      warnings = redisSettingWarnings(settings);
      for (const warning of warnings) logger.warn({ redis: settings }, warning);
      if (warnings.length === 0) logger.info({ redis: settings }, 'Redis keeps jobs across restarts (AOF, noeviction)');
    });
  });

  return {
    redis,
    rateLimitRedis,
    isReady: (): boolean => redis.status === 'ready',
    /** Whether Redis answers a PING now (for /api/health). */
    ping: async (): Promise<boolean> => redis.status === 'ready' && (await redis.ping().then((r) => r === 'PONG', () => false)),
    /** Misconfigurations found at the last connection (persistence off, an evicting policy). */
    warnings: (): readonly string[] => warnings,
    close(): void {
      redis.disconnect();
      rateLimitRedis.disconnect();
    },
  };
}
