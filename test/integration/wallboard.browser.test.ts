import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallbackRepo } from '../../src/outbound/adapters/db/callback-repo.js';
import { createLiveStatsRepo } from '../../src/adapters/db/live-stats-repo.js';
import * as ami from '../helpers/ami-fixtures.js';
import { LiveStatsService } from '../../src/services/live-stats-service.js';
import { hashPassword } from '../../src/services/passwords.js';
import { formatDuration } from '../../src/web/agent/format.js';
import { artefactPath, launchBrowser } from '../helpers/browser.js';
import { openHttpBackend, startHttpApp, type HttpBackend } from '../helpers/http-app.js';
import { createOverdueRepo } from '../../src/adapters/db/overdue-repo.js';
import { createOverdueBoard, type OverdueBoard } from '../../src/services/overdue-board.js';

/**
 * The wallboard in Debian's chromium against the real HTTP server, sign-in, live stats
 * service and office-hours service. Asterisk is replaced by recorded AMI messages fed
 * to the service, as they would arrive during a call; the real-call version is e2e.
 */

const PASSWORD = 'a-long-supervisor-passphrase';
const Q = 'general_queue';
const SARA = 'PJSIP/agent-sara';

let backend: HttpBackend;
let app: FastifyInstance;
let browser: Browser;
let page: Page;
let baseUrl: string;
let stats: LiveStatsService;
let hoursChanges: { mode: string; actor: string }[];
let overdue: OverdueBoard;
/** The SLA sweep's clock: past every due time a case created now gets. */
const LATE = new Date('2099-03-01T08:00:00Z');
const pageErrors: string[] = [];
const cspViolations: string[] = [];

beforeAll(async () => {
  backend = await openHttpBackend();
  await backend.repos.users.create({
    username: 'nasrin',
    displayName: 'نسرین سرپرست',
    role: 'supervisor',
    district: null,
    passwordHash: await hashPassword(PASSWORD),
  });
  await backend.repos.users.create({
    username: 'ali',
    displayName: 'علی کارشناس',
    role: 'agent',
    district: null,
    passwordHash: await hashPassword(PASSWORD),
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
  overdue = createOverdueBoard({ summary: createOverdueRepo(backend.database.db).summary, logger: pino({ level: 'silent' }) });
  ({ app, hoursChanges } = await startHttpApp(backend, { liveStats: stats, overdue }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  browser = await launchBrowser();
  page = await browser.newPage({ locale: 'fa-IR', timezoneId: 'Asia/Tehran', viewport: { width: 1280, height: 1100 } });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
  });
});

afterAll(async () => {
  await browser?.close();
  stats?.stop();
  await app?.close();
  await backend?.close();
});

const POLL = { timeout: 10_000 };
const rows = (selector: string) => () => page.locator(`${selector} tbody tr`).count();

describe('the wallboard in chromium', () => {
  it('refuses agents, then shows a supervisor the waiting caller come and go, the colours, and switches office hours', async () => {
    await page.goto(`${baseUrl}/wallboard`);
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');

    await page.getByLabel('نام کاربری').fill('ali');
    await page.getByLabel('گذرواژه').fill(PASSWORD);
    await page.getByRole('button', { name: 'ورود', exact: true }).click();
    await expect.poll(() => page.locator('#sign-in-error').textContent(), POLL).toContain('مجاز نیست');
    expect(await page.locator('#board').isHidden()).toBe(true);

    stats.onAmiEvent(ami.memberEvent('QueueMemberAdded', Q, SARA, { paused: true, reason: 'lunch' }));
    // A case of district 7 past its SLA before the board opens.
    await backend.repos.cases.create({ channel: 'manual', category: 'cleaning_waste', district: 7, description: 'زباله', actor: 'agent-1' });
    await backend.repos.cases.escalateOverdue(LATE);
    await page.getByLabel('نام کاربری').fill('nasrin');
    await page.getByLabel('گذرواژه').fill(PASSWORD);
    await page.getByLabel('گذرواژه').press('Enter');
    await expect.poll(() => page.locator('#connection').textContent(), POLL).toBe('زنده');
    await expect.poll(() => page.locator('#agents tbody td[data-state="paused"]').textContent(), POLL).toContain('ناهار');
    expect(await page.locator('#waiting-empty').isVisible()).toBe(true);

    // Overdue cases per district, on connect and pushed when a sweep escalates more.
    await expect.poll(() => page.locator('#overdue-districts li[data-district="7"]').textContent(), POLL).toBe('منطقه ۷۱');
    expect(await page.locator('#overdue-total').textContent()).toBe('(۱)');
    await backend.repos.cases.create({ channel: 'voicebox', actor: 'ivr' });
    await backend.repos.cases.escalateOverdue(LATE);
    await overdue.refresh();
    await expect.poll(() => page.locator('#overdue-total').textContent(), POLL).toBe('(۲)');
    expect(await page.locator('#overdue-districts li[data-district="null"]').textContent()).toBe('بدون منطقه۱');
    expect(await page.locator('.overdue a').getAttribute('href')).toBe('/cases?view=overdue');
    // A queue nobody answers has its tile, with a warning.
    expect(await page.locator('.tile[data-no-members="true"] .tile-warning').count()).toBeGreaterThan(0);
    expect(await page.locator('.tile[data-no-members="true"] .tile-warning').first().textContent()).toBe('کارشناسی در این صف نیست');

    // A citizen queues: the caller appears with their number.
    const id = `${Math.floor(Date.now() / 1000)}.77`;
    stats.onAmiEvent(ami.callerJoin(Q, id, '09121112233'));
    await expect.poll(rows('#waiting'), POLL).toBe(1);
    expect(await page.locator('#waiting tbody tr').getAttribute('data-unique-id')).toBe(id);
    expect(await page.locator('#waiting tbody bdi').textContent()).toBe('۰۹۱۲۱۱۱۲۲۳۳');
    // The wait ages on the page between pushes.
    await expect.poll(() => page.locator('#waiting tbody td[data-since]').textContent(), POLL).not.toBe(formatDuration(0));
    await page.screenshot({ path: await artefactPath('wallboard-waiting.png'), fullPage: true });

    // They give up after 30 s: gone from the list, and the service level turns red.
    stats.onAmiEvent(ami.callerAbandon(Q, id, 30));
    await expect.poll(rows('#waiting'), POLL).toBe(0);
    const serviceLevel = page.locator('.tile[data-queue="general"] .figure[data-key="serviceLevel"]');
    await expect.poll(() => serviceLevel.getAttribute('data-colour'), POLL).toBe('red');
    expect(await serviceLevel.locator('dd').textContent()).toBe('۰٪');
    await page.screenshot({ path: await artefactPath('wallboard-abandoned.png'), fullPage: true });

    // Office hours forced closed from the board: it asks once more, since every caller
    // then goes to the voicebox; the supervisor confirms.
    const questions: string[] = [];
    page.once('dialog', (dialog) => {
      questions.push(dialog.message());
      void dialog.accept();
    });
    await page.getByLabel('حالت').selectOption('closed');
    await page.getByRole('button', { name: 'اعمال' }).click();
    await expect.poll(() => questions.length, POLL).toBe(1);
    await expect.poll(() => page.locator('#hours-status').textContent(), POLL).toContain('بسته (دستی)');
    expect(hoursChanges.map((c) => c.mode)).toEqual(['closed']);
    // And the board says who closed it.
    await expect.poll(() => page.locator('#hours-by').textContent(), POLL).toMatch(/^آخرین تغییر دستی: .+، .+/);
    await page.screenshot({ path: await artefactPath('wallboard-overdue-and-override.png'), fullPage: true });

    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});
