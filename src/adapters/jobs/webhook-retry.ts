/**
 * Which failed webhook deliveries are worth retrying. A 4xx says the district's receiver
 * refused this request as sent (bad URL, revoked token, a body it rejects): eight more
 * tries over an hour change nothing, so the delivery is flagged for a supervisor at once.
 * 408 (timeout) and 429 (rate limit) ask to try again later; 5xx and network errors are
 * the receiver's passing trouble and are retried with backoff.
 */

/** A webhook answered with a status other than 2xx. */
export class WebhookStatusError extends Error {
  constructor(readonly status: number) {
    super(`webhook answered ${status}`);
    this.name = 'WebhookStatusError';
  }
}

export function isPermanentStatus(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/** A failure that retrying cannot fix (a refusing 4xx); anything else may pass. */
export function isPermanentWebhookFailure(err: unknown): boolean {
  return err instanceof WebhookStatusError && isPermanentStatus(err.status);
}
