/**
 * BullMQ keeps every job in Redis: without the append-only file a restart loses them,
 * and with an eviction policy a full Redis drops them silently. scripts/redis.sh starts
 * Redis with `appendonly yes` and `maxmemory-policy noeviction`; a Redis run by others
 * (a managed service, a shared host) is checked here, at start and on every reconnect.
 */
import type { Redis } from 'ioredis';

/** A setting's value, or 'unknown' when Redis does not let us read it (CONFIG disabled). */
export interface RedisSettings {
  appendonly: string;
  maxmemoryPolicy: string;
}

export const UNKNOWN = 'unknown';

/** What an operator should fix (or check by hand); empty when the settings are right. */
export function redisSettingWarnings(s: RedisSettings): string[] {
  const warnings: string[] = [];
  if (s.appendonly === UNKNOWN) {
    warnings.push('Redis appendonly is unknown (CONFIG GET refused): make sure AOF persistence is on, or jobs are lost on a restart');
  } else if (s.appendonly !== 'yes') {
    warnings.push(`Redis appendonly is "${s.appendonly}": jobs (dispatches, surveys, callbacks) are lost on a restart; set appendonly yes`);
  }
  if (s.maxmemoryPolicy === UNKNOWN) {
    warnings.push('Redis maxmemory-policy is unknown (CONFIG GET refused): make sure it is noeviction, or a full Redis drops jobs');
  } else if (s.maxmemoryPolicy !== 'noeviction') {
    warnings.push(`Redis maxmemory-policy is "${s.maxmemoryPolicy}": a full Redis evicts jobs; set maxmemory-policy noeviction`);
  }
  return warnings;
}

/** Reads the two settings with CONFIG GET; a refused or failing CONFIG gives 'unknown'. */
export async function readRedisSettings(redis: Pick<Redis, 'config'>): Promise<RedisSettings> {
  const read = async (name: string): Promise<string> => {
    try {
      const reply = (await redis.config('GET', name)) as unknown;
      // [name, value], empty when the setting is unknown to this server.
      return Array.isArray(reply) && typeof reply[1] === 'string' ? reply[1] : UNKNOWN;
    } catch {
      return UNKNOWN;
    }
  };
  return { appendonly: await read('appendonly'), maxmemoryPolicy: await read('maxmemory-policy') };
}
