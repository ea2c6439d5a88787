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
import { png } from '../helpers/photos.js';
import { wav } from '../helpers/wav.js';

/**
 * The back office in a real browser (Debian's chromium, headless) against the real HTTP
 * server, PGlite, sign-in, case API and the dispatch worker on the shared Redis (its own
 * key prefix): a case triaged in /cases reaches its district's inbox for real.
 */

const PASSWORD = 'a-long-backoffice-passphrase';
const logger = pino({ level: 'silent' });
const prefix = `test-backoffice-${process.pid}-${Date.now()}`;

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

describe('the case workspace in chromium', () => {
  it('triages an SMS case: it shows under "to triage", is classified and given a district, and gets dispatched', async () => {
    const sms = await create({ description: 'چاله بزرگ جلوی خانهٔ شمارهٔ ۱۲', callerPhone: '09121112233' });
    const classified = await create({ category: 'other', district: 2, description: 'already routed' });
    const page = await newPage();
    await signIn(page, '/cases', 'sara');

    // The default view is "to triage": the unclassified, undistricted SMS, not the routed case.
    await row(page, sms).waitFor();
    expect(await row(page, classified).count()).toBe(0);
    expect(await row(page, sms).locator('td.missing').count()).toBe(2);
    await page.screenshot({ path: await artefactPath('cases-triage-list.png'), fullPage: true });

    await row(page, sms).locator('button.link').click();
    await page.locator('#case').waitFor();
    await page.selectOption('#act-category', 'streets_lighting');
    await page.click('#do-category');
    await expect.poll(() => page.textContent('#action-done'), POLL).toContain('موضوع');
    await page.selectOption('#act-district', '5');
    await page.click('#do-district');
    await expect.poll(() => page.textContent('#action-done'), POLL).toContain('ارجاع');

    // The dispatch worker delivered it to district 5's inbox and marked it.
    await expect.poll(async () => (await stored(sms)).status, POLL).toBe('dispatched');
    const found = await stored(sms);
    expect([found.category, found.district]).toEqual(['streets_lighting', 5]);
    expect(found.events.map((e) => [e.kind, e.actor === 'dispatch' ? 'dispatch' : 'sup'])).toEqual([
      ['status', 'sup'],
      ['category', 'sup'],
      ['district', 'sup'],
      ['status', 'dispatch'],
    ]);
    expect(await backend.repos.cases.deliveries(sms.id)).toMatchObject([{ district: 5, target: 'inbox' }]);

    await openCase(page, sms);
    await expect.poll(() => page.textContent('#timeline'), POLL).toContain('تحویل به منطقه ۵');
    expect(await page.textContent('#case-status')).toBe('ارجاع‌شده');
    await page.screenshot({ path: await artefactPath('cases-triaged-case.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('marks a duplicate of a case found by its tracking number, linked to it', async () => {
    const original = await create({ category: 'cleaning_waste', district: 3, description: 'زباله در کوچهٔ نهم' });
    const repeat = await create({ description: 'باز هم زباله در کوچهٔ نهم' });
    const page = await newPage();
    await signIn(page, '/cases', 'sara');
    await page.locator('#workspace').waitFor();
    await openCase(page, repeat);

    await page.fill('#act-duplicate', toPersianDigits(original.trackingNumber));
    await page.click('#find-duplicate');
    await expect.poll(() => page.textContent('#duplicate-found'), POLL).toContain('زباله در کوچهٔ نهم');
    await page.fill('#act-note', 'همان گزارش، دوباره فرستاده شده');
    await page.click('#do-duplicate');
    await expect.poll(() => page.textContent('#case-status'), POLL).toBe('تکراری');

    const found = await stored(repeat);
    expect([found.status, found.duplicateOf]).toEqual(['duplicate', original.id]);
    expect(found.events.at(-1)).toMatchObject({ kind: 'status', toStatus: 'duplicate', note: 'همان گزارش، دوباره فرستاده شده' });
    await page.screenshot({ path: await artefactPath('cases-duplicate.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('triages three cases at once and dispatches them; an agent only reads', async () => {
    const three = [await create({ description: 'یک' }), await create({ description: 'دو' }), await create({ description: 'سه' })];
    const page = await newPage();
    await signIn(page, '/cases', 'sara');
    for (const c of three) await row(page, c).locator('input[type="checkbox"]').check();
    await expect.poll(() => page.textContent('#bulk-count'), POLL).toContain('۳ پرونده');
    await page.selectOption('#bulk-category', 'parks_trees');
    await page.selectOption('#bulk-district', '7');
    await page.click('#bulk-apply');
    await expect.poll(() => page.textContent('#summary'), POLL).toContain('۳ پرونده به‌روز شد');
    // Left the "to triage" view.
    for (const c of three) expect(await row(page, c).count()).toBe(0);
    for (const c of three) {
      await expect.poll(async () => (await stored(c)).status, POLL).toBe('dispatched');
      expect([(await stored(c)).category, (await stored(c)).district]).toEqual(['parks_trees', 7]);
    }
    await page.screenshot({ path: await artefactPath('cases-bulk.png'), fullPage: true });
    await page.close();

    // On a phone: the list scrolls inside its card, never the page.
    const agent = await newPage(390, 844);
    await signIn(agent, '/cases', 'maryam');
    await agent.click('.views button[data-view="all"]');
    await row(agent, three[0]!).waitFor();
    expect(await agent.locator('#cases tbody input[type="checkbox"]').count()).toBe(0);
    expect(await noHorizontalScroll(agent)).toBe(true);
    await agent.screenshot({ path: await artefactPath('cases-agent-390.png'), fullPage: true });
    await row(agent, three[0]!).locator('button.link').click();
    await agent.locator('#case').waitFor();
    expect(await agent.locator('#case-actions').isVisible()).toBe(false);
    expect(await noHorizontalScroll(agent)).toBe(true);
    expect(pageErrors).toEqual([]);
    await agent.close();
  });
});

describe('the district inbox in chromium, on a phone', () => {
  it('shows a case\'s photos from blob: URLs and its sender in the workspace and the district inbox (masked there), and a client\'s link as a link', async () => {
    const key = 'photo-email-browser.png';
    await backend.store.save(key, png());
    const c = await create({
      channel: 'email',
      category: 'streets_lighting',
      district: 5,
      description: 'چاله در خیابان',
      reporter: { email: 'maryam@example.ir', firstName: 'مریم', lastName: 'رضایی', phone: null },
      media: [
        { source: 'email', storedKey: key, contentType: 'image/png', bytes: png().length, lat: 35.6997, long: 51.338 },
        { source: 'open311', sourceUrl: 'https://photos.example/pothole.jpg' },
      ],
      actor: 'email',
    });
    await backend.repos.cases.transition({ caseId: c.id, from: 'new', to: 'dispatched', actor: 'dispatch' });
    const shown = async (page: Page) => {
      const img = page.locator('#photo-list img');
      await img.waitFor();
      expect(await img.getAttribute('src')).toMatch(/^blob:/);
      // Decoded under the page's CSP (img-src blob:): the 1×1 PNG has a width.
      const width = "(() => { const i = document.querySelector('#photo-list img'); return i.complete ? i.naturalWidth : 0; })()";
      await expect.poll(() => page.evaluate<number>(width), POLL).toBe(1);
      expect(await img.getAttribute('alt')).toBe('عکس ۱');
      const link = page.locator('#photo-list a[href="https://photos.example/pothole.jpg"]');
      expect(await link.textContent()).toContain('پیوند بیرونی');
      expect(await page.locator('#photo-list img').count()).toBe(1);
    };

    const workspace = await newPage();
    await signIn(workspace, '/cases', 'sara');
    await openCase(workspace, c);
    await shown(workspace);
    expect(await workspace.textContent('#photo-list')).toContain('35.69970, 51.33800');
    // The sender's address for staff; masked for the district, like the number.
    expect(await workspace.textContent('#case-details')).toContain('maryam@example.ir');
    expect(await workspace.textContent('#case-details')).toContain('مریم رضایی');

    const inbox = await newPage(390, 844);
    await signIn(inbox, '/district', 'district5');
    const inboxRow = row(inbox, c);
    await inboxRow.waitFor();
    await inboxRow.getByRole('button', { name: 'جزئیات' }).click();
    await inbox.locator('#case').waitFor();
    await shown(inbox);
    expect(await inbox.textContent('#case-details')).toContain('ma***@example.ir');
    expect(await inbox.textContent('#case-details')).not.toContain('maryam@');
    expect(await noHorizontalScroll(inbox)).toBe(true);
    await inbox.screenshot({ path: await artefactPath('district-photo-case-390.png'), fullPage: true });
  });

  it('plays a voice message, reveals the number on request, and resolves the case; sends another back to triage', async () => {
    const key = 'voice-district5.wav';
    await backend.store.save(key, wav(8000));
    const voice = await create({ channel: 'voicebox', category: 'parks_trees', district: 5, recording: key, callerPhone: '09121234567', actor: 'ivr' });
    await backend.repos.cases.transition({ caseId: voice.id, from: 'new', to: 'dispatched', actor: 'dispatch' });
    const notOurs = await create({ category: 'other', district: 5, description: 'این نشانی در منطقهٔ ۶ است' });
    await backend.repos.cases.transition({ caseId: notOurs.id, from: 'new', to: 'dispatched', actor: 'dispatch' });

    const page = await newPage(390, 844);
    await signIn(page, '/district', 'district5');
    const voiceRow = row(page, voice);
    await voiceRow.waitFor();
    expect(await voiceRow.locator('td.description').textContent()).toContain('پیام صوتی');
    await voiceRow.getByRole('button', { name: 'جزئیات' }).click();
    await page.locator('#case').waitFor();

    // The number is masked until asked for, and asking is on the record.
    expect(await page.textContent('#case-phone')).toBe(toPersianDigits('0912***4567'));
    await page.click('#reveal-phone');
    await expect.poll(() => page.textContent('#case-phone'), POLL).toBe(toPersianDigits('09121234567'));
    expect((await stored(voice)).events.filter((e) => e.kind === 'phone_revealed')).toHaveLength(1);

    // The recording plays from a blob fetched with the token: one second of audio.
    await expect.poll(() => page.evaluate<string>("document.getElementById('case-audio').src"), POLL).toMatch(/^blob:/);
    const duration = await page.evaluate<number>(`new Promise((resolve, reject) => {
      const audio = document.getElementById('case-audio');
      audio.addEventListener('loadedmetadata', () => resolve(audio.duration), { once: true });
      audio.addEventListener('error', () => reject(new Error('audio error ' + audio.error?.code)), { once: true });
      audio.preload = 'metadata';
      audio.load();
    })`);
    expect(duration).toBeCloseTo(1, 1);
    expect(await noHorizontalScroll(page)).toBe(true);
    await page.screenshot({ path: await artefactPath('district-voice-case-390.png'), fullPage: true });

    await page.locator('#case-buttons').getByRole('button', { name: 'تأیید دریافت' }).click();
    await expect.poll(() => page.textContent('#case-status'), POLL).toBe('دریافت‌شده');
    await page.locator('#case-buttons').getByRole('button', { name: 'رفع شد' }).click();
    await page.fill('#resolve-note', 'درخت هرس شد');
    await page.click('#resolve-form button[type="submit"]');
    await expect.poll(async () => (await stored(voice)).status, POLL).toBe('resolved');
    await expect.poll(() => page.textContent('#case-status'), POLL).toBe('رسیدگی‌شده');

    // «مربوط به این منطقه نیست»: back to triage with the reason.
    await page.click('#back');
    await row(page, notOurs).getByRole('button', { name: 'جزئیات' }).click();
    await page.locator('#decline').waitFor();
    await page.fill('#decline-note', 'این نشانی در منطقهٔ ۶ است');
    await page.click('#do-decline');
    await expect.poll(() => page.textContent('#summary'), POLL).toContain('برگشت');
    const declined = await stored(notOurs);
    expect(declined.district).toBeNull();
    expect(declined.events.at(-1)).toMatchObject({ kind: 'declined', note: 'این نشانی در منطقهٔ ۶ است' });
    expect(await row(page, notOurs).count()).toBe(0);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});

describe('/report on a phone', () => {
  it('fits 390 px, names every bad field, counts characters, and looks a status up', async () => {
    const page = await newPage(390, 844);
    await page.goto(`${baseUrl}/report`);
    expect(await noHorizontalScroll(page)).toBe(true);
    // No category is chosen for the citizen.
    expect(await page.inputValue('#category')).toBe('');

    await page.fill('#phone', '12');
    await page.click('#report-form button[type="submit"]');
    const result = page.locator('#result.error');
    await result.waitFor();
    for (const label of ['موضوع', 'نشانی', 'شرح مشکل', 'تلفن همراه']) expect(await result.textContent()).toContain(label);
    for (const field of ['category', 'address', 'description', 'phone']) {
      expect(await page.getAttribute(`#${field}`, 'aria-invalid'), field).toBe('true');
      expect(await page.textContent(`#${field}-error`), field).not.toBe('');
    }
    expect(await page.textContent('#phone-hint')).toContain('۰۹۱۲۱۲۳۴۵۶۷');

    // Too long is said, not cut.
    await page.fill('#description', 'ا'.repeat(4003));
    expect(await page.textContent('#description-count')).toContain('۳ نویسه بیش از اندازه');
    expect(await page.inputValue('#description')).toHaveLength(4003);
    expect(await noHorizontalScroll(page)).toBe(true);
    await page.screenshot({ path: await artefactPath('report-390-errors.png'), fullPage: true });

    const c = await create({ category: 'other', district: 5 });
    await page.fill('#lookup-tracking', toPersianDigits(c.trackingNumber));
    await page.click('#lookup-form button[type="submit"]');
    await expect.poll(() => page.textContent('#lookup-result'), POLL).toContain('ثبت شده و در انتظار ارجاع');
    await page.fill('#lookup-tracking', '12345678');
    await page.click('#lookup-form button[type="submit"]');
    await expect.poll(() => page.textContent('#lookup-result'), POLL).toMatch(/پیدا نشد|۸ رقم/);
    await page.screenshot({ path: await artefactPath('report-390-lookup.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
