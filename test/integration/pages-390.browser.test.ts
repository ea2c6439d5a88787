/**
 * Every page is usable on a 390 px phone: Debian's chromium opens each one at that width,
 * signed out and (where it has one) signed in as the role it is for, and the page must
 * not scroll sideways (`document.documentElement.scrollWidth <= 390`). Screenshots in
 * test-results/page-390-*.png.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLiveStatsRepo } from '../../src/adapters/db/live-stats-repo.js';
import { createOverdueRepo } from '../../src/adapters/db/overdue-repo.js';
import { createCallbackRepo } from '../../src/outbound/adapters/db/callback-repo.js';
import { LiveStatsService } from '../../src/services/live-stats-service.js';
import { createOverdueBoard } from '../../src/services/overdue-board.js';
import { hashPassword } from '../../src/services/passwords.js';
import { artefactPath, launchBrowser } from '../helpers/browser.js';
import { openHttpBackend, startHttpApp, type HttpBackend } from '../helpers/http-app.js';

const WIDTH = 390;
const PASSWORD = 'a-long-staff-passphrase-390';
const POLL = { timeout: 10_000 };

let backend: HttpBackend;
let app: FastifyInstance;
let stats: LiveStatsService;
let browser: Browser;
let baseUrl: string;

/** Each page, who signs in to it (null: a public page), and what shows once they have. */
const PAGES: { name: string; path: string; user: string | null; ready: string }[] = [
  { name: 'report', path: '/report', user: null, ready: '#report-form, form' },
  { name: 'cases', path: '/cases', user: 'nasrin', ready: '#workspace' },
  { name: 'district', path: '/district', user: 'mina', ready: '#inbox' },
  { name: 'hours', path: '/hours', user: 'nasrin', ready: '#calendar' },
  { name: 'wallboard', path: '/wallboard', user: 'nasrin', ready: '#board' },
  { name: 'reports', path: '/reports', user: 'nasrin', ready: '#reports' },
  { name: 'agent', path: '/agent', user: 'ali', ready: '#desk' },
  { name: 'knowledge', path: '/knowledge', user: 'ali', ready: '#kb' },
  { name: 'faq', path: '/faq', user: null, ready: '#faq-form' },
  // /qa needs the quality module, which this backend does not wire: quality.browser.test.ts
  // works the whole page at 390 px.
];

beforeAll(async () => {
  backend = await openHttpBackend();
  const passwordHash = await hashPassword(PASSWORD);
  await backend.repos.users.create({ username: 'nasrin', displayName: 'نسرین سرپرست', role: 'supervisor', district: null, passwordHash });
  await backend.repos.users.create({ username: 'mina', displayName: 'مینا منطقهٔ ۳', role: 'district', district: 3, passwordHash });
  const ali = await backend.repos.users.create({ username: 'ali', displayName: 'علی کارشناس', role: 'agent', district: null, passwordHash });
  await backend.repos.agents.upsert({ userId: ali.id, endpoint: 'agent-ali', interface: 'PJSIP/agent-ali', sipPassword: 'not-used-here-0123456789', queues: [{ queue: 'general', penalty: 0 }] });
  // Something to list: a case of district 3 with a long description and address.
  await backend.repos.cases.create({
    channel: 'web',
    category: 'streets_lighting',
    district: 3,
    address: 'خیابان شهید بهشتی، نبش کوچهٔ بیست و یکم، روبه‌روی ساختمان پزشکان، پلاک ۱۲۳۴۵',
    description: 'چراغ‌های خیابان از هفتهٔ پیش خاموش است و شب‌ها عبور عابران پیاده خطرناک شده است. '.repeat(4),
    callerPhone: '09121234567',
    actor: 'citizen',
  });
  const callbacks = createCallbackRepo(backend.database.db);
  const repo = createLiveStatsRepo(backend.database.db);
  stats = new LiveStatsService({
    ami: { listAction: async () => [] },
    todaysCalls: (at) => repo.todaysQueuedCalls(at),
    callbacksPending: () => callbacks.countPendingByQueue(),
    now: () => new Date(),
    logger: pino({ level: 'silent' }),
  });
  const overdue = createOverdueBoard({ summary: createOverdueRepo(backend.database.db).summary, logger: pino({ level: 'silent' }) });
  ({ app } = await startHttpApp(backend, { liveStats: stats, overdue }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  stats?.stop();
  await app?.close();
  await backend?.close();
});

const overflow = (page: Page) => page.evaluate<{ scrollWidth: number; wide: string[] }>(`(() => ({
  scrollWidth: document.documentElement.scrollWidth,
  // What sticks out, to name in a failure.
  wide: [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > ${WIDTH} + 1 || el.getBoundingClientRect().left < -1)
    .slice(0, 5)
    .map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '')),
}))()`);

describe(`every page at ${WIDTH} px`, () => {
  it.each(PAGES)('$name: no sideways scrolling, signed out or in', async ({ name, path, user, ready }) => {
    const context = await browser.newContext({ locale: 'fa-IR', timezoneId: 'Asia/Tehran', viewport: { width: WIDTH, height: 844 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    try {
      await page.goto(`${baseUrl}${path}`);
      await page.waitForLoadState('networkidle');
      if (user) {
        const signedOut = await overflow(page);
        expect(signedOut.scrollWidth, `signed out: ${signedOut.wide.join(', ')}`).toBeLessThanOrEqual(WIDTH);
        await page.screenshot({ path: await artefactPath(`page-390-${name}-sign-in.png`), fullPage: true });
        await page.getByLabel('نام کاربری').fill(user);
        await page.getByLabel('گذرواژه').fill(PASSWORD);
        await page.getByLabel('گذرواژه').press('Enter');
      }
      await expect.poll(() => page.locator(ready).first().isVisible(), POLL).toBe(true);
      await page.waitForLoadState('networkidle');
      const shown = await overflow(page);
      await page.screenshot({ path: await artefactPath(`page-390-${name}.png`), fullPage: true });
      expect(shown.scrollWidth, shown.wide.join(', ')).toBeLessThanOrEqual(WIDTH);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
