import { describe, expect, it } from 'vitest';
import { isPermanentStatus, isPermanentWebhookFailure, WebhookStatusError } from './webhook-retry.js';

describe('webhook retry classification', () => {
  it.each([400, 401, 403, 404, 410, 413, 422, 499])('%i fails at once', (status) => {
    expect(isPermanentStatus(status)).toBe(true);
    expect(isPermanentWebhookFailure(new WebhookStatusError(status))).toBe(true);
  });

  it.each([408, 429, 500, 502, 503, 504, 302])('%i is retried', (status) => {
    expect(isPermanentStatus(status)).toBe(false);
    expect(isPermanentWebhookFailure(new WebhookStatusError(status))).toBe(false);
  });

  it('retries network errors and timeouts', () => {
    expect(isPermanentWebhookFailure(new TypeError('fetch failed'))).toBe(false);
    expect(isPermanentWebhookFailure(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))).toBe(false);
  });
});
