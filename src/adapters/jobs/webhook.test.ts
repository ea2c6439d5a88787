import { createHmac, timingSafeEqual } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { postWebhook } from './webhook.js';

const SECRET = 'district-7-webhook-secret-0123';

/** The receiver's check as README shows it: signature over `timestamp.body`, five-minute window. */
function verify(headers: Headers, rawBody: string, secret: string, nowMs: number): boolean {
  const timestamp = headers.get('x-hotline-timestamp') ?? '';
  const signature = headers.get('x-hotline-signature') ?? '';
  if (!/^\d+$/.test(timestamp) || Math.abs(nowMs / 1000 - Number(timestamp)) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
  return signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}

async function captured(sentAt: Date) {
  const requests: { headers: Headers; body: string }[] = [];
  const fetchImpl = (async (_url: string, init: RequestInit) => {
    requests.push({ headers: new Headers(init.headers), body: String(init.body) });
    return new Response('ok', { status: 200 });
  }) as unknown as typeof fetch;
  const body = JSON.stringify({ event: 'case.dispatched', district: 7 });
  await postWebhook({ url: 'http://district.test/hook', body, secret: SECRET, idempotencyKey: 'case-1-district-7', timeoutMs: 1000, sentAt }, fetchImpl);
  return requests[0]!;
}

describe('webhook signature', () => {
  const sentAt = new Date('2026-03-01T08:00:00Z');

  it('sends the engine clock as X-Hotline-Timestamp and signs timestamp.body', async () => {
    const req = await captured(sentAt);
    expect(req.headers.get('x-hotline-timestamp')).toBe(String(sentAt.getTime() / 1000));
    expect(verify(req.headers, req.body, SECRET, sentAt.getTime() + 10_000)).toBe(true);
  });

  it('lets the receiver refuse a replay outside the window, another body, or another timestamp', async () => {
    const req = await captured(sentAt);
    expect(verify(req.headers, req.body, SECRET, sentAt.getTime() + 6 * 60_000)).toBe(false);
    expect(verify(req.headers, req.body.replace('7', '8'), SECRET, sentAt.getTime())).toBe(false);
    const moved = new Headers(req.headers);
    moved.set('x-hotline-timestamp', String(sentAt.getTime() / 1000 + 3600));
    expect(verify(moved, req.body, SECRET, sentAt.getTime() + 3600_000)).toBe(false);
  });
});
