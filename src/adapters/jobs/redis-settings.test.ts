import { describe, expect, it } from 'vitest';
import { redisSettingWarnings, UNKNOWN } from './redis-settings.js';

describe('redisSettingWarnings', () => {
  it('has nothing to say about AOF with noeviction', () => {
    expect(redisSettingWarnings({ appendonly: 'yes', maxmemoryPolicy: 'noeviction' })).toEqual([]);
  });

  it('warns of appendonly no and of any evicting policy', () => {
    const warnings = redisSettingWarnings({ appendonly: 'no', maxmemoryPolicy: 'allkeys-lru' });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/appendonly is "no"/);
    expect(warnings[1]).toMatch(/maxmemory-policy is "allkeys-lru"/);
    expect(redisSettingWarnings({ appendonly: 'yes', maxmemoryPolicy: 'volatile-ttl' })).toEqual([
      expect.stringMatching(/volatile-ttl/),
    ]);
  });

  it('says when the settings cannot be read', () => {
    expect(redisSettingWarnings({ appendonly: UNKNOWN, maxmemoryPolicy: UNKNOWN })).toEqual([
      expect.stringMatching(/appendonly is unknown/),
      expect.stringMatching(/maxmemory-policy is unknown/),
    ]);
  });
});
