import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const BASE = { ARI_USER: 'hotline', ARI_PASSWORD: 'p', AMI_USER: 'hotline', AMI_SECRET: 's', HOTLINE_ADMIN_TOKEN: 't' };

describe('channel secrets in the config', () => {
  it('leaves Open311 posting and the SMS webhook off unless configured', () => {
    const config = loadConfig(BASE);
    expect(config.open311ApiKeys).toEqual([]);
    expect(config.smsWebhookToken).toBeUndefined();
    expect(loadConfig({ ...BASE, OPEN311_API_KEYS: ' ', SMS_WEBHOOK_TOKEN: '' }).open311ApiKeys).toEqual([]);
  });

  it('reads a comma-separated list of Open311 keys and the SMS token', () => {
    const config = loadConfig({
      ...BASE,
      OPEN311_API_KEYS: ' key-one-0123456789abcdef , key-two-0123456789abcdef,',
      SMS_WEBHOOK_TOKEN: ' sms-token-0123456789 ',
    });
    expect(config.open311ApiKeys).toEqual(['key-one-0123456789abcdef', 'key-two-0123456789abcdef']);
    expect(config.smsWebhookToken).toBe('sms-token-0123456789');
  });

  it('refuses secrets short enough to guess, naming the key', () => {
    expect(() => loadConfig({ ...BASE, OPEN311_API_KEYS: 'key-one-0123456789abcdef,short' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...BASE, OPEN311_API_KEYS: 'short' })).toThrow(/OPEN311_API_KEYS/);
    expect(() => loadConfig({ ...BASE, SMS_WEBHOOK_TOKEN: 'short' })).toThrow(/SMS_WEBHOOK_TOKEN/);
  });
});

describe('metrics in the config', () => {
  it('serves /metrics unless METRICS_ENABLED says false, and refuses a typo', () => {
    expect(loadConfig(BASE).metricsEnabled).toBe(true);
    expect(loadConfig({ ...BASE, METRICS_ENABLED: 'false' }).metricsEnabled).toBe(false);
    expect(loadConfig({ ...BASE, METRICS_ENABLED: 'true' }).metricsEnabled).toBe(true);
    expect(() => loadConfig({ ...BASE, METRICS_ENABLED: 'flase' })).toThrow(/METRICS_ENABLED/);
  });
});
