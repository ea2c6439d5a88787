import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJpegGps } from '../../src/domain/cases/photo.js';
import { openHttpBackend, startHttpApp, TEST_ADMIN_TOKEN, type HttpBackend } from '../helpers/http-app.js';
import { jpeg, png } from '../helpers/photos.js';

/** Azadi Square, as a phone camera writes it into the photo. */
const AZADI = { lat: 35.6997, long: 51.338 };
const MAX_BYTES = 16 * 1024;

/** POST /api/public/cases with photos, over real HTTP as a browser's FormData sends it. */
describe('web form with photos (multipart/form-data)', () => {
  let backend: HttpBackend;
  let app: FastifyInstance;
  let base: string;
  let phoneSuffix = 1000000;

  beforeAll(async () => {
    backend = await openHttpBackend();
    ({ app } = await startHttpApp(backend, { photos: backend.store, photoMaxBytes: MAX_BYTES, publicRateLimit: { max: 1000, timeWindowMs: 60_000 } }));
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app?.close();
    await backend?.close();
  });

  function form(photos: { name: string; data: Buffer; type: string }[], fields: Record<string, string> = {}): FormData {
    const data = new FormData();
    const all = { category: 'streets_lighting', address: 'میدان آزادی', description: 'چاله بزرگ', phone: `0912${phoneSuffix++}`, ...fields };
    for (const [name, value] of Object.entries(all)) data.append(name, value);
    for (const p of photos) data.append('photo', new Blob([p.data], { type: p.type }), p.name);
    return data;
  }
  const post = (body: FormData) => fetch(`${base}/api/public/cases`, { method: 'POST', body });

  it('keeps the photos stripped of their metadata, takes the EXIF point as the case point, and lists them for staff', async () => {
    const res = await post(form([{ name: 'a.jpg', data: jpeg(AZADI), type: 'image/jpeg' }, { name: 'b.png', data: png(true), type: 'image/png' }], { district: '9' }));
    expect(res.status).toBe(201);
    const { trackingNumber } = (await res.json()) as { trackingNumber: string };
    const found = (await backend.repos.cases.findByTrackingNumber(trackingNumber))!;
    expect(found).toMatchObject({ channel: 'web', district: 9, lat: AZADI.lat, long: AZADI.long });
    const media = await backend.repos.cases.media([found.id]);
    expect(media.map((m) => [m.source, m.contentType])).toEqual([
      ['web', 'image/jpeg'],
      ['web', 'image/png'],
    ]);
    const listed = await fetch(`${base}/api/cases/${trackingNumber}/photos`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    const photos = (await listed.json()) as { url: string }[];
    expect(photos).toHaveLength(2);
    const first = await fetch(`${base}${photos[0]!.url}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    expect(first.headers.get('content-type')).toBe('image/jpeg');
    const bytes = Buffer.from(await first.arrayBuffer());
    expect(readJpegGps(bytes)).toBeNull();
    expect(bytes.includes(Buffer.from('taken at home'))).toBe(false);
  });

  it.each([
    ['a file that only claims to be a photo', [{ name: 'x.jpg', data: Buffer.from('MZ not an image at all'), type: 'image/jpeg' }], 'not_an_image'],
    ['a photo over PHOTO_MAX_BYTES', [{ name: 'big.png', data: Buffer.concat([png(), Buffer.alloc(MAX_BYTES)]), type: 'image/png' }], 'too_large'],
    ['four photos', Array.from({ length: 4 }, (_, i) => ({ name: `${i}.jpg`, data: jpeg(), type: 'image/jpeg' })), 'too_many'],
  ])('refuses %s with a 400 naming the photo field, and stores nothing', async (_what, photos, reason) => {
    const phone = `0912${phoneSuffix}`;
    const res = await post(form(photos));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: unknown }).error).toMatchObject({ code: 'HOTLINE_ERR_VALIDATION', details: { field: 'photo', reason } });
    expect(await backend.repos.cases.list({ phone })).toEqual([]);
  });

  it('still takes the form as JSON without photos', async () => {
    const res = await fetch(`${base}/api/public/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ category: 'other', address: 'x', description: 'y', phone: `0912${phoneSuffix++}` }),
    });
    expect(res.status).toBe(201);
  });
});
