import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hoursApi } from '../../src/adapters/http/hours-api.js';
import { startDispatch, type Dispatch } from '../../src/adapters/jobs/dispatch.js';
import { DISPATCH_QUEUE, dispatchJobId } from '../../src/adapters/jobs/queues.js';
import * as ivr from '../../src/domain/ivr/engine.js';
import { hashPassword } from '../../src/services/passwords.js';
import { OfficeHoursService } from '../../src/services/office-hours-service.js';
import { artefactPath, launchBrowser } from '../helpers/browser.js';
import { openHttpBackend, startHttpApp, type HttpBackend } from '../helpers/http-app.js';
import { connection } from '../helpers/job-test-bed.js';

/**
 * The /hours page in a real browser (Debian's chromium, 390 px wide) against the real
 * HTTP server, PGlite, the real office-hours service and the dispatch worker on the
 * shared Redis (its own prefix), all on a test clock: a holiday entered in the page
 * closes the hotline for the IVR at once and holds a voice message for its district
 * until the next working day.
 */

const PASSWORD = 'a-long-calendar-passphrase';
const logger = pino({ level: 'silent' });
const prefix = `test-hours-${process.pid}-${Date.now()}`;
// Saturday 1406/02/25 (2027-05-15), 10:00 in Tehran: a working day, open by the seed hours.
const NOW = new Date('2027-05-15T06:30:00Z');
// Sunday 2027-05-16 07:30 in Tehran: district 5 opens (default district hours).
const SUNDAY_07_30 = new Date('2027-05-16T04:00:00Z');
const POLL = { timeout: 15_000 };

let backend: HttpBackend;
let app: FastifyInstance;
let hours: OfficeHoursService;
let dispatch: Dispatch;
let browser: Browser;
let baseUrl: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  backend = await openHttpBackend();
  await backend.repos.users.create({ username: 'sara', displayName: 'سارا', role: 'supervisor', district: null, passwordHash: await hashPassword(PASSWORD) });
  hours = new OfficeHoursService({
    settings: backend.repos.settings,
    holidayRepo: backend.repos.holidays,
    districts: backend.repos.districts,
    users: backend.repos.users,
    ami: { isConnected: () => false, action: () => Promise.reject(new Error('AMI is not connected')) },
    logger,
    now: () => NOW,
  });
  await hours.load();
  // As in the service: dispatch reads the same holiday array the calendar keeps up to date.
  dispatch = startDispatch({
    connection,
    prefix,
    cases: backend.repos.cases,
    districts: backend.repos.districts,
    dispatches: backend.repos.dispatches,
    holidays: hours.holidays,
    logger,
    now: () => NOW,
    sweepEveryMs: 0,
    worker: false,
  });
  ({ app } = await startHttpApp(backend, { hours: hoursApi(hours), now: () => NOW }));
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

async function newPage(width: number, height = 900): Promise<Page> {
  const page = await browser.newPage({ locale: 'fa-IR', timezoneId: 'Asia/Tehran', viewport: { width, height } });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  return page;
}

/** /hours on a 390 px phone, signed in as the supervisor. */
async function signedIn(): Promise<Page> {
  const page = await newPage(390);
  await page.goto(`${baseUrl}/hours`);
  await page.getByLabel('نام کاربری').fill('sara');
  await page.getByLabel('گذرواژه').fill(PASSWORD);
  await page.getByRole('button', { name: 'ورود', exact: true }).click();
  await page.locator('#calendar').waitFor();
  return page;
}

/** What the IVR does with a caller asking for an agent, given the calendar's answer now. */
function callerAskingForAgent(): string[] {
  const ctx = { now: NOW, officeOpen: hours.isOpen(NOW), nextOpening: hours.nextOpening(NOW) };
  let { state } = ivr.step(ivr.initialState(), { type: 'started', caller: '09121234567', entry: 'inbound', openCase: null }, ctx);
  const played: string[] = [];
  for (const event of [{ type: 'dtmf', digit: '0' }] as const) {
    const out = ivr.step(state, event, ctx);
    state = out.state;
    for (const c of out.commands) if (c.type === 'play') played.push(...c.prompts);
  }
  return played;
}

async function voiceMessageDelay(district: number): Promise<number | undefined> {
  const c = await backend.repos.cases.create({ channel: 'voicebox', actor: 'ivr', district, category: 'other' });
  await dispatch.enqueue(c);
  const job = await dispatch.queue.getJob(dispatchJobId(c.id, district));
  return job?.delay;
}

describe('hours and holidays in chromium', () => {
  it('a holiday entered on the page closes the line for the IVR and holds voice messages for the district', async () => {
    expect(callerAskingForAgent()).toContain('queue-transfer');
    expect(await voiceMessageDelay(5)).toBe(0);

    const page = await signedIn();
    // No lunar holiday entered: the page warns.
    await expect.poll(() => page.locator('#calendar-warning').isVisible(), POLL).toBe(true);

    await page.selectOption('#holiday-kind', 'lunar');
    await page.fill('#holiday-date', '۱۴۰۶/۰۲/۲۵');
    await page.fill('#holiday-name', 'عید سعید قربان');
    await page.getByRole('button', { name: 'افزودن' }).click();
    await expect.poll(() => page.textContent('#holiday-status'), POLL).toContain('ثبت شد');
    await expect.poll(() => page.textContent('#holidays tbody'), POLL).toContain('عید سعید قربان');
    await expect.poll(() => page.locator('#calendar-warning').isVisible(), POLL).toBe(false);
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await page.screenshot({ path: await artefactPath('hours-holiday-added-390.png'), fullPage: true });

    // At once: the caller hears the after-hours message and goes to the voicebox...
    const played = callerAskingForAgent();
    // "...our agents answer from tomorrow at seven": Sunday 07:00, the next opening.
    expect(played).toEqual(['after-hours', 'next-opening-from', 'day-tomorrow', 'at-hour', 'num-7', 'next-opening-answer', 'voicebox-intro']);
    // ...and a voice message for district 5 waits for Sunday 07:30, its next opening.
    expect(await voiceMessageDelay(5)).toBe(SUNDAY_07_30.getTime() - NOW.getTime());

    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('asks before closing the line, and says who closed it and when', async () => {
    const page = await signedIn();
    await page.selectOption('#override-mode', 'closed');
    await page.click('#override-apply');
    await page.locator('#override-confirm').waitFor();
    expect(hours.getOverride()).toBe('auto');
    await page.screenshot({ path: await artefactPath('hours-close-confirm-390.png'), fullPage: true });
    await page.click('#override-confirm-no');
    expect(hours.getOverride()).toBe('auto');

    await page.selectOption('#override-mode', 'closed');
    await page.click('#override-apply');
    await page.click('#override-confirm-yes');
    await expect.poll(() => hours.getOverride(), POLL).toBe('closed');
    await expect.poll(() => page.textContent('#override-by'), POLL).toContain('سارا (sara)');
    await page.selectOption('#override-mode', 'auto');
    await page.click('#override-apply');
    await expect.poll(() => hours.getOverride(), POLL).toBe('auto');
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('makes the line round the clock from the page', async () => {
    const page = await signedIn();
    await page.click('#weekly-all-day');
    await page.click('#weekly-save');
    await expect.poll(() => page.textContent('#weekly-status'), POLL).toContain('ذخیره شد');
    // Holidays no longer close it: the caller goes to an agent on Qurban too.
    expect(hours.isOpen(NOW)).toBe(true);
    expect(callerAskingForAgent()).toContain('queue-transfer');
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
