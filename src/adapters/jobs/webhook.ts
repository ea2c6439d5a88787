import { createHmac } from 'node:crypto';
import { WebhookStatusError } from './webhook-retry.js';

export const SIGNATURE_HEADER = 'X-Hotline-Signature';
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/** Hex HMAC-SHA256 of the exact body bytes, so the receiver can check it before parsing. */
export function signBody(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('hex');
}

export interface WebhookRequest {
  url: string;
  body: string;
  secret: string;
  /** Stable across retries of the same delivery, so the district can drop repeats. */
  idempotencyKey: string;
  timeoutMs: number;
}

/** POSTs the JSON body; anything but a 2xx answer (or no answer in time) is an error. */
export async function postWebhook(req: WebhookRequest, fetchImpl: typeof fetch = fetch): Promise<void> {
  const res = await fetchImpl(req.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      [SIGNATURE_HEADER]: signBody(req.body, req.secret),
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
