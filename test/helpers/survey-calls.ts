import { expect } from 'vitest';
import type { Hotline } from '../../src/app.js';
import type { AriEvent } from './citizen.js';

/** Walks a case to `closed` through the API, as staff would (the survey hook runs on closing). */
export async function closeThroughApi(hotline: Hotline, trackingNumber: string): Promise<void> {
  for (const status of ['dispatched', 'acknowledged', 'resolved', 'closed']) {
    const res = await hotline.http.inject({
      method: 'PATCH',
      url: `/api/cases/${trackingNumber}`,
      payload: { status, note: `to ${status}` },
      headers: { authorization: `Bearer ${process.env.HOTLINE_ADMIN_TOKEN}` },
    });
    expect(res.statusCode, res.body).toBe(200);
  }
}

/** Matches Asterisk starting to play prompt `id` (on a channel the test line follows). */
export const promptStarted = (id: string) => (e: AriEvent) =>
  e.type === 'PlaybackStarted' && String(e.playback?.media_uri).includes(`sound:${id}`);
