/**
 * Open311 as real clients use it, over real HTTP, with requests shaped the way their code
 * builds them:
 * - FixMyStreet's perllib/Open311.pm: XML only (`services.xml`, `services/<code>.xml`,
 *   `requests.xml`), a form-encoded POST with `first_name`, `last_name`, `email`, `lat`,
 *   `long`, `media_url` (repeated with multi_photos), `attribute[…]`, `jurisdiction_id` and
 *   `api_key`; it reads `<service_requests><request><service_request_id>` and, on a
 *   failure, `<errors><error><code>/<description>`.
 * - Bloomington's GeoReporter (models/Open311.java): JSON, `services.json` then each
 *   definition, a form-encoded POST (`service_code`, `jurisdiction_id`, `api_key`, then its
 *   fields with lat/long as Double.toString) that counts only HTTP 200 as success.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { randomInt } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileRecordingStore } from '../../src/adapters/db/recording-store.js';
import { createRepositories } from '../../src/adapters/db/repositories.js';
import { cases } from '../../src/adapters/db/schema/index.js';
import { dammCheckDigit } from '../../src/domain/cases/tracking-number.js';
import { jpeg, png } from '../helpers/photos.js';
import { TEST_DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { TEST_ADMIN_TOKEN, startHttpApp, type HttpBackend } from '../helpers/http-app.js';

const KEY = 'open311-client-key-7c2e9f1a';
const CIVIC_APP = 'https://civic-app.example';

/** Every text of an element in an XML document (enough for the spec's flat documents). */
function xmlValues(xml: string, element: string): string[] {
  return [...xml.matchAll(new RegExp(`<${element}>([^<]*)</${element}>`, 'g'))].map((m) => m[1]!);
}

/** What the Open311 documents hold, loosely: the tests look at a few fields. */
interface Doc {
  service_request_id: string;
  service_code: string;
  requested_datetime: string;
  expected_datetime: string | null;
  metadata: boolean;
  attributes: { code: string }[];
  endpoints: Record<string, string>[];
  description: string;
  [field: string]: unknown;
}
const json = async (res: Response | Promise<Response>) => (await (await res).json()) as Doc[];
const jsonOne = async (res: Response | Promise<Response>) => (await (await res).json()) as Doc;

/** A multipart body as Apache HttpMime's MultipartEntity writes it (GeoReporter's photo POST). */
function httpMimeMultipart(fields: [string, string][], file?: { field: string; filename: string; data: Buffer }) {
  const boundary = 'vKhB0dG3AeT6XcRiqLsZw1yE9mNf2Ho';
  const parts: Buffer[] = [];
  for (const [name, value] of fields) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\nContent-Type: text/plain; charset=UTF-8\r\n` +
          `Content-Transfer-Encoding: 8bit\r\n\r\n${value}\r\n`,
      ),
    );
  }
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\n` +
          'Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n',
      ),
      file.data,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

function formBody(pairs: [string, string][]): string {
  return new URLSearchParams(pairs).toString();
}

for (const kind of TEST_DATABASE_KINDS) {
  describe(kind, () => {
    let opened: TestDatabase;
    let backend: HttpBackend;
    let dir: string;
    let app: FastifyInstance;
    let base: string;

    beforeAll(async () => {
      opened = await openTestDatabase(kind);
      dir = await mkdtemp(path.join(tmpdir(), 'hotline-open311-'));
      backend = { database: opened.database, repos: createRepositories(opened.database), store: createFileRecordingStore(dir), close: async () => undefined };
      ({ app } = await startHttpApp(backend, { open311ApiKeys: [KEY], open311CorsOrigins: [CIVIC_APP], photos: backend.store, photoMaxBytes: 64 * 1024 }));
      await app.listen({ host: '127.0.0.1', port: 0 });
      base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      await app?.close();
      await opened?.cleanup();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('serves FixMyStreet in XML: services, a definition, a POST with photos and reporter, the list and errors', async () => {
      const services = await fetch(`${base}/open311/v2/services.xml?jurisdiction_id=tehran`);
      expect(services.status).toBe(200);
      expect(services.headers.get('content-type')).toMatch(/^text\/xml/);
      const servicesXml = await services.text();
      expect(servicesXml.startsWith('<?xml version="1.0" encoding="utf-8"?><services><service>')).toBe(true);
      expect(xmlValues(servicesXml, 'service_code')).toContain('parks_trees');
      expect(xmlValues(servicesXml, 'metadata')[0]).toBe('true');

      const def = await (await fetch(`${base}/open311/v2/services/parks_trees.xml?jurisdiction_id=tehran`)).text();
      expect(def).toMatch(/^<\?xml[^>]*\?><service_definition><service_code>parks_trees<\/service_code><attributes><attribute>/);
      expect(xmlValues(def, 'key')).toHaveLength(22);

      // _populate_service_request_params + _request: form-encoded, UTF-8, api_key added to POSTs.
      const posted = await fetch(`${base}/open311/v2/requests.xml`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: formBody([
          ['description', 'درخت افتاده\n\nشاخه بزرگ روی پیاده‌رو افتاده است\n\nhttps://fms.example/report/42\n'],
          ['service_code', 'parks_trees'],
          ['first_name', 'Sara'],
          ['last_name', 'Ahmadi Rad'],
          ['email', 'sara@example.org'],
          ['lat', '35.757500'],
          ['long', '51.410000'],
          ['media_url', 'https://fms.example/photo/42.0.full.jpeg'],
          ['media_url', 'https://fms.example/photo/42.1.full.jpeg'],
          ['attribute[district]', '6'],
          ['attribute[fixmystreet_id]', '42'],
          ['jurisdiction_id', 'tehran'],
          ['api_key', KEY],
        ]),
      });
      expect(posted.status).toBe(200);
      const postedXml = await posted.text();
      const [id] = xmlValues(postedXml, 'service_request_id');
      expect(id).toMatch(/^\d{10}$/);

      const stored = await backend.repos.cases.findByTrackingNumber(id!);
      expect(stored).toMatchObject({
        channel: 'open311',
        category: 'parks_trees',
        district: 6,
        lat: 35.7575,
        long: 51.41,
        callerPhone: null,
        reporter: { email: 'sara@example.org', firstName: 'Sara', lastName: 'Ahmadi Rad', phone: null },
      });
      expect((await backend.repos.cases.media([stored!.id])).map((m) => m.sourceUrl)).toEqual([
        'https://fms.example/photo/42.0.full.jpeg',
        'https://fms.example/photo/42.1.full.jpeg',
      ]);

      // GetServiceRequests: a W3CDTF window.
      const from = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
      const to = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
      const listed = await fetch(`${base}/open311/v2/requests.xml?start_date=${from}&end_date=${to}&jurisdiction_id=tehran`);
      expect(listed.status).toBe(200);
      const listXml = await listed.text();
      expect(listXml).toContain('<service_requests><request>');
      expect(xmlValues(listXml, 'service_request_id')).toContain(id);
      const one = await (await fetch(`${base}/open311/v2/requests/${id}.xml`)).text();
      expect(xmlValues(one, 'media_url')).toEqual(['https://fms.example/photo/42.0.full.jpeg']);
      expect(xmlValues(one, 'expected_datetime')).toEqual([stored!.dueAt!.toISOString()]);
      // Reporter details are kept for staff, never published.
      for (const secret of ['sara@example.org', 'Sara', 'Ahmadi']) expect(listXml + one).not.toContain(secret);

      // _process_error reads <errors><error><code>…<description>.
      const refused = await fetch(`${base}/open311/v2/requests.xml`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: formBody([['service_code', 'potholes'], ['lat', '35.7'], ['long', '51.4'], ['api_key', KEY]]),
      });
      expect(refused.status).toBe(400);
      const errorXml = await refused.text();
      expect(xmlValues(errorXml, 'code')).toEqual(['400']);
      expect(xmlValues(errorXml, 'description')[0]).toMatch(/potholes/);
      const unknown = await fetch(`${base}/open311/v2/requests/123.xml`);
      expect(unknown.status).toBe(400);
      expect(await unknown.text()).toMatch(/^<\?xml[^>]*\?><errors><error><code>400<\/code>/);
    });

    it('serves GeoReporter in JSON: services and definitions, a POST answered 200 with a foreign phone kept, then the request', async () => {
      const services = await json(fetch(`${base}/open311/v2/services.json`));
      for (const service of services.filter((s) => s.metadata === true)) {
        const def = await fetch(`${base}/open311/v2/services/${service.service_code}.json`);
        expect(def.status).toBe(200);
        expect((await jsonOne(def)).attributes[0]!.code).toBe('district');
      }

      // prepareUrlEncodedEntity: service_code, jurisdiction_id, api_key, then post_data (lat/long as Double.toString).
      const posted = await fetch(`${base}/open311/v2/requests.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
        body: formBody([
          ['service_code', 'streets_lighting'],
          ['jurisdiction_id', 'tehran'],
          ['api_key', KEY],
          ['lat', '35.70123456789'],
          ['long', '51.3891'],
          ['address_string', 'خیابان انقلاب'],
          ['description', 'Street light out'],
          ['email', 'visitor@example.com'],
          ['device_id', 'android-5f3a'],
          ['first_name', 'John'],
          ['last_name', 'Smith'],
          ['phone', '+44 20 7946 0958'],
          ['attribute[district]', '11'],
        ]),
      });
      // GeoReporter: `if (status == HttpStatus.SC_OK)`; anything else is shown as a failure.
      expect(posted.status).toBe(200);
      const [created] = await json(posted);
      expect(created).toEqual({ service_request_id: expect.stringMatching(/^\d{10}$/), service_notice: expect.any(String), account_id: null });

      const stored = await backend.repos.cases.findByTrackingNumber(created!.service_request_id);
      expect(stored).toMatchObject({
        district: 11,
        address: 'خیابان انقلاب',
        callerPhone: null,
        reporter: { email: 'visitor@example.com', firstName: 'John', lastName: 'Smith', phone: '+44 20 7946 0958' },
      });

      const [request] = await json(fetch(`${base}/open311/v2/requests/${created!.service_request_id}.json`));
      expect(request).toMatchObject({ service_request_id: created!.service_request_id, status: 'open', lat: 35.70123456789, long: 51.3891, media_url: null });
      expect(request!.expected_datetime).toBe(stored!.dueAt!.toISOString());
      expect(JSON.stringify(request)).not.toMatch(/visitor@|John|Smith|7946/);
    });

    it('takes a photo upload as GeoReporter sends it: sniffed, EXIF position used then stripped, served as media_url', async () => {
      const fields: [string, string][] = [
        ['service_code', 'cleaning_waste'],
        ['jurisdiction_id', 'tehran'],
        ['api_key', KEY],
        ['description', 'زباله کنار جوی'],
      ];
      const photo = jpeg({ lat: 35.6892, long: 51.389 });
      const { body, contentType } = httpMimeMultipart(fields, { field: 'media', filename: 'media.jpg', data: photo });
      const posted = await fetch(`${base}/open311/v2/requests.json`, { method: 'POST', headers: { 'content-type': contentType }, body });
      expect(posted.status).toBe(200);
      const [created] = await json(posted);
      const stored = await backend.repos.cases.findByTrackingNumber(created!.service_request_id);
      // No lat/long and no address were sent: the photo's EXIF position is the request's location.
      expect(stored).toMatchObject({ lat: expect.closeTo(35.6892, 5), long: expect.closeTo(51.389, 5), description: 'زباله کنار جوی' });
      const [media] = await backend.repos.cases.media([stored!.id]);
      expect(media).toMatchObject({ source: 'open311', contentType: 'image/jpeg', lat: expect.closeTo(35.6892, 5), sourceUrl: null });

      const [request] = await json(fetch(`${base}/open311/v2/requests/${created!.service_request_id}.json`));
      expect(request!.media_url).toBe(`${base}/open311/v2/media/${media!.id}`);
      const image = await fetch(String(request!.media_url), { headers: { origin: CIVIC_APP } });
      expect(image.status).toBe(200);
      expect(image.headers.get('content-type')).toBe('image/jpeg');
      const bytes = Buffer.from(await image.arrayBuffer());
      expect(bytes).toEqual(jpeg());
      expect(bytes.includes('Exif')).toBe(false);

      // A PNG declared as anything is still a PNG; a file that is no image, or too large, is refused and nothing is filed.
      const pngPost = httpMimeMultipart([...fields, ['address_string', 'x']], { field: 'media', filename: 'media.png', data: png(true) });
      expect((await fetch(`${base}/open311/v2/requests.json`, { method: 'POST', headers: { 'content-type': pngPost.contentType }, body: pngPost.body })).status).toBe(200);
      const before = await opened.database.db.select({ n: sql<number>`count(*)::int` }).from(cases);
      const svg = httpMimeMultipart([...fields, ['address_string', 'x']], { field: 'media', filename: 'a.jpg', data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>') });
      const refused = await fetch(`${base}/open311/v2/requests.json`, { method: 'POST', headers: { 'content-type': svg.contentType }, body: svg.body });
      expect(refused.status).toBe(400);
      expect((await json(refused))[0]!.description).toMatch(/JPEG, PNG or WebP/);
      const big = httpMimeMultipart([...fields, ['address_string', 'x']], { field: 'media', filename: 'big.jpg', data: Buffer.concat([jpeg(), Buffer.alloc(70 * 1024)]) });
      const tooBig = await fetch(`${base}/open311/v2/requests.json`, { method: 'POST', headers: { 'content-type': big.contentType }, body: big.body });
      expect(tooBig.status).toBe(413);
      const after = await opened.database.db.select({ n: sql<number>`count(*)::int` }).from(cases);
      expect(after[0]!.n).toBe(before[0]!.n);

      // Staff reach the same photo through the API with a token; without one, nothing.
      const staffList = await fetch(`${base}/api/cases/${created!.service_request_id}/photos`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
      expect(staffList.status).toBe(200);
      const [listedPhoto] = (await staffList.json()) as { url: string; contentType: string }[];
      expect(listedPhoto).toMatchObject({ url: `/api/cases/${created!.service_request_id}/photos/${media!.id}`, contentType: 'image/jpeg' });
      const staffPhoto = await fetch(`${base}${listedPhoto!.url}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
      expect(Buffer.from(await staffPhoto.arrayBuffer())).toEqual(jpeg());
      expect((await fetch(`${base}${listedPhoto!.url}`)).status).toBe(401);

      // Only photos of public requests are served.
      const missing = await fetch(`${base}/open311/v2/media/00000000-0000-4000-8000-000000000000`);
      expect(missing.status).toBe(404);
    });

    it('stores JSON null coordinates as no position, not 0,0', async () => {
      const posted = await fetch(`${base}/open311/v2/requests.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ api_key: KEY, service_code: 'other', lat: null, long: null, address_string: 'میدان آزادی', description: null }),
      });
      expect(posted.status).toBe(200);
      const [{ service_request_id: id }] = (await json(posted)) as [Doc];
      expect(await backend.repos.cases.findByTrackingNumber(id)).toMatchObject({ lat: null, long: null, address: 'میدان آزادی' });
    });

    it('takes comma lists of services and pages past 500', async () => {
      // 505 Open311 cases in a window of their own (January 2020).
      const rows = Array.from({ length: 505 }, (_, i) => {
        const body = String(100_000_000 + randomInt(800_000_000));
        return {
          trackingNumber: body + dammCheckDigit(body),
          channel: 'open311' as const,
          category: i % 2 === 0 ? ('parks_trees' as const) : ('other' as const),
          createdAt: new Date(Date.UTC(2020, 0, 1) + i * 60_000),
          address: `page test ${i}`,
        };
      });
      await opened.database.db.insert(cases).values(rows).onConflictDoNothing();
      const window = 'start_date=2020-01-01T00:00:00Z&end_date=2020-01-31T00:00:00Z';
      const ids = (list: Doc[]) => list.map((r) => r.service_request_id);

      const first = await json(fetch(`${base}/open311/v2/requests.json?${window}`));
      const second = await json(fetch(`${base}/open311/v2/requests.json?${window}&page=2`));
      expect(first).toHaveLength(500);
      expect(second).toHaveLength(5);
      expect(new Set([...ids(first), ...ids(second)]).size).toBe(505);
      // Newest first across pages.
      expect(first[0]!.requested_datetime > second[0]!.requested_datetime).toBe(true);

      const small = await json(fetch(`${base}/open311/v2/requests.json?${window}&page=3&page_size=200`));
      expect(small).toHaveLength(105);

      const both = await json(fetch(`${base}/open311/v2/requests.json?${window}&service_code=parks_trees,other&page_size=10`));
      expect(both.map((r) => r.service_code).sort()).toEqual([...Array(5).fill('other'), ...Array(5).fill('parks_trees')]);
      const parks = await json(fetch(`${base}/open311/v2/requests.json?${window}&service_code=parks_trees&page_size=500`));
      expect(parks).toHaveLength(253);
      const wrong = await fetch(`${base}/open311/v2/requests.json?service_code=parks_trees,potholes`);
      expect(wrong.status).toBe(400);
      expect((await json(wrong))[0]!.description).toMatch(/potholes/);
      await opened.database.db.delete(cases).where(sql`${cases.createdAt} < '2020-02-01'`);
    });

    it('publishes a discovery document in both formats', async () => {
      const res = await fetch(`${base}/open311/discovery.json`);
      expect(res.status).toBe(200);
      const doc = await jsonOne(res);
      expect(doc.endpoints).toEqual([
        expect.objectContaining({ url: `${base}/open311/v2`, specification: 'http://wiki.open311.org/GeoReport_v2', type: 'production' }),
      ]);
      const xml = await (await fetch(`${base}/open311/discovery.xml`)).text();
      expect(xmlValues(xml, 'url')).toEqual([`${base}/open311/v2`]);
      expect(xmlValues(xml, 'format')).toEqual(['text/xml', 'application/json']);
    });

    it('answers CORS for the configured origins only, preflight included', async () => {
      const preflight = await fetch(`${base}/open311/v2/requests.json`, {
        method: 'OPTIONS',
        headers: { origin: CIVIC_APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(CIVIC_APP);
      expect(preflight.headers.get('access-control-allow-methods')).toMatch(/POST/);
      expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Content-Type/i);

      const get = await fetch(`${base}/open311/v2/services.json`, { headers: { origin: CIVIC_APP } });
      expect(get.headers.get('access-control-allow-origin')).toBe(CIVIC_APP);
      expect(get.headers.get('vary')).toMatch(/Origin/);
      expect(get.headers.get('cross-origin-resource-policy')).toBe('cross-origin');

      const stranger = await fetch(`${base}/open311/v2/services.json`, { headers: { origin: 'https://evil.example' } });
      expect(stranger.status).toBe(200);
      expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
      const strangerPreflight = await fetch(`${base}/open311/v2/requests.json`, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
      expect(strangerPreflight.headers.get('access-control-allow-origin')).toBeNull();
      // The staff API is not opened by the Open311 allow-list.
      const api = await fetch(`${base}/api/health`, { headers: { origin: CIVIC_APP } });
      expect(api.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('keeps a POST that failed validation out of the database', async () => {
      const count = async () => Number((await opened.database.db.select({ n: sql<number>`count(*)::int` }).from(cases).where(eq(cases.channel, 'open311')))[0]!.n);
      const before = await count();
      const res = await fetch(`${base}/open311/v2/requests.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: formBody([['api_key', KEY], ['service_code', 'other'], ['address_string', 'x'], ['email', 'nobody']]),
      });
      expect(res.status).toBe(400);
      expect((await json(res))[0]!.description).toMatch(/email/);
      expect(await count()).toBe(before);
    });
  });
}
