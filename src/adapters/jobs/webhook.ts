import { createHmac } from 'node:crypto';
import { WebhookStatusError } from './webhook-retry.js';

export const SIGNATURE_HEADER = 'X-Hotline-Signature';
export const TIMESTAMP_HEADER = 'X-Hotline-Timestamp';
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/**
 * Hex HMAC-SHA256 of `<timestamp>.<exact body bytes>`, the timestamp in Unix seconds as
 * sent in X-Hotline-Timestamp. Signing the time too lets the receiver refuse a captured
 * delivery replayed later (README: five minutes), and check it all before parsing.
 */
export function signBody(body: string, secret: string, timestamp: number): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

export interface WebhookRequest {
  url: string;
  body: string;
  secret: string;
  /** Stable across retries of the same delivery, so the district can drop repeats. */
  idempotencyKey: string;
  timeoutMs: number;
  /** When this attempt is sent (the engine's clock): signed with the body. */
  sentAt: Date;
}

/** POSTs the JSON body; anything but a 2xx answer (or no answer in time) is an error. */
export async function postWebhook(req: WebhookRequest, fetchImpl: typeof fetch = fetch): Promise<void> {
  const timestamp = Math.floor(req.sentAt.getTime() / 1000);
  const res = await fetchImpl(req.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      [TIMESTAMP_HEADER]: String(timestamp),
      [SIGNATURE_HEADER]: signBody(req.body, req.secret, timestamp),
      [IDEMPOTENCY_HEADER]: req.idempotencyKey,
    },
    body: req.body,
    signal: AbortSignal.timeout(req.timeoutMs),
    redirect: 'error',
  });
  // Drained so the connection can be reused; the body itself says nothing we act on.
  await res.arrayBuffer().catch(() => undefined);
  if (!res.ok) throw new WebhookStatusError(res.status);
}
