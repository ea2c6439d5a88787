import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDispatch, type Dispatch } from '../../src/adapters/jobs/dispatch.js';
import { DISPATCH_QUEUE } from '../../src/adapters/jobs/queues.js';
import { routeOnDistrict } from '../../src/adapters/jobs/routing.js';
import type { Case, NewCase } from '../../src/domain/cases/case.js';
import { hashPassword } from '../../src/services/passwords.js';
import { toPersianDigits } from '../../src/web/agent/format.js';
import { artefactPath, launchBrowser } from '../helpers/browser.js';
import { openHttpBackend, startHttpApp, type HttpBackend } from '../helpers/http-app.js';
import { connection } from '../helpers/job-test-bed.js';
import { importBoundaries } from '../../src/adapters/geo/import-boundaries.js';

/**
 * Routing by place in a real browser (Debian's chromium, headless): synthetic district
 * boundaries loaded as the operator would (test/fixtures), an SMS case triaged in /cases,
 * classified and pinned on its point, routed to the district and unit holding it, and
 * delivered by the dispatch worker on the shared Redis (its own key prefix).
 */

const PASSWORD = 'a-long-backoffice-passphrase';
const logger = pino({ level: 'silent' });
const prefix = `test-geo-${process.pid}-${Date.now()}`;

let backend: HttpBackend;
let app: FastifyInstance;
let dispatch: Dispatch;
let browser: Browser;
let baseUrl: string;
const pageErrors: string[] = [];
const POLL = { timeout: 15_000 };

const create = (input: Partial<NewCase> = {}) => backend.repos.cases.create({ channel: 'sms', actor: 'sms', ...input });
const stored = async (c: Case) => (await backend.repos.cases.findByTrackingNumber(c.trackingNumber))!;

beforeAll(async () => {
  backend = await openHttpBackend();
  const imported = await importBoundaries('test/fixtures/districts-synthetic.geojson', backend.repos.boundaries);
  if (!imported.ok) throw new Error(imported.errors.join('; '));
  for (const [username, role, district] of [
    ['sara', 'supervisor', null],
    ['maryam', 'agent', null],
    ['district5', 'district', 5],
  ] as const) {
    await backend.repos.users.create({ username, displayName: username, role, district, passwordHash: await hashPassword(PASSWORD) });
  }
  dispatch = startDispatch({
    connection,
    prefix,
    cases: backend.repos.cases,
    districts: backend.repos.districts,
    dispatches: backend.repos.dispatches,
    holidays: [],
    logger,
    now: () => new Date(),
    sweepEveryMs: 0,
    options: { attempts: 2, backoffMs: 10, timeoutMs: 2_000 },
  });
  // As in the service: a district set by triage queues the delivery.
  ({ app } = await startHttpApp(backend, { cases: routeOnDistrict(backend.repos.cases, dispatch.enqueue, logger) }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await dispatch?.close(true);
  const queue = new Queue(DISPATCH_QUEUE, { connection, prefix });
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  await backend?.close();
});

async function newPage(width = 1280, height = 900): Promise<Page> {
  const page = await browser.newPage({ locale: 'fa-IR', timezoneId: 'Asia/Tehran', viewport: { width, height } });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    // Answers the page handles (a 404 looked up, no survey service here: 503) are logged by chromium; they are not faults.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) pageErrors.push(msg.text());
  });
  return page;
}

async function signIn(page: Page, path: string, username: string) {
  await page.goto(`${baseUrl}${path}`);
  await page.getByLabel('نام کاربری').fill(username);
  await page.getByLabel('گذرواژه').fill(PASSWORD);
  await page.getByRole('button', { name: 'ورود', exact: true }).click();
}

const noHorizontalScroll = (page: Page) => page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');
const row = (page: Page, c: Case) => page.locator(`#cases tbody tr[data-tracking-number="${c.trackingNumber}"]`);

/** Finds a case by its tracking number in the list and opens its page. */
async function openCase(page: Page, c: Case) {
  if (await page.locator('#case').isVisible()) await page.click('#back');
  await page.click('.views button[data-view="all"]');
  await page.fill('input[name="trackingNumber"]', toPersianDigits(c.trackingNumber));
  await page.click('#filters button[type="submit"]');
  await row(page, c).locator('button.link').click();
  await page.locator('#case').waitFor();
  await expect.poll(() => page.textContent('#case-tracking'), POLL).toBe(toPersianDigits(c.trackingNumber));
}

describe('routing by place in /cases', () => {
  it('triages an SMS case: classified, pinned on its point (typed in Persian digits), routed to its district and unit, and dispatched', async () => {
    const sms = await create({ description: 'چراغ‌های بازارچه خاموش است', callerPhone: '09121112244' });
    const page = await newPage();
    await signIn(page, '/cases', 'sara');

    await row(page, sms).waitFor();
    await row(page, sms).locator('button.link').click();
    await page.locator('#case').waitFor();
    await page.selectOption('#act-category', 'streets_lighting');
    await page.click('#do-category');
    await expect.poll(() => page.textContent('#action-done'), POLL).toContain('موضوع');

    // A bad point is named, and nothing is sent.
    await page.fill('#act-lat', 'بازار');
    await page.fill('#act-long', '۵۱٫۴۵');
    await page.click('#do-location');
    await expect.poll(() => page.textContent('#action-error'), POLL).toContain('عرض');
    expect((await stored(sms)).lat).toBeNull();

    await page.fill('#act-lat', '۳۵٫۷۳');
    await page.click('#do-location');
    await expect.poll(() => page.textContent('#action-done'), POLL).toContain('منطقه ۷');

    await expect.poll(async () => (await stored(sms)).status, POLL).toBe('dispatched');
    const found = await stored(sms);
    expect([found.category, found.district, found.unit, found.lat, found.long]).toEqual(['streets_lighting', 7, 'd7-bazaar', 35.73, 51.45]);
    expect(found.events.map((e) => e.kind).sort()).toEqual(['category', 'district', 'location', 'status', 'status', 'unit']);
    expect(await backend.repos.cases.deliveries(sms.id)).toMatchObject([{ district: 7, target: 'inbox' }]);

    await openCase(page, sms);
    await expect.poll(() => page.textContent('#timeline'), POLL).toContain('تحویل به منطقه ۷');
    expect(await page.textContent('#timeline')).toContain('ثبت موقعیت روی نقشه');
    expect(await page.textContent('#case-details')).toContain('d7-bazaar');
    await page.screenshot({ path: await artefactPath('cases-routed-by-place.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('pins a case outside every boundary on a 390 px phone: kept, not routed, and the page says so', async () => {
    const sms = await create({ description: 'درخت افتاده', callerPhone: '09121112255' });
    const page = await newPage(390, 844);
    await signIn(page, '/cases', 'sara');
    await openCase(page, sms);
    await page.fill('#act-lat', '35.9');
    await page.fill('#act-long', '51.1');
    await page.click('#do-location');
    await expect.poll(() => page.textContent('#action-done'), POLL).toContain('هیچ منطقه‌ای');
    expect(await noHorizontalScroll(page)).toBe(true);
    const found = await stored(sms);
    expect([found.district, found.lat, found.long]).toEqual([null, 35.9, 51.1]);
    await page.screenshot({ path: await artefactPath('cases-location-390.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
