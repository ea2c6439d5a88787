import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases as casesTable } from '../../src/adapters/db/schema/index.js';
import type { Case, NewCase } from '../../src/domain/cases/case.js';
import type { User } from '../../src/domain/users/user.js';
import { createAccounts } from '../../src/services/auth-service.js';
import { hashPassword } from '../../src/services/passwords.js';
import { formatDateTime, toPersianDigits } from '../../src/web/agent/format.js';
import { artefactPath, launchBrowser } from '../helpers/browser.js';
import { openHttpBackend, startHttpApp, type HttpBackend } from '../helpers/http-app.js';

/**
 * The district inbox in a real browser (Debian's chromium, headless) against the real
 * HTTP server, PGlite, users, sign-in and case API: nothing is stood in for, so every
 * button the test presses must change the case in the database.
 */

const PASSWORD = 'a-long-district-passphrase';
const DISTRICT = 5;

let backend: HttpBackend;
let app: FastifyInstance;
let browser: Browser;
let page: Page;
let baseUrl: string;
let districtUser: User;
let accounts: ReturnType<typeof createAccounts>;
const pageErrors: string[] = [];
const cspViolations: string[] = [];

/** A case as the dispatcher leaves it in the district: delivered, waiting to be acknowledged. */
async function dispatchedCase(input: Omit<NewCase, 'channel' | 'actor'>): Promise<Case> {
  const created = await backend.repos.cases.create({ channel: 'phone', actor: 'test', ...input });
  return backend.repos.cases.transition({ caseId: created.id, from: 'new', to: 'dispatched', actor: 'system' });
}

let onTime: Case;
let late: Case;
let undelivered: Case;
let elsewhere: Case;

beforeAll(async () => {
  backend = await openHttpBackend();
  districtUser = await backend.repos.users.create({
    username: 'district5',
    displayName: 'حسین کریمی',
    role: 'district',
    district: DISTRICT,
    passwordHash: await hashPassword(PASSWORD),
  });
  await backend.repos.users.create({
    username: 'maryam',
    displayName: 'مریم رضایی',
    role: 'agent',
    district: null,
    passwordHash: await hashPassword(PASSWORD),
  });

  // The overdue case first: its due time is moved into the past and the SLA sweep flags it.
  late = await dispatchedCase({
    category: 'cleaning_waste',
    district: DISTRICT,
    address: 'خیابان ولیعصر، کوچهٔ نهم',
    description: 'زباله‌ها سه روز است جمع نشده',
  });
  await backend.database.db
    .update(casesTable)
    .set({ dueAt: new Date(Date.now() - (2 * 3600 + 5 * 60) * 1000) })
    .where(eq(casesTable.id, late.id));
  const escalated = await backend.repos.cases.escalateOverdue(new Date());
  expect(escalated.map((c) => c.id)).toEqual([late.id]);

  onTime = await dispatchedCase({
    category: 'streets_lighting',
    district: DISTRICT,
    address: 'میدان ونک، خیابان ملاصدرا',
    description: 'چراغ خیابان خاموش است',
  });
  undelivered = await backend.repos.cases.create({
    channel: 'voicebox',
    category: 'parks_trees',
    district: DISTRICT,
    description: 'درخت شکسته در پارک',
    actor: 'ivr',
  });
  elsewhere = await dispatchedCase({ category: 'cleaning_waste', district: 9, description: 'پروندهٔ منطقهٔ نه' });

  accounts = createAccounts(backend.repos, () => new Date());
  ({ app } = await startHttpApp(backend, { accounts }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  browser = await launchBrowser();
  page = await browser.newPage({ locale: 'fa-IR', timezoneId: 'Asia/Tehran', viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
  });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await backend?.close();
});

const storedToken = () => page.evaluate<string | null>("sessionStorage.getItem('hotline137.district.token')");
const text = (selector: string) => () => page.locator(selector).textContent();
const rowOf = (c: Case) => page.locator(`#cases tbody tr[data-tracking-number="${c.trackingNumber}"]`);
const classOf = async (c: Case) => (await rowOf(c).getAttribute('class')) ?? '';
/** The tests have no DOM types: the expression runs in the page. */
const countdownColour = (c: Case) =>
  page.evaluate<string>(`getComputedStyle(document.querySelector('tr[data-tracking-number="${c.trackingNumber}"] td.countdown')).color`);
const shownTrackingNumbers = () =>
  page.locator('#cases tbody tr[data-tracking-number]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-tracking-number')).sort());
const POLL = { timeout: 10_000 };
/** A row's status changes; every row also has «جزئیات», which opens the case. */
const STATUS_BUTTONS = 'td.actions button:not(.details)';

async function signIn(username: string) {
  await page.getByLabel('نام کاربری').fill(username);
  await page.getByLabel('گذرواژه').fill(PASSWORD);
  await page.getByRole('button', { name: 'ورود', exact: true }).click();
}

async function statusEvents(c: Case) {
  const found = await backend.repos.cases.findByTrackingNumber(c.trackingNumber);
  return found!.events.filter((e) => e.kind === 'status').map((e) => ({ from: e.fromStatus, to: e.toStatus, actor: e.actor, note: e.note }));
}

describe('the district inbox in chromium', () => {
  it('shows a district user their own cases with SLA countdowns, and acknowledges, starts and resolves them', async () => {
    // The page's clock, so the test can move it by the 30 s of a list refresh instead of waiting.
    await page.clock.install();
    await page.goto(`${baseUrl}/district`);
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');

    // An agent has no inbox: told so on the page, and the token is not kept.
    await signIn('maryam');
    await expect.poll(text('#sign-in-error'), POLL).toContain('ویژهٔ کاربران مناطق');
    expect(await page.locator('#inbox').isVisible()).toBe(false);
    expect(await storedToken()).toBeNull();

    // The district user sees their district and only its cases.
    await signIn('district5');
    await expect.poll(text('#district-name'), POLL).toBe('۵');
    expect(await text('#account-name')()).toContain('حسین کریمی');
    const token = await storedToken();
    expect((await accounts.auth.authenticate(token ?? ''))?.id).toBe(districtUser.id);
    await expect.poll(shownTrackingNumbers, POLL).toEqual([late, onTime, undelivered].map((c) => c.trackingNumber).sort());
    expect(await shownTrackingNumbers()).not.toContain(elsewhere.trackingNumber);
    // The most urgent on top: the late case first.
    expect(await page.locator('#cases tbody tr').first().getAttribute('data-tracking-number')).toBe(late.trackingNumber);

    // Each column in Persian: digits, category, Jalali date of creation.
    const cells = await rowOf(onTime).locator('td').allTextContents();
    expect(cells.slice(0, 6)).toEqual([
      toPersianDigits(onTime.trackingNumber),
      'معابر، آسفالت و روشنایی',
      'میدان ونک، خیابان ملاصدرا',
      'چراغ خیابان خاموش است',
      'ارجاع‌شده',
      formatDateTime(onTime.createdAt.toISOString()),
    ]);
    expect(cells[5]).toMatch(/^[۰-۹]+ [^\d]+ [۰-۹]{4}/);

    // The SLA clock: time left on the fresh case, ticking; the late case red, with its delay and flag.
    const onTimeClock = rowOf(onTime).locator('td.countdown');
    const first = await onTimeClock.textContent();
    expect(first).toMatch(/^[۰-۹]+ روز [۰-۹]{2}:[۰-۹]{2}:[۰-۹]{2} مانده$|^[۰-۹]+:[۰-۹]{2}:[۰-۹]{2} مانده$/);
    await expect.poll(() => onTimeClock.textContent(), POLL).not.toBe(first);
    expect(await classOf(onTime)).not.toContain('overdue');
    expect(await classOf(late)).toContain('overdue');
    expect(await rowOf(late).locator('td.countdown').textContent()).toMatch(/^۲:۰[۵-۶]:[۰-۹]{2} تأخیر$/);
    expect(await rowOf(late).locator('.flag').textContent()).toBe('معوق');
    expect(await countdownColour(late)).toBe('rgb(163, 17, 29)');
    expect(await countdownColour(onTime)).not.toBe('rgb(163, 17, 29)');
    expect(await text('#summary')()).toBe('۳ پروندهٔ باز، ۱ پرونده با مهلت گذشته');

    // Only the district's own moves are offered: nothing before delivery, acknowledge after it.
    expect(await rowOf(undelivered).locator(STATUS_BUTTONS).count()).toBe(0);
    expect(await rowOf(onTime).locator(STATUS_BUTTONS).allTextContents()).toEqual(['تأیید دریافت']);
    await page.screenshot({ path: await artefactPath('district-inbox.png'), fullPage: true });

    // Acknowledge: the case changes in the database and the row offers the next steps.
    await rowOf(onTime).getByRole('button', { name: 'تأیید دریافت' }).click();
    await expect.poll(async () => (await backend.repos.cases.findById(onTime.id))?.status, POLL).toBe('acknowledged');
    await expect.poll(() => rowOf(onTime).locator('td.status').textContent(), POLL).toBe('دریافت‌شده');
    expect(await rowOf(onTime).locator(STATUS_BUTTONS).allTextContents()).toEqual(['در حال رسیدگی', 'رفع شد']);

    // Resolve asks for a note: an empty one is refused on the page, and nothing changes.
    await rowOf(onTime).getByRole('button', { name: 'رفع شد' }).click();
    expect(await page.locator('#resolve-dialog').isVisible()).toBe(true);
    expect(await text('#resolve-tracking')()).toBe(toPersianDigits(onTime.trackingNumber));
    await page.getByLabel('شرح اقدام انجام‌شده').fill('   ');
    await page.getByRole('button', { name: 'ثبت رفع' }).click();
    await expect.poll(text('#resolve-error'), POLL).toContain('بنویسید');
    expect((await backend.repos.cases.findById(onTime.id))?.status).toBe('acknowledged');
    await page.getByLabel('شرح اقدام انجام‌شده').fill('لامپ تعویض شد');
    await page.getByRole('button', { name: 'ثبت رفع' }).click();
    await expect.poll(async () => (await backend.repos.cases.findById(onTime.id))?.status, POLL).toBe('resolved');
    // The page closes the dialog once it has read the server's answer, a moment after the row changed.
    await expect.poll(() => page.locator('#resolve-dialog').isVisible(), POLL).toBe(false);
    expect(await statusEvents(onTime)).toEqual([
      { from: null, to: 'new', actor: 'test', note: null },
      { from: 'new', to: 'dispatched', actor: 'system', note: null },
      { from: 'dispatched', to: 'acknowledged', actor: districtUser.id, note: null },
      { from: 'acknowledged', to: 'resolved', actor: districtUser.id, note: 'لامپ تعویض شد' },
    ]);

    // A resolved case leaves the open list; "all" shows it, finished, without a clock or buttons.
    await expect.poll(shownTrackingNumbers, POLL).toEqual([late, undelivered].map((c) => c.trackingNumber).sort());
    await page.getByLabel('همهٔ پرونده‌ها').check();
    await expect.poll(shownTrackingNumbers, POLL).toEqual([late, onTime, undelivered].map((c) => c.trackingNumber).sort());
    expect(await rowOf(onTime).locator('td.status').textContent()).toBe('رسیدگی‌شده');
    expect(await rowOf(onTime).locator('td.countdown').textContent()).toBe('—');
    expect(await rowOf(onTime).locator(STATUS_BUTTONS).count()).toBe(0);
    await page.getByLabel('پرونده‌های باز').check();

    // The late case: acknowledged, then in progress.
    await rowOf(late).getByRole('button', { name: 'تأیید دریافت' }).click();
    await expect.poll(() => rowOf(late).locator(STATUS_BUTTONS).allTextContents(), POLL).toEqual(['در حال رسیدگی', 'رفع شد']);
    await rowOf(late).getByRole('button', { name: 'در حال رسیدگی' }).click();
    await expect.poll(async () => (await backend.repos.cases.findById(late.id))?.status, POLL).toBe('in_progress');
    await expect.poll(() => rowOf(late).locator('td.status').textContent(), POLL).toBe('در حال رسیدگی');
    expect(await classOf(late)).toContain('overdue');

    // A case delivered meanwhile shows up by itself within half a minute, or at once on «تازه‌سازی».
    const fresh = await dispatchedCase({ category: 'other', district: DISTRICT, description: 'پروندهٔ تازه' });
    expect(await rowOf(fresh).count()).toBe(0);
    await page.clock.runFor(30_000);
    await expect.poll(() => rowOf(fresh).count(), POLL).toBe(1);
    const fresher = await dispatchedCase({ category: 'other', district: DISTRICT, description: 'پروندهٔ تازه‌تر' });
    await page.getByRole('button', { name: 'تازه‌سازی' }).click();
    await expect.poll(() => rowOf(fresher).count(), POLL).toBe(1);
    await page.screenshot({ path: await artefactPath('district-inbox-after.png'), fullPage: true });

    // Signing out forgets the token and revokes it.
    await page.getByRole('button', { name: 'خروج از حساب کاربری' }).click();
    expect(await page.getByLabel('نام کاربری').isVisible()).toBe(true);
    expect(await storedToken()).toBeNull();
    await expect.poll(async () => (await accounts.auth.authenticate(token!)) === null, POLL).toBe(true);

    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  }, 120_000);
});
