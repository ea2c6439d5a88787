import { mkdtemp, rm } from 'node:fs/promises';
import { randomInt } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFileRecordingStore } from '../../src/adapters/db/recording-store.js';
import { createRepositories } from '../../src/adapters/db/repositories.js';
import { caseEvents, cases } from '../../src/adapters/db/schema/index.js';
import type { HttpDeps } from '../../src/adapters/http/deps.js';
import { CASE_CATEGORIES } from '../../src/domain/cases/case.js';
import { dammCheckDigit } from '../../src/domain/cases/tracking-number.js';
import { STATUS_FA, toPersianDigits } from '../../src/domain/cases/wording.js';
import { TEST_DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { startHttpApp, type HttpBackend } from '../helpers/http-app.js';

const OPEN311_KEY = 'open311-test-key-5d1e9a7c';
const SMS_TOKEN = 'sms-webhook-token-8b2f4c6e';

/** A valid tracking number no test creates (their numbers are random). */
function unusedTrackingNumber(): string {
  const body = `9${String(randomInt(1_000_000)).padStart(6, '0')}`;
  return body + dammCheckDigit(body);
}

function freshIp(): string {
  return `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
}

let phoneSeq = randomInt(1_000_000, 8_000_000);
function freshMobile(): string {
  phoneSeq += 1;
  return `0936${phoneSeq}`;
}

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

for (const kind of TEST_DATABASE_KINDS) {
  describe(kind, () => {
    let opened: TestDatabase;
    let backend: HttpBackend;
    let recordingsDir: string;
    const apps: FastifyInstance[] = [];
    let logLines: string[] = [];

    beforeAll(async () => {
      opened = await openTestDatabase(kind);
      recordingsDir = await mkdtemp(path.join(tmpdir(), 'hotline-channels-'));
      backend = {
        database: opened.database,
        repos: createRepositories(opened.database),
        store: createFileRecordingStore(recordingsDir),
        close: async () => undefined,
      };
    });

    afterAll(async () => {
      await opened?.cleanup();
      if (recordingsDir) await rm(recordingsDir, { recursive: true, force: true });
    });

    afterEach(async () => {
      await Promise.all(apps.splice(0).map((a) => a.close()));
    });

    async function start(overrides: Partial<HttpDeps> = {}): Promise<FastifyInstance> {
      const started = await startHttpApp(backend, {
        open311ApiKeys: ['another-key-0123456789', OPEN311_KEY],
        smsWebhookToken: SMS_TOKEN,
        ...overrides,
      });
      apps.push(started.app);
      logLines = started.logLines;
      return started.app;
    }

    const countCases = async () => {
      const [row] = await opened.database.db.select({ n: sql<number>`count(*)::int` }).from(cases);
      return Number(row!.n);
    };

    describe('Open311 GeoReport v2', () => {
      it('lists the services and defines each with the district attribute', async () => {
        const app = await start();
        const list = await app.inject({ method: 'GET', url: '/open311/v2/services.json' });
        expect(list.statusCode).toBe(200);
        expect(list.json().map((s: { service_code: string }) => s.service_code)).toEqual(CASE_CATEGORIES);

        const def = await app.inject({ method: 'GET', url: '/open311/v2/services/parks_trees.json?jurisdiction_id=tehran' });
        expect(def.statusCode).toBe(200);
        expect(def.json()).toMatchObject({ service_code: 'parks_trees', attributes: [{ code: 'district', required: false }] });
        expect(def.json().attributes[0].values).toHaveLength(22);

        const unknown = await app.inject({ method: 'GET', url: '/open311/v2/services/potholes.json' });
        expect(unknown.statusCode).toBe(404);
        expect(unknown.json()).toEqual([{ code: 404, description: expect.stringContaining('potholes') }]);

        const csv = await app.inject({ method: 'GET', url: '/open311/v2/services.csv' });
        expect(csv.statusCode).toBe(404);
        expect(csv.json()).toEqual([{ code: 404, description: expect.any(String) }]);
      });

      it('round-trips a form-encoded request: POST, then GET by id and in the list', async () => {
        const app = await start();
        const phone = freshMobile();
        const posted = await app.inject({
          method: 'POST',
          url: '/open311/v2/requests.json',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: form({
            api_key: OPEN311_KEY,
            jurisdiction_id: 'tehran',
            service_code: 'streets_lighting',
            lat: '35.7575',
            long: '51.4100',
            'attribute[district]': '7',
            phone: `+98${phone.slice(1)}`,
            description: 'چراغ کوچه خاموش است',
            first_name: 'مریم',
          }),
        });
        expect(posted.statusCode).toBe(200);
        const [created] = posted.json();
        expect(created).toEqual({ service_request_id: expect.stringMatching(/^\d{10}$/), service_notice: expect.any(String), account_id: null });
        const id: string = created.service_request_id;

        const stored = await backend.repos.cases.findByTrackingNumber(id);
        expect(stored).toMatchObject({
          channel: 'open311',
          category: 'streets_lighting',
          district: 7,
          callerPhone: phone,
          lat: 35.7575,
          long: 51.41,
          address: null,
          status: 'new',
        });
        expect(stored!.events[0]!.actor).toMatch(/^open311:[0-9a-f]{8}$/);

        const one = await app.inject({ method: 'GET', url: `/open311/v2/requests/${id}.json` });
        expect(one.statusCode).toBe(200);
        expect(one.json()).toEqual([
          {
            service_request_id: id,
            status: 'open',
            status_notes: null,
            service_name: 'معابر، آسفالت و روشنایی',
            service_code: 'streets_lighting',
            description: 'چراغ کوچه خاموش است',
            agency_responsible: 'منطقه ۷',
            service_notice: null,
            requested_datetime: stored!.createdAt.toISOString(),
            updated_datetime: stored!.updatedAt.toISOString(),
            expected_datetime: stored!.dueAt!.toISOString(),
            address: null,
            address_id: null,
            zipcode: null,
            lat: 35.7575,
            long: 51.41,
            media_url: null,
          },
        ]);
        // The caller's number is never published.
        expect(one.body).not.toContain(phone.slice(-7));

        const listed = await app.inject({ method: 'GET', url: '/open311/v2/requests.json?service_code=streets_lighting&status=open' });
        expect(listed.statusCode).toBe(200);
        expect(listed.json().map((r: { service_request_id: string }) => r.service_request_id)).toContain(id);

        const closed = await app.inject({ method: 'GET', url: '/open311/v2/requests.json?status=closed' });
        expect(closed.json().map((r: { service_request_id: string }) => r.service_request_id)).not.toContain(id);
        const otherService = await app.inject({ method: 'GET', url: '/open311/v2/requests.json?service_code=parks_trees' });
        expect(otherService.json().map((r: { service_request_id: string }) => r.service_request_id)).not.toContain(id);
        const future = await app.inject({
          method: 'GET',
          url: `/open311/v2/requests.json?start_date=${encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString())}`,
        });
        expect(future.json()).toEqual([]);
      });

      it('round-trips a JSON request with an address and the attribute as an object', async () => {
        const app = await start();
        const posted = await app.inject({
          method: 'POST',
          url: '/open311/v2/requests.json',
          payload: {
            api_key: OPEN311_KEY,
            service_code: 'cleaning_waste',
            address_string: 'میدان ونک، ضلع شمالی',
            attribute: { district: 3 },
            description: 'زباله جمع نشده',
          },
        });
        expect(posted.statusCode).toBe(200);
        const id: string = posted.json()[0].service_request_id;

        // Clients post their whole form, empty fields included.
        const emptyFields = await app.inject({
          method: 'POST',
          url: '/open311/v2/requests.json',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: form({ api_key: OPEN311_KEY, service_code: 'other', lat: '', long: '', address_string: 'پل کریمخان', phone: '' }),
        });
        expect(emptyFields.statusCode).toBe(200);
        const emptyId: string = emptyFields.json()[0].service_request_id;
        expect(await backend.repos.cases.findByTrackingNumber(emptyId)).toMatchObject({ lat: null, long: null, callerPhone: null });

        const both = await app.inject({ method: 'GET', url: `/open311/v2/requests.json?service_request_id=${id},${unusedTrackingNumber()}` });
        expect(both.statusCode).toBe(200);
        expect(both.json()).toHaveLength(1);
        expect(both.json()[0]).toMatchObject({
          service_request_id: id,
          address: 'میدان ونک، ضلع شمالی',
          agency_responsible: 'منطقه ۳',
          lat: null,
          long: null,
          status: 'open',
        });
      });

      it('reports the resolution note (not later or internal ones), a closed status, and never the voice recording as media_url', async () => {
        const app = await start();
        const created = await backend.repos.cases.create({ channel: 'open311', recording: `${randomInt(1e9)}.wav`, actor: 'open311:test' });
        const { db } = opened.database;
        await db.update(cases).set({ status: 'resolved', district: 12 }).where(eq(cases.id, created.id));
        const later = (s: number) => new Date(created.createdAt.getTime() + s * 1000);
        await db.insert(caseEvents).values([
          { caseId: created.id, at: later(10), actor: 'district-12', fromStatus: 'new', toStatus: 'in_progress', note: 'اکیپ اعزام شد' },
          { caseId: created.id, at: later(20), actor: 'district-12', fromStatus: 'in_progress', toStatus: 'resolved', note: 'برطرف شد' },
          { caseId: created.id, at: later(30), actor: 'survey', fromStatus: 'resolved', toStatus: 'resolved', kind: 'escalated', note: 'internal: caller rude' },
        ]);

        const res = await app.inject({ method: 'GET', url: `/open311/v2/requests/${created.trackingNumber}.json`, headers: { host: 'hotline.example:3000' } });
        expect(res.statusCode).toBe(200);
        expect(res.json()[0]).toMatchObject({
          status: 'closed',
          status_notes: 'برطرف شد',
          agency_responsible: 'منطقه ۱۲',
          service_code: null,
          media_url: null,
        });
        const closed = await app.inject({ method: 'GET', url: '/open311/v2/requests.json?status=closed' });
        expect(closed.json().map((r: { service_request_id: string }) => r.service_request_id)).toContain(created.trackingNumber);
      });

      it('refuses to file without a valid api_key, or when no keys are configured, and creates nothing', async () => {
        const before = await countCases();
        const body = { service_code: 'other', address_string: 'x' };
        const app = await start();
        for (const payload of [body, { ...body, api_key: 'not-a-key-0123456789' }, { ...body, api_key: OPEN311_KEY.slice(0, -1) }]) {
          const res = await app.inject({ method: 'POST', url: '/open311/v2/requests.json', payload });
          expect(res.statusCode).toBe(403);
          expect(res.json()).toEqual([{ code: 403, description: expect.stringMatching(/api_key/) }]);
        }
        // Unauthenticated callers learn nothing about validation.
        const invalid = await app.inject({ method: 'POST', url: '/open311/v2/requests.json', payload: { lat: 'far' } });
        expect(invalid.statusCode).toBe(403);

        const closedApp = await start({ open311ApiKeys: [] });
        const refused = await closedApp.inject({ method: 'POST', url: '/open311/v2/requests.json', payload: { ...body, api_key: OPEN311_KEY } });
        expect(refused.statusCode).toBe(403);
        expect(refused.json()[0].description).toMatch(/not enabled/);
        expect(await countCases()).toBe(before);
      });

      it('answers malformed requests with a 400 in the Open311 shape', async () => {
        const app = await start();
        const before = await countCases();
        const post = (payload: string, type = 'application/json') =>
          app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': type }, payload });
        const cases400 = [
          await post(JSON.stringify({ api_key: OPEN311_KEY, service_code: 'other' })),
          await post(form({ api_key: OPEN311_KEY, service_code: 'nope', address_string: 'x' }), 'application/x-www-form-urlencoded'),
          await post(form({ api_key: OPEN311_KEY, service_code: 'other', lat: '95', long: '51' }), 'application/x-www-form-urlencoded'),
          await post(form({ api_key: OPEN311_KEY, service_code: 'other', lat: 'north', long: '51' }), 'application/x-www-form-urlencoded'),
          await post(JSON.stringify({ api_key: OPEN311_KEY, service_code: 'other', address_string: 'x', attribute: { district: 30 } })),
        ];
        const descriptions = cases400.map((res) => {
          expect(res.statusCode).toBe(400);
          const body = res.json();
          expect(body).toEqual([{ code: 400, description: expect.any(String) }]);
          return body[0].description as string;
        });
        expect(descriptions[0]).toMatch(/location/);
        expect(descriptions[1]).toMatch(/service_code nope/);
        expect(descriptions[2]).toMatch(/lat/);
        expect(descriptions[4]).toMatch(/district/);

        const badJson = await post('{"api_key": ');
        expect(badJson.statusCode).toBe(400);
        expect(badJson.json()[0].code).toBe(400);
        expect(await countCases()).toBe(before);

        const notId = await app.inject({ method: 'GET', url: '/open311/v2/requests/12345.json' });
        expect(notId.statusCode).toBe(400);
        const missing = await app.inject({ method: 'GET', url: `/open311/v2/requests/${unusedTrackingNumber()}.json` });
        expect(missing.statusCode).toBe(404);
        expect(missing.json()).toEqual([{ code: 404, description: expect.stringMatching(/not found/) }]);
        const badDate = await app.inject({ method: 'GET', url: '/open311/v2/requests.json?start_date=yesterday' });
        expect(badDate.statusCode).toBe(400);
        expect(badDate.json()[0].description).toMatch(/start_date/);
      });

      it('rate limits in the Open311 shape', async () => {
        const app = await start({ rateLimit: { max: 2, timeWindowMs: 60_000 } });
        const remoteAddress = freshIp();
        const get = () => app.inject({ method: 'GET', url: '/open311/v2/services.json', remoteAddress });
        expect((await get()).statusCode).toBe(200);
        expect((await get()).statusCode).toBe(200);
        const limited = await get();
        expect(limited.statusCode).toBe(429);
        expect(limited.json()).toEqual([{ code: 429, description: expect.any(String) }]);
        expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      });
    });

    describe('web form', () => {
      it('serves a Persian RTL page whose script and style come from this origin under its CSP', async () => {
        const app = await start();
        const page = await app.inject({ method: 'GET', url: '/report' });
        expect(page.statusCode).toBe(200);
        expect(page.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
        expect(page.body).toMatch(/<html lang="fa" dir="rtl">/);
        for (const name of ['category', 'district', 'address', 'description', 'phone', 'website']) {
          expect(page.body).toContain(`name="${name}"`);
        }
        // Nothing inline: every script has a src, no event-handler attributes, no style blocks.
        const scripts = [...page.body.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]!);
        expect(scripts.length).toBe(1);
        expect(scripts[0]).toMatch(/src="\/report\/report\.js"/);
        expect(page.body).not.toMatch(/\son[a-z]+=|<style|style="/i);

        const csp = String(page.headers['content-security-policy']);
        expect(csp).toContain("script-src 'self'");
        expect(csp).toContain("style-src 'self'");
        expect(csp).toContain("connect-src 'self'");
        expect(csp).not.toContain('unsafe-inline');

        const js = await app.inject({ method: 'GET', url: '/report/report.js' });
        expect(js.statusCode).toBe(200);
        expect(js.headers['content-type']).toMatch(/^text\/javascript/);
        expect(js.body).toContain("'/api/public/cases'");
        const css = await app.inject({ method: 'GET', url: '/report/report.css' });
        expect(css.headers['content-type']).toMatch(/^text\/css/);

        // The API keeps its deny-everything policy.
        const api = await app.inject({ method: 'GET', url: '/api/health' });
        expect(String(api.headers['content-security-policy'])).toContain("default-src 'none'");
      });

      it('creates a web case and answers its tracking number', async () => {
        const app = await start();
        const phone = freshMobile();
        const res = await app.inject({
          method: 'POST',
          url: '/api/public/cases',
          remoteAddress: freshIp(),
          payload: {
            category: 'parks_trees',
            district: 5,
            address: '  پارک ملت، ورودی غربی ',
            description: ' درخت افتاده ',
            phone: toPersianDigits(phone),
            website: '',
          },
        });
        expect(res.statusCode).toBe(201);
        const { trackingNumber, message } = res.json();
        expect(message).toContain(toPersianDigits(trackingNumber));
        const stored = await backend.repos.cases.findByTrackingNumber(trackingNumber);
        expect(stored).toMatchObject({
          channel: 'web',
          category: 'parks_trees',
          district: 5,
          address: 'پارک ملت، ورودی غربی',
          description: 'درخت افتاده',
          callerPhone: phone,
          status: 'new',
        });
        expect(stored!.events[0]!.actor).toBe('web');
      });

      it('answers a filled honeypot like a success, creates nothing and logs it', async () => {
        const app = await start();
        const phone = freshMobile();
        const before = await countCases();
        const res = await app.inject({
          method: 'POST',
          url: '/api/public/cases',
          remoteAddress: freshIp(),
          payload: { category: 'other', address: 'x', description: 'buy now', phone, website: 'http://spam.example' },
        });
        expect(res.statusCode).toBe(201);
        expect(res.json().trackingNumber).toMatch(/^\d{10}$/);
        expect(await countCases()).toBe(before);
        expect(await backend.repos.cases.list({ phone })).toEqual([]);
        expect(logLines.some((l) => l.includes('honeypot'))).toBe(true);
        // The log keeps the number masked.
        expect(logLines.join('')).not.toContain(phone);
      });

      it('refuses malformed forms with a 400 naming the field', async () => {
        const app = await start();
        const before = await countCases();
        const base = { category: 'other', address: 'x', description: 'y', phone: freshMobile() };
        const post = (payload: object) => app.inject({ method: 'POST', url: '/api/public/cases', remoteAddress: freshIp(), payload });
        const badPhone = await post({ ...base, phone: '12345' });
        expect(badPhone.statusCode).toBe(400);
        expect(badPhone.json().error).toMatchObject({ code: 'HOTLINE_ERR_VALIDATION', details: { field: 'phone' } });
        const noDescription = await post({ ...base, description: '   ' });
        expect(noDescription.json().error.details.field).toBe('description');
        const badDistrict = await post({ ...base, district: 23 });
        expect(badDistrict.json().error.details.field).toBe('district');
        expect(await countCases()).toBe(before);
      });

      it('limits posts per address more strictly than the rest, with a 429', async () => {
        const app = await start({ publicRateLimit: { max: 2, timeWindowMs: 60_000 }, rateLimit: { max: 100, timeWindowMs: 60_000 } });
        const remoteAddress = freshIp();
        const post = () =>
          app.inject({
            method: 'POST',
            url: '/api/public/cases',
            remoteAddress,
            payload: { category: 'other', address: 'x', description: 'y', phone: freshMobile() },
          });
        expect((await post()).statusCode).toBe(201);
        expect((await post()).statusCode).toBe(201);
        const limited = await post();
        expect(limited.statusCode).toBe(429);
        expect(limited.json().error.code).toBe('HOTLINE_ERR_RATE_LIMITED');
        // Another address, and the page itself, are not affected.
        expect((await app.inject({ method: 'GET', url: '/report', remoteAddress })).statusCode).toBe(200);
        const other = await app.inject({
          method: 'POST',
          url: '/api/public/cases',
          remoteAddress: freshIp(),
          payload: { category: 'other', address: 'x', description: 'y', phone: freshMobile() },
        });
        expect(other.statusCode).toBe(201);
      });
    });

    describe('inbound SMS', () => {
      const sms = (app: FastifyInstance, payload: object, headers: InjectOptions['headers'] = { authorization: `Bearer ${SMS_TOKEN}` }) =>
        app.inject({ method: 'POST', url: '/api/sms/inbound', headers, payload });

      it('turns a text into an sms case and replies with its tracking number, once per messageId', async () => {
        const app = await start();
        const phone = freshMobile();
        const messageId = `gw-${randomInt(1e9)}`;
        const payload = { from: `+98${phone.slice(1)}`, text: 'آب‌گرفتگی در خیابان ولیعصر', messageId, receivedAt: new Date().toISOString() };
        const first = await sms(app, payload);
        expect(first.statusCode).toBe(200);
        const answer = first.json();
        expect(answer).toMatchObject({ action: 'created', trackingNumber: expect.stringMatching(/^\d{10}$/) });
        expect(answer.reply).toContain(toPersianDigits(answer.trackingNumber));

        const stored = await backend.repos.cases.findByTrackingNumber(answer.trackingNumber);
        expect(stored).toMatchObject({
          channel: 'sms',
          callerPhone: phone,
          description: 'آب‌گرفتگی در خیابان ولیعصر',
          externalId: messageId,
          category: null,
        });

        const again = await sms(app, payload);
        expect(again.json()).toEqual(answer);
        expect(await backend.repos.cases.list({ phone })).toHaveLength(1);

        // A gateway retrying before the first delivery was answered still makes one case.
        const racePhone = freshMobile();
        const race = { from: racePhone, text: 'گزارش همزمان', messageId: `gw-${randomInt(1e9)}` };
        const answers = await Promise.all([sms(app, race), sms(app, race), sms(app, race)]);
        expect(new Set(answers.map((a) => a.json().trackingNumber)).size).toBe(1);
        expect(await backend.repos.cases.list({ phone: racePhone })).toHaveLength(1);

        // Without a messageId every message is its own case.
        await sms(app, { from: phone, text: 'یک گزارش دیگر' });
        expect(await backend.repos.cases.list({ phone })).toHaveLength(2);
      });

      it('answers a tracking number, in Persian digits, with the status', async () => {
        const app = await start();
        const created = await backend.repos.cases.create({ channel: 'phone', category: 'other', actor: 'ivr' });
        await opened.database.db.update(cases).set({ status: 'in_progress' }).where(eq(cases.id, created.id));
        const before = await countCases();

        const res = await sms(app, { from: freshMobile(), text: `پیگیری ${toPersianDigits(created.trackingNumber)}` });
        expect(res.statusCode).toBe(200);
        expect(res.json()).toMatchObject({ action: 'status', trackingNumber: created.trackingNumber });
        expect(res.json().reply).toContain(STATUS_FA.in_progress);

        const unknown = unusedTrackingNumber();
        const notFound = await sms(app, { from: freshMobile(), text: unknown });
        expect(notFound.json()).toMatchObject({ action: 'not_found' });
        expect(notFound.json().reply).toContain(toPersianDigits(unknown));

        // The check digit changed: always invalid (cutting a 10-digit number to 8 digits, as this
        // did, made a valid legacy 8-digit number about one time in ten).
        const tn = created.trackingNumber;
        const typo = await sms(app, { from: freshMobile(), text: `${tn.slice(0, -1)}${(Number(tn.at(-1)) + 1) % 10}` });
        expect(typo.json().action).toBe('invalid_tracking_number');
        const empty = await sms(app, { from: freshMobile(), text: '  ' });
        expect(empty.json().action).toBe('empty');
        expect(await countCases()).toBe(before);
      });

      it('accepts the token in X-Webhook-Token, and refuses a wrong or missing one', async () => {
        const app = await start();
        const ok = await sms(app, { from: freshMobile(), text: '' }, { 'x-webhook-token': SMS_TOKEN });
        expect(ok.statusCode).toBe(200);
        for (const headers of [{}, { authorization: `Bearer ${SMS_TOKEN}x` }, { 'x-webhook-token': 'nope' }, { authorization: 'Bearer test-admin-token-3f9c1d7e2b' }]) {
          const res = await sms(app, { from: freshMobile(), text: 'x' }, headers);
          expect(res.statusCode).toBe(401);
          expect(res.json().error.code).toBe('HOTLINE_ERR_UNAUTHORIZED');
        }
        const disabled = await start({ smsWebhookToken: undefined });
        const refused = await sms(disabled, { from: freshMobile(), text: 'x' });
        expect(refused.statusCode).toBe(403);
        expect(refused.json().error.code).toBe('HOTLINE_ERR_FORBIDDEN');
      });

      it('refuses malformed messages with a clear 400', async () => {
        const app = await start();
        const before = await countCases();
        const noFrom = await sms(app, { text: 'سلام' });
        expect(noFrom.statusCode).toBe(400);
        expect(noFrom.json().error).toMatchObject({ code: 'HOTLINE_ERR_VALIDATION', details: { field: 'from' } });
        const numberText = await sms(app, { from: freshMobile(), text: { body: 'x' } });
        expect(numberText.json().error.details.field).toBe('text');
        const badDate = await sms(app, { from: freshMobile(), text: 'x', receivedAt: 'today' });
        expect(badDate.json().error.details.field).toBe('receivedAt');
        expect(await countCases()).toBe(before);
      });
    });

    it('documents every new endpoint in OpenAPI', async () => {
      const app = await start();
      const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
      for (const p of [
        '/report',
        '/api/public/cases',
        '/api/sms/inbound',
        '/open311/v2/services.json',
        '/open311/v2/services/{service_code}.json',
        '/open311/v2/requests.json',
        '/open311/v2/requests/{service_request_id}.json',
      ]) {
        expect(Object.keys(doc.paths), p).toContain(p);
      }
      expect(doc.paths['/open311/v2/requests.json'].post.requestBody.content).toHaveProperty('application/json');
    });
  });
}
